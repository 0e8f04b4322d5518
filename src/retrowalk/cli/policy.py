"""``retrowalk policy show`` and ``retrowalk policy set NAME=VALUE … --reason``: the clinic's
policy from the terminal, through the same use cases as the web page (:mod:`.policies`)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from retrowalk.cli.flags import speaks_flags
from retrowalk.cli.options import DbOption, JsonOption, emit, open_context, out
from retrowalk.present.numbers import policy_text
from retrowalk.services import policies
from retrowalk.services.errors import InvalidRequest
from retrowalk.services.schemas import PolicyOut

policy_app = typer.Typer(
    help="The clinic's policy: the numbers retrowalk chose where the studies give none.",
    no_args_is_help=True,
)


def _show(policy: PolicyOut) -> None:
    who = "the built-in default" if policy.version == 0 else f"set by {policy.set_by_name}"
    out.print(f"[bold]Policy version {policy.version}[/] ({who}): {policy.reason}")
    table = Table("policy", "in force", "default", "what it means")
    for f in policy.fields:
        shown = policy_text(f.value)
        if f.value != f.default:
            shown = f"[bold]{shown}[/]"
        table.add_row(f.name, shown, policy_text(f.default), f.description)
    out.print(table)


@policy_app.command("show")
def policy_show(database_url: DbOption = None, as_json: JsonOption = False) -> None:
    """The policy in force, each value beside its default and what it means."""
    ctx, actor = open_context(database_url)
    policy = policies.current_policy(ctx, actor)
    if not emit(policy, as_json):
        _show(policy)


def _pairs(assignments: list[str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InvalidRequest(
                f"{item!r} is not NAME=VALUE; e.g. cool_down_min=7 (see `retrowalk policy show`)."
            )
        texts[name.strip()] = value
    return texts


@policy_app.command("set")
@speaks_flags
def policy_set(
    assignments: Annotated[
        list[str],
        typer.Argument(help="NAME=VALUE, e.g. cool_down_min=7 or walking_aid_supervised=no."),
    ],
    reason: Annotated[str, typer.Option(help="Why the clinic changes it, in a sentence.")],
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A new policy version (administrator): each value is checked against its limits."""
    ctx, actor = open_context(database_url)
    changes = policies.changes_from_text(_pairs(assignments))
    policy = policies.set_policy(ctx, actor, changes, reason)
    if emit(policy, as_json):
        return
    out.print(f"Policy version {policy.version} is in force from now on.")


def register(app: typer.Typer) -> None:
    """Add the ``policy`` group to the root app."""
    app.add_typer(policy_app, name="policy")
