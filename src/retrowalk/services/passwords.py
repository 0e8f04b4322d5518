"""A signed-in person changes their own password (the web layer checked the current one).

Passwords never reach the services: the web layer reads the stored hash here
(:func:`own_login`), checks the current password against it, hashes the new one and hands
over only the new hash. The change is audited; the web layer then ends the account's other
sign-ins.
"""

from __future__ import annotations

from retrowalk.services.access import check_actor
from retrowalk.services.context import AppContext
from retrowalk.services.convert import account_out
from retrowalk.services.reset_links import check_password_hash
from retrowalk.services.schemas import AccountOut, Actor, LoginAccount, Role
from retrowalk.store import repositories as repo


def own_login(ctx: AppContext, actor: Actor) -> LoginAccount:
    """The actor's own account with its password hash (to check the current password)."""
    with ctx.db.reader() as tx:
        account = check_actor(tx, actor)
        return LoginAccount(
            id=account.id,
            email=account.email,
            display_name=account.display_name,
            role=Role(account.role),
            password_hash=account.password_hash,
        )


def change_own_password(ctx: AppContext, actor: Actor, password_hash: str) -> AccountOut:
    """Replace the actor's own password hash (audited; the walker's id when a walker)."""
    new_hash = check_password_hash(password_hash)
    at = ctx.now()
    with ctx.db.transaction() as tx:
        account = check_actor(tx, actor)
        account.password_hash = new_hash
        walker = repo.walker_by_account(tx, account.id)
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="account.change_password",
            entity="account",
            entity_id=account.id,
            walker_id=walker.id if walker is not None else None,
        )
        return account_out(account)
