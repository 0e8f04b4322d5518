"""Who may reach what, checked in every use case (the web app and the CLI rely on it).

A walker reaches only their own records, a clinician only the walkers assigned to them, an
admin everything. The actor's account is looked up on every call, so a forged role or a
deleted account is refused rather than trusted.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from retrowalk.services.errors import AccessDenied, HiddenRecord, InvalidRequest, NotFound
from retrowalk.services.schemas import ID_MAX, Actor, Role
from retrowalk.store import repositories as repo
from retrowalk.store.models import Account, Walker


def check_id(field: str, value: int) -> int:
    """``value`` when it can be a stored id, else :class:`InvalidRequest` naming ``field``.

    Callers that pass ids as plain ints (the CLI, the services' own arguments) get the same
    sentence on SQLite and PostgreSQL instead of an integer overflow from the driver.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ID_MAX:
        raise InvalidRequest(
            f"{field}: {value!r} is not an id; ids are whole numbers from 1 to {ID_MAX}.",
            field=field,
        )
    return value


def check_actor(tx: Session, actor: Actor) -> Account:
    """The actor's account, if it exists and has the role the actor claims."""
    return actor_account(actor, repo.get(tx, Account, actor.account_id))


def actor_account(actor: Actor, account: Account | None) -> Account:
    """``account`` (the actor's, as read) when it exists and has the role the actor claims."""
    actor_role(actor, account.role if account is not None else None)
    assert account is not None
    return account


def actor_role(actor: Actor, role: str | None) -> None:
    """Refuse unless the actor's account, as read (its ``role``; None: no such account),
    has the role the actor claims."""
    if role is None or role != actor.role.value:
        raise AccessDenied(
            f"Account {actor.account_id} with role {actor.role.value} is not known here; "
            "sign in again."
        )


def _a(word: str) -> str:
    """``"an admin"``, ``"a clinician"``."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def require_role(tx: Session, actor: Actor, *roles: Role) -> Account:
    """The actor's account when their role is one of ``roles``."""
    account = check_actor(tx, actor)
    if actor.role not in roles:
        allowed = " or ".join(_a(r.value) for r in roles)
        raise AccessDenied(f"Only {allowed} may do this; you are signed in as {_a(actor.role)}.")
    return account


def can_reach(actor: Actor, walker: Walker) -> bool:
    """Whether ``actor`` may see and change ``walker``'s records."""
    if actor.role is Role.ADMIN:
        return True
    if actor.role is Role.CLINICIAN:
        return walker.clinician_id == actor.account_id
    return walker.account_id == actor.account_id


def walker_for(tx: Session, actor: Actor, walker_id: int) -> Walker:
    """The walker ``walker_id`` when the actor may reach them."""
    check_id("walker_id", walker_id)
    check_actor(tx, actor)
    return reachable(actor, walker_id, repo.get(tx, Walker, walker_id))


def reachable(actor: Actor, walker_id: int, walker: Walker | None) -> Walker:
    """``walker`` (walker ``walker_id`` as read) when it exists and the actor may reach it."""
    if walker is None:
        raise NotFound(no_such_walker(walker_id))
    if not can_reach(actor, walker):
        raise HiddenRecord(no_such_walker(walker_id))
    return walker


def no_such_walker(walker_id: int) -> str:
    """The one answer for a walker id that does not exist and for one the actor may not
    reach: the same words, so that no one learns which ids are in use."""
    return f"There is no walker with id {walker_id} among the records you may see."


def walker_name(tx: Session, walker: Walker) -> str:
    """The walker as a message names her: her name, never "Walker 6" (found by the outside-in
    test of the words)."""
    account = repo.get(tx, Account, walker.account_id)
    return account.display_name if account is not None and account.display_name else "The walker"


def staff_walker_for(tx: Session, actor: Actor, walker_id: int) -> Walker:
    """Like :func:`walker_for`, for what only their clinician (or an admin) may do."""
    require_role(tx, actor, Role.CLINICIAN, Role.ADMIN)
    return walker_for(tx, actor, walker_id)
