"""The staff a clinician or administrator works with: colleagues to make password links for."""

from __future__ import annotations

from retrowalk.services.access import require_role
from retrowalk.services.accounts import LOCAL_ADMIN_EMAIL
from retrowalk.services.context import AppContext
from retrowalk.services.convert import account_out
from retrowalk.services.errors import InvalidRequest, NotFound
from retrowalk.services.schemas import AccountOut, Actor, Role, normalise_email
from retrowalk.store import account_links as links
from retrowalk.store import repositories as repo


def list_colleagues(ctx: AppContext, actor: Actor) -> list[AccountOut]:
    """Staff accounts that sign in on the web (not the terminal's local administrator).

    A clinician sees clinicians and administrators (by name: they work together); only
    administrators may act on administrators' accounts (see :mod:`.reset_links`).
    """
    with ctx.db.reader() as tx:
        require_role(tx, actor, Role.CLINICIAN, Role.ADMIN)
        return [account_out(a) for a in links.staff_accounts(tx) if a.email != LOCAL_ADMIN_EMAIL]


def find_account(ctx: AppContext, actor: Actor, email: str) -> AccountOut:
    """An account by email (administrators only: the CLI's ``account reset-link EMAIL``)."""
    try:
        address = normalise_email(email)
    except ValueError as exc:
        raise InvalidRequest(f"email: {email!r} {exc}.", field="email") from None
    with ctx.db.reader() as tx:
        require_role(tx, actor, Role.ADMIN)
        account = repo.account_by_email(tx, address)
        if account is None:
            raise NotFound(f"There is no account with the email {address}.")
        return account_out(account)
