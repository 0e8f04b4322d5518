"""``retrowalk init`` and ``retrowalk walker add|list|show|reassign|timezone``: the database
and the walkers."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from retrowalk.cli.flags import speaks_flags
from retrowalk.cli.options import (
    DbOption,
    JsonOption,
    WalkerArg,
    emit,
    open_context,
    out,
    print_json,
    whole_option,
)
from retrowalk.cli.show import show_prescription
from retrowalk.clinical.screening import AGE_MAX_YEARS, AGE_MIN_YEARS
from retrowalk.present import vocabulary as vocab
from retrowalk.services import (
    clinician,
    plans,
    walkers,
)


def init(database_url: DbOption = None) -> None:
    """Create (or migrate) the database and the local administrator account."""
    ctx, actor = open_context(database_url)
    out.print(f"Database ready: {ctx.db.url}")
    out.print(f"Local administrator account id: {actor.account_id}")


walker_app = typer.Typer(help="Enrol walkers and look them up.", no_args_is_help=True)


@walker_app.command("add")
@speaks_flags
def walker_add(
    email: Annotated[str, typer.Option(help="The walker's email (unique).")],
    name: Annotated[str, typer.Option(help="Display name.")],
    age: Annotated[
        int,
        typer.Option(
            parser=whole_option, help=f"Age in whole years ({AGE_MIN_YEARS}–{AGE_MAX_YEARS})."
        ),
    ],
    sex: Annotated[str, typer.Option(help="female or male (the chair-stand norms).")],
    knee: Annotated[str, typer.Option(help="oa or patellofemoral_pain.")],
    side: Annotated[str, typer.Option(help="left, right or both.")] = "both",
    timezone: Annotated[str, typer.Option(help="IANA time zone, e.g. Europe/London.")] = "UTC",
    clinician_id: Annotated[
        int | None,
        typer.Option(parser=whole_option, help="The supervising clinician's account id."),
    ] = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Enrol a walker."""
    ctx, actor = open_context(database_url)
    walker = walkers.enrol_walker(
        ctx,
        actor,
        {
            "email": email,
            "display_name": name,
            "age_years": age,
            "sex": sex,
            "knee_condition": knee,
            "knee_side": side,
            "timezone": timezone,
            "clinician_id": clinician_id,
        },
    )
    if emit(walker, as_json):
        return
    out.print(f"Enrolled walker {walker.id}: {walker.display_name} <{walker.email}>")


@walker_app.command("list")
def walker_list(database_url: DbOption = None, as_json: JsonOption = False) -> None:
    """Every walker, with the flags a clinician should look at."""
    ctx, actor = open_context(database_url)
    rows = clinician.walker_flags(ctx, actor)
    if emit(rows, as_json):
        return
    table = Table("id", "name", "knee", "last session", "plan", "needs a look")
    for r in rows:
        table.add_row(
            str(r.walker.id),
            r.walker.display_name,
            f"{vocab.CONDITIONS.short(r.walker.knee_condition)} ({r.walker.knee_side})",
            str(r.last_session_on or "—"),
            f"v{r.current_prescription_version}" if r.current_prescription_version else "—",
            vocab.FLAGS.listed(r.flags),
        )
    out.print(table)
    for r in rows:
        for detail in r.details:
            out.print(f"  {r.walker.display_name} ({r.walker.id}): {detail}")


@walker_app.command("show")
def walker_show(
    walker_id: WalkerArg, database_url: DbOption = None, as_json: JsonOption = False
) -> None:
    """One walker's profile and current plan."""
    ctx, actor = open_context(database_url)
    walker = walkers.get_walker(ctx, actor, walker_id)
    rx = plans.current_prescription(ctx, actor, walker_id)
    if as_json:
        print_json(
            {
                "walker": walker.model_dump(mode="json"),
                "prescription": rx.model_dump(mode="json") if rx else None,
            }
        )
        return
    out.print(
        f"[bold]{walker.display_name}[/] <{walker.email}> — walker {walker.id}, "
        f"{walker.age_years} years, {walker.sex}, "
        f"{vocab.knee(walker.knee_condition, walker.knee_side)}, time zone {walker.timezone}"
    )
    if rx is None:
        out.print("No plan yet.")
    else:
        show_prescription(rx)


@walker_app.command("reassign")
@speaks_flags
def walker_reassign(
    walker_id: WalkerArg,
    clinician_id: Annotated[
        int, typer.Option(parser=whole_option, help="The new clinician's account id.")
    ],
    reason: Annotated[str, typer.Option(help="Why she moves (kept in the audit log).")],
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Move a walker to another clinician (her records go with her)."""
    ctx, actor = open_context(database_url)
    walker = walkers.reassign_walker(
        ctx, actor, walker_id, {"clinician_id": clinician_id, "reason": reason}
    )
    if emit(walker, as_json):
        return
    out.print(
        f"Walker {walker.id} ({walker.display_name}) is now looked after by clinician "
        f"{walker.clinician_id}."
    )


@walker_app.command("timezone")
def walker_timezone(
    walker_id: WalkerArg,
    zone: Annotated[
        str, typer.Argument(help="IANA time zone, e.g. Europe/London or Pacific/Auckland.")
    ],
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Correct a walker's time zone: it decides her "today" and her next-morning check-in.

    Records already stored keep their dates; from now on her days follow the new clock."""
    ctx, actor = open_context(database_url)
    walker = walkers.set_timezone(ctx, actor, walker_id, zone)
    if emit(walker, as_json):
        return
    out.print(
        f"Walker {walker.id} ({walker.display_name}) is now on time zone {walker.timezone}; "
        "what is stored keeps its dates."
    )


def register(app: typer.Typer) -> None:
    """Add ``init`` and the ``walker`` group to the root app."""
    app.command("init")(speaks_flags(init))
    app.add_typer(walker_app, name="walker")
