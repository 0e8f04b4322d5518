"""``retrowalk clear``, ``adjust`` and ``note``: the clinician's decisions about a walker."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from retrowalk.cli.errors import EXIT_BAD_INPUT, error_json, user_error_types
from retrowalk.cli.flags import speaks_flags
from retrowalk.cli.options import (
    AtOption,
    DbOption,
    JsonOption,
    WalkerArg,
    emit,
    number_option,
    open_context,
    out,
    print_json,
    whole_option,
)
from retrowalk.cli.show import show_prescription
from retrowalk.services import clinician
from retrowalk.services.errors import InvalidRequest


def clear(
    walker_id: WalkerArg,
    scope: Annotated[
        str,
        typer.Option(
            help=(
                "The restriction to lift, exactly that one: red_flag, adverse_event (reviewed), "
                "rest_day, clearance_required (or start), fall_risk (after a low-risk "
                "reassessment) or walking_aid."
            )
        ),
    ],
    reason: Annotated[str, typer.Option(help="Who cleared and why, in a sentence.")],
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A clinician lifts one restriction, with a reason (RULES.md §7.1)."""
    ctx, actor = open_context(database_url, at)
    result = clinician.clear_walker(ctx, actor, walker_id, {"scope": scope, "reason": reason})
    if emit(result, as_json):
        return
    out.print(f"Clearance {result.id} ({result.scope.replace('_', ' ')}) recorded: {result.reason}")
    if result.lifted:
        out.print("It lifted:")
        for line in result.lifted:
            out.print(f"  - {line}", markup=False)


def adjust(
    walker_id: WalkerArg,
    reason: Annotated[str, typer.Option(help="Why the plan changes, in a sentence.")],
    minutes: Annotated[
        int | None, typer.Option(parser=whole_option, help="Minutes per session.")
    ] = None,
    speed: Annotated[float | None, typer.Option(parser=number_option, help="Speed, m/s.")] = None,
    incline: Annotated[
        int | None, typer.Option(parser=whole_option, help="Incline, % (0, 5 or 10).")
    ] = None,
    sessions_per_week: Annotated[
        int | None, typer.Option(parser=whole_option, help="Sessions a week.")
    ] = None,
    surface: Annotated[str | None, typer.Option(help="Surface.")] = None,
    confirm_speed: Annotated[
        bool,
        typer.Option(
            "--confirm-speed",
            help=(
                "You mean this speed: above retrowalk's own limit for this walker, or without "
                "the speed test of the plan's surface."
            ),
        ),
    ] = False,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A clinician's change to the current plan (a new version, with the reason).

    With ``--json`` a refusal is printed on stdout in the JSON API's error shape
    (``{"detail": …, "problems": [...]}``, exit code 2); without, as one sentence on stderr.
    """
    data: dict[str, Any] = {"reason": reason}
    for name, value in (
        ("duration_min", minutes),
        ("speed_m_s", speed),
        ("incline_pct", incline),
        ("sessions_per_week", sessions_per_week),
        ("surface", surface),
    ):
        if value is not None:
            data[name] = value
    if confirm_speed:
        data["confirm_speed"] = True
    try:
        ctx, actor = open_context(database_url, at)
        rx = clinician.adjust_prescription(ctx, actor, walker_id, data)
    except user_error_types() as exc:
        if as_json:  # the API's shape, its fields as the services name them; the way past
            print_json({**error_json(exc), "detail": _terminal_words(exc)})
            raise typer.Exit(EXIT_BAD_INPUT) from None
        past = _way_past(exc)
        if past is not None:  # the sentence written for the terminal, as it is
            raise InvalidRequest(_terminal_words(past), field=past.field) from None
        raise
    if emit(rx, as_json):
        return
    show_prescription(rx)


def _way_past(exc: BaseException) -> InvalidRequest | None:
    """A refusal the clinician may get past with a flag (``--confirm-speed``, ``--speed``)."""
    if isinstance(exc, clinician.SpeedNotConfirmed | clinician.NoSpeedTest):
        return exc
    return None


def _terminal_words(exc: BaseException) -> str:
    """The refusal's sentence, with the flags that get past it when there are any."""
    if isinstance(exc, clinician.SpeedNotConfirmed):
        return f"{exc} To confirm, run the command again with --confirm-speed."
    if isinstance(exc, clinician.NoSpeedTest):
        return (
            f"{exc} To give your own speed, run the command again with --speed and --confirm-speed."
        )
    return str(exc) or exc.__class__.__name__


def note(
    walker_id: WalkerArg,
    text: Annotated[str, typer.Argument(help="The note.")],
    at: AtOption = None,
    database_url: DbOption = None,
) -> None:
    """A clinician's note about a walker."""
    ctx, actor = open_context(database_url, at)
    result = clinician.add_note(ctx, actor, walker_id, {"text": text})
    out.print(f"Note {result.id} added.")


def register(app: typer.Typer) -> None:
    """Add the clinician's commands to the root app."""
    app.command("clear")(speaks_flags(clear))
    app.command("adjust")(speaks_flags(adjust))
    app.command("note")(speaks_flags(note))
