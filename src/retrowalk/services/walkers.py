"""Enrolling walkers and finding them (a clinician sees only their own)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from retrowalk.services.access import (
    can_reach,
    check_actor,
    check_id,
    require_role,
    walker_for,
    walker_name,
)
from retrowalk.services.accounts import LOCAL_ADMIN_EMAIL, insert_account
from retrowalk.services.context import AppContext
from retrowalk.services.convert import account_out, walker_out
from retrowalk.services.errors import (
    AccessDenied,
    Conflict,
    HiddenRecord,
    InvalidRequest,
    NotFound,
    parse,
)
from retrowalk.services.schemas import (
    AccountIn,
    AccountOut,
    Actor,
    ReassignIn,
    Role,
    TimezoneIn,
    WalkerIn,
    WalkerOut,
)
from retrowalk.store import account_links as links
from retrowalk.store import repositories as repo
from retrowalk.store.models import Account, Walker


def _refuse_a_taken_email(tx: Session, actor: Actor, email: str) -> None:
    """A clinician enrolling an email that has an account: never say whose it is.

    Their own walker is named; anyone else's account (another clinician's walker, a
    colleague) gets the sentence an unknown clash would, pointing to an invitation, which
    tells only the email's holder that they can sign in.
    """
    existing = repo.account_by_email(tx, email)
    if existing is None:
        return
    own = repo.walker_by_account(tx, existing.id)
    if own is not None and own.clinician_id == actor.account_id:
        raise Conflict(f"{email} is already one of your walkers (walker {own.id}).")
    raise Conflict(
        f"{email} cannot be enrolled directly. Send an invitation instead: the person then "
        "makes their own account, or learns that they can sign in."
    )


def _staff_account(tx: Session, account_id: int) -> Account:
    """The account a walker can be looked after by: a clinician's, or an administrator's (an
    administrator is a clinician who also runs the clinic, with walkers of her own)."""
    account = repo.get(tx, Account, account_id)
    if account is None or account.role not in (Role.CLINICIAN.value, Role.ADMIN.value):
        raise InvalidRequest(
            f"clinician_id: {account_id} is not a clinician's or an administrator's account.",
            field="clinician_id",
        )
    if account.email == LOCAL_ADMIN_EMAIL:
        raise InvalidRequest(
            f"clinician_id: {account_id} is the terminal's own administrator account, not a "
            "clinician who signs in on the web; name a clinician's account.",
            field="clinician_id",
        )
    return account


def enrol_walker(ctx: AppContext, actor: Actor, data: WalkerIn | dict[str, object]) -> WalkerOut:
    """Create a walker's account and profile.

    A clinician enrols into their own list; an admin may name any clinician (or none).
    """
    walker_in = parse(WalkerIn, data)
    at = ctx.now()
    with ctx.db.transaction() as tx:
        require_role(tx, actor, Role.CLINICIAN, Role.ADMIN)
        clinician_id = walker_in.clinician_id
        if actor.role is Role.CLINICIAN:
            if clinician_id not in (None, actor.account_id):
                raise AccessDenied("A clinician can only enrol walkers into their own list.")
            clinician_id = actor.account_id
        elif clinician_id is not None:
            _staff_account(tx, clinician_id)
        if actor.role is Role.CLINICIAN:
            _refuse_a_taken_email(tx, actor, walker_in.email)
        account = insert_account(
            tx,
            AccountIn(email=walker_in.email, display_name=walker_in.display_name, role=Role.WALKER),
            at,
        )
        walker = repo.add(
            tx,
            Walker(
                account_id=account.id,
                age_years=walker_in.age_years,
                sex=walker_in.sex,
                knee_condition=walker_in.knee_condition.value,
                knee_side=walker_in.knee_side,
                timezone=walker_in.timezone,
                clinician_id=clinician_id,
                created_at=at,
            ),
        )
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="walker.enrol",
            entity="walker",
            entity_id=walker.id,
            walker_id=walker.id,
            detail=walker_in.model_dump(mode="json"),
        )
        return walker_out(walker, account)


def list_walkers(ctx: AppContext, actor: Actor) -> list[WalkerOut]:
    """The walkers the actor may reach: all (admin), their own (clinician), themself (walker)."""
    with ctx.db.reader() as tx:
        check_actor(tx, actor)
        if actor.role is Role.ADMIN:
            rows = repo.walkers(tx)
        elif actor.role is Role.CLINICIAN:
            rows = repo.walkers(tx, clinician_id=actor.account_id)
        else:
            own = repo.walker_by_account(tx, actor.account_id)
            account = repo.get(tx, Account, actor.account_id)
            rows = [(own, account)] if own is not None and account is not None else []
        return [walker_out(w, a) for w, a in rows]


def get_walker(ctx: AppContext, actor: Actor, walker_id: int) -> WalkerOut:
    """One walker's profile."""
    with ctx.db.reader() as tx:
        walker = walker_for(tx, actor, walker_id)
        account = repo.get(tx, Account, walker.account_id)
        assert account is not None
        return walker_out(walker, account)


def walker_clinician(ctx: AppContext, actor: Actor, walker_id: int) -> AccountOut | None:
    """The clinician who looks after the walker (None when none is assigned), for whoever
    may see the walker: a report names them, and the walker knows whom to call."""
    with ctx.db.reader() as tx:
        walker = walker_for(tx, actor, walker_id)
        if walker.clinician_id is None:
            return None
        account = repo.get(tx, Account, walker.clinician_id)
        return account_out(account) if account is not None else None


def walker_for_account(ctx: AppContext, actor: Actor, account_id: int) -> WalkerOut:
    """The walker profile of an account (a walker finds their own this way).

    Everything is read and converted inside one session: the rows are never touched after
    it closes. A walker may ask only for their own account (whether another account has a
    profile is not revealed); a clinician only for their own walkers.
    """
    check_id("account_id", account_id)
    with ctx.db.reader() as tx:
        check_actor(tx, actor)
        if actor.role is Role.WALKER and account_id != actor.account_id:
            raise AccessDenied("A walker can only see their own walker profile.")
        walker = repo.walker_by_account(tx, account_id)
        said = f"Account {account_id} has no walker profile among the records you may see."
        if walker is None:
            raise NotFound(said)
        if not can_reach(actor, walker):
            raise HiddenRecord(said)  # the same answer: it never says whose profile it is
        account = repo.get(tx, Account, walker.account_id)
        assert account is not None
        return walker_out(walker, account)


def reassign_walker(
    ctx: AppContext, actor: Actor, walker_id: int, data: ReassignIn | dict[str, object]
) -> WalkerOut:
    """Move a walker to another clinician (an administrator only, with the reason, audited).

    Her whole record stays as it is; from the next request the new clinician reaches it and
    the one before does not. Restrictions are not touched: only a clearance lifts them."""
    change = parse(ReassignIn, data)
    at = ctx.now()
    with ctx.db.transaction() as tx:
        require_role(tx, actor, Role.ADMIN)
        walker = walker_for(tx, actor, walker_id)
        target = _staff_account(tx, change.clinician_id)
        if walker.clinician_id == target.id:
            raise Conflict(
                f"{walker_name(tx, walker)} is already looked after by {target.display_name}."
            )
        before = walker.clinician_id
        walker.clinician_id = target.id
        # A password link the clinician before made for her (it came back to them) would let
        # them sign in as her after the move: it stops working now (found in review).
        withdrawn = links.unused_reset_links(tx, walker.account_id, at)
        for link in withdrawn:
            link.expires_at = at
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="walker.reassign",
            entity="walker",
            entity_id=walker.id,
            walker_id=walker.id,
            detail={
                "from_clinician_id": before,
                "to_clinician_id": target.id,
                "reason": change.reason,
                "password_links_withdrawn": len(withdrawn),
            },
        )
        account = repo.get(tx, Account, walker.account_id)
        assert account is not None
        return walker_out(walker, account)


def set_timezone(ctx: AppContext, actor: Actor, walker_id: int, timezone: str) -> WalkerOut:
    """Correct a walker's time zone: the walker herself, her clinician or an administrator.

    Why: the server's clock says *when* something happened, her time zone says *which day* it
    was for her. A walker stored as UTC who lives in Auckland had her "today", her rest days
    and her next-morning check-in on the wrong dates, and nothing could put it right.

    An unknown zone is refused naming the field and what is allowed (IANA names like
    ``Europe/London``, the validation of enrolment). The past is not rewritten: every record
    already stored keeps the local date it was stored with; from the change on, days are
    counted on the new clock. The change is audited, before → after; the same zone again
    changes nothing and writes nothing (a form sent twice is harmless).
    """
    change = parse(TimezoneIn, {"timezone": timezone})
    at = ctx.now()
    with ctx.db.transaction() as tx:
        walker = walker_for(tx, actor, walker_id)
        before = walker.timezone
        if before != change.timezone:
            walker.timezone = change.timezone
            repo.audit(
                tx,
                at=at,
                actor_account_id=actor.account_id,
                actor_role=actor.role.value,
                action="walker.set_timezone",
                entity="walker",
                entity_id=walker.id,
                walker_id=walker.id,
                detail={"timezone": {"before": before, "after": change.timezone}},
            )
        account = repo.get(tx, Account, walker.account_id)
        assert account is not None
        return walker_out(walker, account)
