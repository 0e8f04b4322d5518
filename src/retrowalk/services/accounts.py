"""Accounts: first-run setup, staff accounts, password hashes, invitations, the CLI's admin.

Passwords never reach the services: the web layer hashes with argon2 and hands over the
hash. Tokens (setup, invitation) are random and long, so a SHA-256 of them is enough to
store; the token itself is returned once and never kept.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from retrowalk.services.access import check_actor, check_id, require_role
from retrowalk.services.context import AppContext
from retrowalk.services.convert import account_out, walker_out
from retrowalk.services.errors import (
    CLIENT_KEY_PATTERN,
    PATTERN_WORDS,
    AccessDenied,
    Conflict,
    InvalidRequest,
    NotFound,
    parse,
)
from retrowalk.services.key_digest import key_digest, same_values
from retrowalk.services.schemas import (
    NUL_MESSAGE,
    AccountIn,
    AccountOut,
    Actor,
    InvitationOut,
    InvitationState,
    LoginAccount,
    Role,
    SetupTokenOut,
    WalkerOut,
    WalkerSignup,
    normalise_email,
)
from retrowalk.services.stored_once import stored_once
from retrowalk.store import client_keys
from retrowalk.store import repositories as repo
from retrowalk.store.models import Account, Invitation, SetupToken, Walker

LOCAL_ADMIN_EMAIL = "admin@localhost.localdomain"
"""The CLI's own administrator account (``retrowalk init`` creates it)."""
INVITATION_VALID_DAYS = 14


def _hash_token(token: str) -> str:
    """The stored form of a link's token (a mangled link's lone surrogate hashes too)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


hash_token = _hash_token


def _email_or_invalid(email: str) -> str:
    try:
        return normalise_email(email)
    except ValueError as exc:
        raise InvalidRequest(f"email: {email!r} {exc}.", field="email") from None


def insert_account(db_session: Session, data: AccountIn, now: datetime) -> Account:
    """Insert a new account; a taken email is a :class:`Conflict`, never a crash."""
    if repo.account_by_email(db_session, data.email) is not None:
        raise Conflict(f"An account with the email {data.email} already exists.")
    account = Account(
        email=data.email,
        display_name=data.display_name,
        role=data.role.value,
        password_hash=data.password_hash,
        created_at=now,
    )
    try:
        with db_session.begin_nested():
            repo.add(db_session, account)
    except IntegrityError:
        raise Conflict(f"An account with the email {data.email} already exists.") from None
    return account


def first_run_needed(ctx: AppContext) -> bool:
    """True while no clinician or admin can sign in (the web app shows its setup page).

    The CLI's local administrator has no password, so a database made with ``retrowalk init``
    or ``retrowalk demo`` still needs the web setup.
    """
    with ctx.db.reader() as tx:
        return not repo.staff_account_exists(tx, can_sign_in=True)


def create_setup_token(ctx: AppContext) -> SetupTokenOut:
    """A one-time token to create the first staff account; older unused tokens stop working."""
    at = ctx.now()
    with ctx.db.transaction() as tx:
        if repo.staff_account_exists(tx, can_sign_in=True):
            raise Conflict("Setup is already done: a clinician or admin can sign in.")
        for old in repo.unused_setup_tokens(tx):
            old.used_at = at
        token = secrets.token_urlsafe(32)
        row = repo.add(tx, SetupToken(token_hash=_hash_token(token), created_at=at))
        repo.audit(
            tx,
            at=at,
            actor_account_id=None,
            actor_role="system",
            action="setup_token.create",
            entity="setup_token",
            entity_id=row.id,
        )
    return SetupTokenOut(token=token)


def complete_setup(ctx: AppContext, token: str, data: AccountIn | dict[str, object]) -> AccountOut:
    """Create the first clinician or admin account with the one-time setup token."""
    account_in = parse(AccountIn, data)
    if account_in.role is Role.WALKER:
        raise InvalidRequest(
            "role: the first account must be a clinician or an admin.", field="role"
        )
    if account_in.password_hash is None:
        raise InvalidRequest(
            "password_hash: the first account needs a password so it can sign in.",
            field="password_hash",
        )
    at = ctx.now()
    with ctx.db.transaction() as tx:
        row = repo.setup_token_by_hash(tx, _hash_token(token))
        if (
            row is None
            or row.used_at is not None
            or repo.staff_account_exists(tx, can_sign_in=True)
        ):
            raise AccessDenied("This setup token is not valid (wrong, already used, or replaced).")
        row.used_at = at
        account = insert_account(tx, account_in, at)
        repo.audit(
            tx,
            at=at,
            actor_account_id=account.id,
            actor_role=account.role,
            action="account.create_first",
            entity="account",
            entity_id=account.id,
            detail={"email": account.email, "role": account.role},
        )
        return account_out(account)


def create_account(
    ctx: AppContext, actor: Actor, data: AccountIn | dict[str, object]
) -> AccountOut:
    """An administrator creates any account (walkers are better enrolled with a profile)."""
    account_in = parse(AccountIn, data)
    at = ctx.now()
    with ctx.db.transaction() as tx:
        require_role(tx, actor, Role.ADMIN)
        account = insert_account(tx, account_in, at)
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="account.create",
            entity="account",
            entity_id=account.id,
            detail={"email": account.email, "role": account.role},
        )
        return account_out(account)


def find_account_by_email(ctx: AppContext, email: str) -> LoginAccount | None:
    """The account for a login attempt (with its password hash), or None."""
    try:
        address = normalise_email(email)
    except ValueError:
        return None
    with ctx.db.reader() as tx:
        account = repo.account_by_email(tx, address)
        if account is None:
            return None
        return LoginAccount(
            id=account.id,
            email=account.email,
            display_name=account.display_name,
            role=Role(account.role),
            password_hash=account.password_hash,
        )


def get_account(ctx: AppContext, actor: Actor, account_id: int) -> AccountOut:
    """An account: one's own, or any for an admin."""
    check_id("account_id", account_id)
    with ctx.db.reader() as tx:
        check_actor(tx, actor)
        if actor.role is not Role.ADMIN and actor.account_id != account_id:
            raise AccessDenied("You may only see your own account.")
        account = repo.get(tx, Account, account_id)
        if account is None:
            raise NotFound(f"There is no account with id {account_id}.")
        return account_out(account)


def set_password_hash(
    ctx: AppContext, actor: Actor, account_id: int, password_hash: str
) -> AccountOut:
    """Set or replace an account's password hash (one's own, or any for an admin)."""
    if not password_hash or len(password_hash) > 512:
        raise InvalidRequest("password_hash: expected a non-empty hash of at most 512 characters.")
    if "\x00" in password_hash:
        raise InvalidRequest(f"password_hash: {NUL_MESSAGE}.", field="password_hash")
    at = ctx.now()
    check_id("account_id", account_id)
    with ctx.db.transaction() as tx:
        check_actor(tx, actor)
        if actor.role is not Role.ADMIN and actor.account_id != account_id:
            raise AccessDenied("You may only change your own password.")
        account = repo.get(tx, Account, account_id)
        if account is None:
            raise NotFound(f"There is no account with id {account_id}.")
        account.password_hash = password_hash
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="account.set_password",
            entity="account",
            entity_id=account.id,
        )
        return account_out(account)


def create_invitation(
    ctx: AppContext,
    actor: Actor,
    email: str,
    *,
    valid_days: int = INVITATION_VALID_DAYS,
    client_key: str | None = None,
) -> InvitationOut:
    """A clinician (or an administrator, who is the first clinician of a new clinic) invites a
    walker by email; the token is returned once, stored hashed.

    With a ``client_key`` (every page form has one) the same invitation sent twice is made
    once: the second answer is the first invitation without its link (``token`` None,
    ``created`` false), which was shown once; "send again" makes a new link. The same key
    with another email or validity is refused (:class:`~.errors.KeyReused`)."""
    address = _email_or_invalid(email)
    key = check_client_key(client_key)
    if not 1 <= valid_days <= 90:
        raise InvalidRequest(
            f"valid_days: {valid_days} is not allowed; expected 1 to 90 days.", field="valid_days"
        )
    digest = invitation_digest(address, valid_days, Role.WALKER)
    return invitation_once(
        ctx, actor, key, digest, lambda: _invite(ctx, actor, address, valid_days, key, digest)
    )


def invitation_digest(address: str, valid_days: int, role: Role) -> str:
    """What an invitation under a key was sent with: the address (as normalised), its days
    and whom it invites (a walker's and a clinician's invitation share a sender's keys)."""
    return key_digest({"email": address, "valid_days": valid_days, "role": role.value})


def _invite(
    ctx: AppContext,
    actor: Actor,
    address: str,
    valid_days: int,
    key: str | None,
    digest: str,
) -> InvitationOut:
    at = ctx.now()
    with ctx.db.transaction() as tx:
        require_role(tx, actor, Role.CLINICIAN, Role.ADMIN)
        first = invitation_under(tx, actor, key, digest)
        if first is not None:
            return first
        existing = repo.account_by_email(tx, address)
        if existing is not None:
            own = repo.walker_by_account(tx, existing.id)
            if own is not None and own.clinician_id == actor.account_id:
                raise Conflict(
                    f"{address} is already one of your walkers ({existing.display_name}): they "
                    "can sign in, or you can give them a new password link."
                )
            # Anyone else's account (another clinician's walker, a colleague): the invitation
            # is made as for a new person, so the answer never tells that the email is taken;
            # only its holder learns, when opening the link, that they can sign in instead.
        token = secrets.token_urlsafe(32)
        row = repo.add(
            tx,
            Invitation(
                token_hash=_hash_token(token),
                email=address,
                clinician_id=actor.account_id,
                created_at=at,
                expires_at=at + timedelta(days=valid_days),
                client_key=key,
                client_key_digest=digest if key else None,
            ),
        )
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="invitation.create",
            entity="invitation",
            entity_id=row.id,
            detail={"email": address},
        )
        return InvitationOut(
            id=row.id,
            email=address,
            clinician_id=actor.account_id,
            token=token,
            expires_at=row.expires_at,
        )


CLIENT_KEY_MAX_CHARS = 64
"""As ``schemas.ClientKey`` (and the ``client_key`` columns): a key is at most 64 signs."""


def check_client_key(client_key: str | None) -> str | None:
    """A form's one-time key as given, or ``InvalidRequest`` naming what it may hold."""
    if client_key is None:
        return None
    if not 1 <= len(client_key) <= CLIENT_KEY_MAX_CHARS or not re.fullmatch(
        CLIENT_KEY_PATTERN, client_key
    ):
        raise InvalidRequest(
            f"client_key: {client_key[:CLIENT_KEY_MAX_CHARS]!r} is not allowed: it "
            f"{PATTERN_WORDS[CLIENT_KEY_PATTERN]}, 1 to {CLIENT_KEY_MAX_CHARS} of them.",
            field="client_key",
        )
    return client_key


def invitation_replayed(row: Invitation) -> InvitationOut:
    """An invitation made before under the same key: its link was shown once, so not here."""
    return InvitationOut(
        id=row.id,
        email=row.email,
        clinician_id=row.clinician_id,
        token=None,
        expires_at=row.expires_at,
        created=False,
    )


def invitation_under(
    tx: Session, actor: Actor, key: str | None, digest: str
) -> InvitationOut | None:
    """The invitation ``actor`` made under ``key``, as a replay answers it (None: none);
    refused (:class:`~.errors.KeyReused`) when it was sent with other values than ``digest``."""
    row = client_keys.invitation_by_client_key(tx, actor.account_id, key) if key else None
    if row is None:
        return None
    same_values(row.client_key_digest, digest, "invitation")
    return invitation_replayed(row)


def invitation_once(
    ctx: AppContext,
    actor: Actor,
    key: str | None,
    digest: str,
    make: Callable[[], InvitationOut],
) -> InvitationOut:
    """``make()``; when another copy under ``key`` committed first (a race), that one."""
    return stored_once(ctx.db, key, make, lambda tx: invitation_under(tx, actor, key, digest))


def invitation_status(ctx: AppContext, token: str) -> InvitationState:
    """Whether an invitation link can still make an account (read-only).

    Lets the join page refuse a used, withdrawn or expired link before the walker fills in
    the form. It says only valid / used / withdrawn / expired / unknown: never whose it is.
    """
    at = ctx.now()
    if not token.strip() or "\x00" in token:
        return InvitationState.UNKNOWN
    token_hash = _hash_token(token)
    with ctx.db.reader() as tx:
        invitation = repo.invitation_by_hash(tx, token_hash)
        return invitation_state(invitation, at)


def invitation_state(invitation: Invitation | None, at: datetime) -> InvitationState:
    """What an invitation can still do at ``at``."""
    if invitation is None:
        return InvitationState.UNKNOWN
    if invitation.used_at is not None:
        return InvitationState.USED
    if invitation.withdrawn_at is not None:
        return InvitationState.WITHDRAWN
    if invitation.expires_at <= at:
        return InvitationState.EXPIRED
    return InvitationState.VALID


def accept_invitation(
    ctx: AppContext,
    token: str,
    data: WalkerSignup | dict[str, object],
) -> WalkerOut:
    """Create the invited walker's account and profile, linked to the inviting clinician."""
    signup = parse(WalkerSignup, data)
    at = ctx.now()
    with ctx.db.transaction() as tx:
        invitation = repo.invitation_by_hash(tx, _hash_token(token))
        if invitation is None or invitation.used_at is not None:
            raise AccessDenied("This invitation is not valid (wrong or already used).")
        if invitation.withdrawn_at is not None:
            raise AccessDenied("This invitation was withdrawn; ask your clinician for a new one.")
        if invitation.role != Role.WALKER.value:
            raise AccessDenied("This invitation is for a clinician's account, not a walker's.")
        if invitation.expires_at <= at:
            raise AccessDenied(
                f"This invitation expired on {invitation.expires_at:%Y-%m-%d}; ask your "
                "clinician for a new one."
            )
        account = insert_account(
            tx,
            AccountIn(
                email=invitation.email,
                display_name=signup.display_name,
                role=Role.WALKER,
                password_hash=signup.password_hash,
            ),
            at,
        )
        walker = repo.add(
            tx,
            Walker(
                account_id=account.id,
                age_years=signup.age_years,
                sex=signup.sex,
                knee_condition=signup.knee_condition.value,
                knee_side=signup.knee_side,
                timezone=signup.timezone,
                clinician_id=invitation.clinician_id,
                created_at=at,
            ),
        )
        invitation.used_at = at
        invitation.walker_account_id = account.id
        repo.audit(
            tx,
            at=at,
            actor_account_id=account.id,
            actor_role=account.role,
            action="invitation.accept",
            entity="walker",
            entity_id=walker.id,
            walker_id=walker.id,
            detail={"invitation_id": invitation.id},
        )
        return walker_out(walker, account)


def ensure_local_admin(ctx: AppContext) -> Actor:
    """The CLI's local administrator (created on first use, without a password, so it can
    never sign in to the web app: the terminal user is trusted as the machine's owner)."""
    with ctx.db.reader() as tx:
        existing = repo.account_by_email(tx, LOCAL_ADMIN_EMAIL)
        if existing is not None:
            if existing.role != Role.ADMIN.value:
                raise Conflict(f"The account {LOCAL_ADMIN_EMAIL} exists but is not an admin.")
            return Actor(account_id=existing.id, role=Role.ADMIN)
    at = ctx.now()
    with ctx.db.transaction() as tx:
        account = insert_account(
            tx,
            AccountIn(email=LOCAL_ADMIN_EMAIL, display_name="Local administrator", role=Role.ADMIN),
            at,
        )
        repo.audit(
            tx,
            at=at,
            actor_account_id=account.id,
            actor_role=account.role,
            action="account.create_local_admin",
            entity="account",
            entity_id=account.id,
        )
        return Actor(account_id=account.id, role=Role.ADMIN)
