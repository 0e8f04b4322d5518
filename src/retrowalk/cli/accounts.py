"""``retrowalk account``: staff accounts and the one-time links a clinic needs.

The terminal acts as the local administrator (see ``retrowalk init``), which never signs in
on the web; these commands give the web's people a way in:

- ``account add --email --name [--role]``: a clinician (or admin) account, and a one-time
  link to choose its password (the person opens it, picks a password, signs in);
- ``account reset-link EMAIL``: a new one-time password link (a forgotten or leaked one);
- ``account invite --email``: an invitation for a clinician, who chooses their own password;
- ``account list`` and ``account invitations``: who has an account; what is still pending.

Links are printed once, with ``--base-url`` (or ``RETROWALK_BASE_URL``) in front: the
address people use to reach the web app.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from retrowalk.cli.flags import speaks_flags
from retrowalk.cli.options import (
    DbOption,
    JsonOption,
    emit,
    open_context,
    out,
    print_json,
    whole_option,
)
from retrowalk.services import accounts, invitations, reset_links, team
from retrowalk.services.errors import InvalidRequest
from retrowalk.services.reset_links import RESET_VALID_HOURS, VALID_HOURS_MAX

BASE_URL_ENV = "RETROWALK_BASE_URL"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"

BaseUrlOption = Annotated[
    str,
    typer.Option(
        "--base-url",
        envvar=BASE_URL_ENV,
        help="The web app's address, put in front of the printed links.",
    ),
]
HoursOption = Annotated[
    int,
    typer.Option(
        "--valid-hours",
        parser=whole_option,
        min=1,
        max=VALID_HOURS_MAX,
        help=f"How long the link works (1–{VALID_HOURS_MAX} hours).",
    ),
]

account_app = typer.Typer(
    help="Clinician and administrator accounts, password links and invitations.",
    no_args_is_help=True,
)


def _base(base_url: str) -> str:
    base = base_url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")) or len(base) > 300 or " " in base:
        raise InvalidRequest(
            f"--base-url: {base_url[:80]!r} is not a web address; give e.g. "
            "https://retrowalk.clinic.example or http://127.0.0.1:8000.",
            field="base_url",
        )
    return base


@account_app.command("add")
@speaks_flags
def account_add(
    email: Annotated[str, typer.Option(help="Email (unique).")],
    name: Annotated[str, typer.Option(help="Display name.")],
    role: Annotated[str, typer.Option(help="clinician or admin.")] = "clinician",
    valid_hours: HoursOption = 72,
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a clinician (or admin) account and print a one-time link to set its password."""
    base = _base(base_url)
    ctx, actor = open_context(database_url)
    account = accounts.create_account(
        ctx, actor, {"email": email, "display_name": name, "role": role}
    )
    link = reset_links.issue_reset_link(ctx, actor, account.id, valid_hours=valid_hours)
    url = f"{base}/reset?token={link.token}"
    if as_json:
        print_json({**account.model_dump(mode="json"), "password_link": url})
        return
    out.print(f"Created {account.role} account {account.id}: {account.display_name}")
    out.print(
        f"Send {account.email} this one-time link to choose a password (it works until "
        f"{link.expires_at:%Y-%m-%d %H:%M} UTC):"
    )
    out.print(url, soft_wrap=True)


@account_app.command("reset-link")
@speaks_flags
def account_reset_link(
    email: Annotated[str, typer.Argument(help="The account's email.")],
    valid_hours: HoursOption = RESET_VALID_HOURS,
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print a new one-time link to set an account's password (older links stop working)."""
    base = _base(base_url)
    ctx, actor = open_context(database_url)
    account = team.find_account(ctx, actor, email)
    link = reset_links.issue_reset_link(ctx, actor, account.id, valid_hours=valid_hours)
    url = f"{base}/reset?token={link.token}"
    if as_json:
        print_json({**link.model_dump(mode="json", exclude={"token"}), "password_link": url})
        return
    out.print(
        f"Password link for {link.display_name} <{link.email}> (works once, until "
        f"{link.expires_at:%Y-%m-%d %H:%M} UTC):"
    )
    out.print(url, soft_wrap=True)


@account_app.command("invite")
@speaks_flags
def account_invite(
    email: Annotated[str, typer.Option(help="The clinician's email.")],
    valid_days: Annotated[
        int,
        typer.Option(
            parser=whole_option, min=1, max=invitations.VALID_DAYS_MAX, help="Days the link works."
        ),
    ] = accounts.INVITATION_VALID_DAYS,
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Invite a clinician: print a one-time link with which they make their own account."""
    base = _base(base_url)
    ctx, actor = open_context(database_url)
    invitation = invitations.invite_clinician(ctx, actor, email, valid_days=valid_days)
    url = f"{base}/join?token={invitation.token}"
    if as_json:
        print_json({**invitation.model_dump(mode="json", exclude={"token"}), "link": url})
        return
    out.print(
        f"Invitation for {invitation.email} (works once, until {invitation.expires_at:%Y-%m-%d}):"
    )
    out.print(url, soft_wrap=True)


@account_app.command("list")
def account_list(database_url: DbOption = None, as_json: JsonOption = False) -> None:
    """Every clinician and administrator account that signs in on the web."""
    ctx, actor = open_context(database_url)
    rows = team.list_colleagues(ctx, actor)
    if emit(rows, as_json):
        return
    table = Table("id", "name", "email", "role", "password")
    for r in rows:
        table.add_row(
            str(r.id),
            r.display_name,
            r.email,
            r.role.value,
            "set" if r.has_password else "none yet",
        )
    out.print(table)


@account_app.command("invitations")
def account_invitations(database_url: DbOption = None, as_json: JsonOption = False) -> None:
    """Invitations not used or withdrawn yet (walkers' and clinicians')."""
    ctx, actor = open_context(database_url)
    rows = invitations.list_invitations(ctx, actor)
    if emit(rows, as_json):
        return
    table = Table("id", "email", "for", "sent", "state")
    for r in rows:
        state = "works until " + f"{r.expires_at:%Y-%m-%d}" if r.state == "valid" else r.state
        table.add_row(str(r.id), r.email, r.role.value, f"{r.created_at:%Y-%m-%d}", state)
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add ``retrowalk account …`` to the root app."""
    app.add_typer(account_app, name="account")
