"""One-time links to set a password: for a forgotten or leaked one, or a first password.

Who may issue one (each issue is audited, with the walker's id when it is for a walker):

- an administrator: for any account that signs in on the web (not the terminal's own
  local administrator, which never signs in there);
- a clinician: for their own walkers only. Never for a colleague: the link comes back to
  whoever asks for it, so a clinician who could make one for a colleague could take over the
  colleague's account and every walker in it; a colleague's link is an administrator's job;
- the CLI (as the local administrator): ``retrowalk account add`` / ``reset-link``.

A link is shown once (only its hash is kept), expires (24 hours by default), works once, and
a new link for the same account replaces the older unused ones. Using it sets the password
and ends every sign-in of the account (the web layer does that part).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from retrowalk.services.access import check_actor, check_id
from retrowalk.services.accounts import LOCAL_ADMIN_EMAIL, check_client_key, hash_token
from retrowalk.services.context import AppContext
from retrowalk.services.convert import account_out
from retrowalk.services.errors import AccessDenied, Conflict, InvalidRequest, NotFound
from retrowalk.services.key_digest import key_digest, same_values
from retrowalk.services.schemas import (
    NUL_MESSAGE,
    AccountOut,
    Actor,
    ResetLinkOut,
    ResetLinkPreview,
    ResetLinkState,
    Role,
)
from retrowalk.services.stored_once import stored_once
from retrowalk.store import account_links as links
from retrowalk.store import client_keys
from retrowalk.store import repositories as repo
from retrowalk.store.models import Account, ResetLink

RESET_VALID_HOURS = 24
"""Policy: a reset link works for 24 hours."""
VALID_HOURS_MAX = 7 * 24


def _may_issue(tx: Session, actor: Actor, account: Account) -> int | None:
    """Refuse unless ``actor`` may issue a link for ``account``; the walker id, if a walker."""
    check_actor(tx, actor)
    if account.email == LOCAL_ADMIN_EMAIL:
        raise AccessDenied(
            "The local administrator belongs to the terminal and never signs in on the web."
        )
    walker = repo.walker_by_account(tx, account.id) if account.role == Role.WALKER else None
    if actor.role is Role.ADMIN:
        return walker.id if walker is not None else None
    if actor.role is Role.CLINICIAN:
        if walker is not None and walker.clinician_id == actor.account_id:
            return walker.id
        raise AccessDenied(
            "A clinician may make password links only for their own walkers; an administrator "
            "makes them for colleagues."
        )
    raise AccessDenied("Only a clinician or an administrator may make password links.")


def issue_reset_link(
    ctx: AppContext,
    actor: Actor,
    account_id: int,
    *,
    valid_hours: int = RESET_VALID_HOURS,
    client_key: str | None = None,
) -> ResetLinkOut:
    """A one-time link to set ``account_id``'s password (its token is returned only now).

    With a ``client_key`` (every page's button has one) the same request sent twice — a
    double click, the browser sending the form again — makes one link: the second answer is
    the first link without its token (``token`` None, ``created`` false). A second link would
    replace the first, already shown and perhaps already sent, without a word. The same key
    for another account, or with another ``valid_hours``, is refused (``Conflict``; the
    second :class:`~.errors.KeyReused`)."""
    check_id("account_id", account_id)
    if isinstance(valid_hours, bool) or not 1 <= valid_hours <= VALID_HOURS_MAX:
        raise InvalidRequest(
            f"valid_hours: {valid_hours} is not allowed; expected 1 to {VALID_HOURS_MAX} hours.",
            field="valid_hours",
        )
    key = check_client_key(client_key)
    digest = key_digest({"account_id": account_id, "valid_hours": valid_hours})

    def first(tx: Session) -> ResetLinkOut | None:
        account = repo.get(tx, Account, account_id)
        if account is None:
            return None
        _may_issue(tx, actor, account)
        return _link_under(tx, actor, account, key, digest, ctx.now())

    return stored_once(
        ctx.db, key, lambda: _issue(ctx, actor, account_id, valid_hours, key, digest), first
    )


def _link_under(
    tx: Session, actor: Actor, account: Account, key: str | None, digest: str, at: datetime
) -> ResetLinkOut | None:
    """The link ``actor`` made for ``account`` under ``key``, without its token (shown once,
    when it was made); None when the key made none. A key that made a link for another
    account is refused (``Conflict``): one key names one request, never a second account."""
    row = client_keys.reset_link_by_client_key(tx, actor.account_id, key) if key else None
    if row is None:
        return None
    if row.account_id != account.id:
        raise Conflict(
            "client_key: this key already made a password link for another account; "
            "send a new key for each link."
        )
    same_values(row.client_key_digest, digest, "password link")
    return ResetLinkOut(
        id=row.id,
        account_id=account.id,
        email=account.email,
        display_name=account.display_name,
        role=Role(account.role),
        token=None,
        expires_at=row.expires_at,
        created=False,
        state=_state(row, at),  # used, or replaced by a newer link, since it was made
    )


def _issue(
    ctx: AppContext,
    actor: Actor,
    account_id: int,
    valid_hours: int,
    key: str | None,
    digest: str,
) -> ResetLinkOut:
    at = ctx.now()
    with ctx.db.transaction() as tx:
        account = repo.get(tx, Account, account_id)
        if account is None:
            check_actor(tx, actor)
            raise NotFound(f"There is no account with id {account_id}.")
        walker_id = _may_issue(tx, actor, account)
        replay = _link_under(tx, actor, account, key, digest, at)
        if replay is not None:
            return replay
        for older in links.unused_reset_links(tx, account.id, at):
            older.expires_at = at  # replaced: only the newest link works
        token = secrets.token_urlsafe(32)
        row = repo.add(
            tx,
            ResetLink(
                token_hash=hash_token(token),
                account_id=account.id,
                created_by=actor.account_id,
                created_at=at,
                expires_at=at + timedelta(hours=valid_hours),
                client_key=key,
                client_key_digest=digest if key else None,
            ),
        )
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="reset_link.create",
            entity="account",
            entity_id=account.id,
            walker_id=walker_id,
            detail={"reset_link_id": row.id, "email": account.email, "valid_hours": valid_hours},
        )
        return ResetLinkOut(
            id=row.id,
            account_id=account.id,
            email=account.email,
            display_name=account.display_name,
            role=Role(account.role),
            token=token,
            expires_at=row.expires_at,
        )


def check_password_hash(password_hash: str) -> str:
    """``password_hash`` if it can be stored (a hash made by the web layer), else refused."""
    if not isinstance(password_hash, str) or not 1 <= len(password_hash) <= 512:
        raise InvalidRequest(
            "password_hash: expected a non-empty hash of at most 512 characters.",
            field="password_hash",
        )
    if "\x00" in password_hash:
        raise InvalidRequest(f"password_hash: {NUL_MESSAGE}.", field="password_hash")
    return password_hash


def _state(row: ResetLink | None, at: datetime) -> ResetLinkState:
    if row is None:
        return ResetLinkState.UNKNOWN
    if row.used_at is not None:
        return ResetLinkState.USED
    if row.expires_at <= at:
        return ResetLinkState.EXPIRED
    return ResetLinkState.VALID


def _find(tx: Session, token: str) -> ResetLink | None:
    if not token.strip() or "\x00" in token or len(token) > 200:
        return None
    return links.reset_link_by_hash(tx, hash_token(token))


def reset_link_preview(ctx: AppContext, token: str) -> ResetLinkPreview:
    """Whether a link still works, and whose password it sets (for its holder's page)."""
    at = ctx.now()
    with ctx.db.reader() as tx:
        row = _find(tx, token)
        state = _state(row, at)
        if row is None or state is not ResetLinkState.VALID:
            return ResetLinkPreview(state=state)
        account = repo.get(tx, Account, row.account_id)
        assert account is not None
        return ResetLinkPreview(state=state, email=account.email, display_name=account.display_name)


def use_reset_link(ctx: AppContext, token: str, password_hash: str) -> AccountOut:
    """Set the password with a valid link (once); the link stops working."""
    new_hash = check_password_hash(password_hash)
    at = ctx.now()
    with ctx.db.transaction() as tx:
        row = _find(tx, token)
        state = _state(row, at)
        if row is None or state is not ResetLinkState.VALID:
            raise AccessDenied(RESET_UNUSABLE[state])
        account = repo.get(tx, Account, row.account_id)
        assert account is not None
        row.used_at = at
        account.password_hash = new_hash
        walker = repo.walker_by_account(tx, account.id)
        repo.audit(
            tx,
            at=at,
            actor_account_id=account.id,
            actor_role=account.role,
            action="account.reset_password",
            entity="account",
            entity_id=account.id,
            walker_id=walker.id if walker is not None else None,
            detail={"reset_link_id": row.id},
        )
        return account_out(account)


RESET_UNUSABLE: dict[ResetLinkState, str] = {
    ResetLinkState.USED: "This password link was used already; ask for a new one if you need it.",
    ResetLinkState.EXPIRED: "This password link has expired (or a newer one replaced it); ask "
    "your clinician or administrator for a new one.",
    ResetLinkState.UNKNOWN: "This password link is not valid; check that the whole link was "
    "copied, or ask for a new one.",
    ResetLinkState.VALID: "",
}
