"""``retrowalk today``, ``log``, ``checkin`` and ``red-flag``: the walker's day, session, next
morning, and a warning sign reported at any time."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any

import typer

from retrowalk.cli.flags import speaks_flags
from retrowalk.cli.options import (
    AtOption,
    DbOption,
    JsonOption,
    WalkerArg,
    emit,
    listed,
    number_option,
    open_context,
    out,
    parse_at,
    whole_option,
)
from retrowalk.cli.show import show_prescription, show_reasons, show_restrictions
from retrowalk.clinical.norms import CR10_MAX, NPRS_MAX
from retrowalk.clinical.speed_override import CLINICIAN_SETTING_CODES
from retrowalk.present import vocabulary as vocab
from retrowalk.services import (
    checkins,
    plans,
    red_flag_reports,
    sessions,
)
from retrowalk.services.errors import InvalidRequest
from retrowalk.services.speed_note import speed_note


def today(
    walker_id: WalkerArg,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Today's prescription in the walker's own time zone."""
    ctx, actor = open_context(database_url, at)
    result = plans.todays_prescription(ctx, actor, walker_id)
    if emit(result, as_json):
        return
    out.print(f"[bold]{result.local_date}[/]: {result.message}")
    if result.prescription is not None:
        show_prescription(result.prescription, result.supervised)
        note = speed_note(ctx, result.prescription)
        told = {r.code for r in result.prescription.reasons}
        if note is not None and not told & CLINICIAN_SETTING_CODES:  # said once, not twice
            out.print(f"  [bold]Speed:[/] {note}", highlight=False)
    for why in result.supervision_why:
        out.print(f"  Someone with you: {why}.", highlight=False)
    if result.step_rate_per_min is not None:
        out.print(f"  Step rate: {result.step_rate_per_min:g} steps a minute (your own cadence).")
    show_restrictions(result.restrictions)
    if result.red_flags_unasked_since is not None:
        out.print(
            "[bold yellow]Warning-sign questions unanswered:[/] the morning check-in after the "
            f"session on {result.red_flags_unasked_since} was closed without a report; ask the "
            f"walker and record it (`retrowalk red-flag {walker_id} --red-flag CODE` or "
            "`--none`).",
            highlight=False,
        )
    if result.reassessment_due:
        out.print("The tests and KOOS are due again (`retrowalk assess --kind reassessment`).")


def log(
    walker_id: WalkerArg,
    pain_before: Annotated[
        int, typer.Option(parser=whole_option, help=f"Pain before, 0–{NPRS_MAX}.")
    ],
    pain_peak: Annotated[
        int, typer.Option(parser=whole_option, help=f"Worst pain during, 0–{NPRS_MAX}.")
    ],
    pain_after: Annotated[
        int, typer.Option(parser=whole_option, help=f"Pain after, 0–{NPRS_MAX}.")
    ],
    effort: Annotated[
        int, typer.Option(parser=whole_option, help=f"Effort, Borg CR10 0–{CR10_MAX}.")
    ],
    as_prescribed: Annotated[
        bool, typer.Option("--as-prescribed", help="Minutes, speed, surface, incline as planned.")
    ] = False,
    from_recording: Annotated[
        Path | None,
        typer.Option(
            "--from-recording",
            help="Take minutes, distance, speed (and start time) from a phone/watch recording.",
        ),
    ] = None,
    step_length_m: Annotated[
        float | None,
        typer.Option(
            parser=number_option,
            help="Step length in m, to estimate distance from steps (recordings).",
        ),
    ] = None,
    minutes: Annotated[
        float | None, typer.Option(parser=number_option, help="Minutes walked backward.")
    ] = None,
    speed: Annotated[float | None, typer.Option(parser=number_option, help="Speed, m/s.")] = None,
    distance: Annotated[
        float | None, typer.Option(parser=number_option, help="Distance, m.")
    ] = None,
    surface: Annotated[
        str | None, typer.Option(help=f"Surface: {', '.join(vocab.SURFACES.choices())}.")
    ] = None,
    incline: Annotated[float | None, typer.Option(parser=number_option, help="Incline, %.")] = None,
    supervised: Annotated[bool | None, typer.Option("--supervised/--alone")] = None,
    adverse: Annotated[
        list[str] | None,
        typer.Option(
            help="What went wrong: fall, near_fall, dizziness, chest_pain or sharp_knee_pain "
            "(repeat the option, or separate with commas)."
        ),
    ] = None,
    stopped_early: Annotated[bool, typer.Option("--stopped-early")] = False,
    note: Annotated[str | None, typer.Option(help="Free note.")] = None,
    key: Annotated[
        str | None, typer.Option(help="Client key: the same key twice is stored once.")
    ] = None,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Log a session (pain, effort, what was done)."""
    moment = parse_at(at)
    ctx, actor = open_context(database_url)
    data: dict[str, Any] = {
        "client_key": key or f"cli-{secrets.token_hex(8)}",
        "pain_before_nprs": pain_before,
        "pain_peak_nprs": pain_peak,
        "pain_after_nprs": pain_after,
        "effort_cr10": effort,
        "adverse_events": listed(adverse) or [],
        "completed": not stopped_early,
        "note": note,
    }
    if moment is not None:
        data["performed_at"] = moment
    if as_prescribed:
        now_today = plans.todays_prescription(ctx.at(moment), actor, walker_id)
        rx = now_today.prescription
        if rx is None:
            raise InvalidRequest(f"--as-prescribed: there is no plan yet ({now_today.message})")
        data.update(
            duration_min=rx.duration_min,
            speed_m_s=rx.speed_m_s,
            surface=rx.surface.value,
            incline_pct=rx.incline_pct,
            supervised=now_today.supervised,
        )
    if from_recording is not None:
        from retrowalk.services.recordings import session_from_recording

        recorded = session_from_recording(from_recording, step_length_m)
        data["duration_min"] = round(recorded.duration_min, 2)
        # A recording without GPS (and no step length) cannot tell distance or speed: keep
        # what --as-prescribed or --speed/--distance say rather than erase it.
        if recorded.distance_m is not None:
            data["distance_m"] = recorded.distance_m
        if recorded.speed_m_s is not None:
            data["speed_m_s"] = recorded.speed_m_s
        if moment is None and recorded.performed_at is not None:
            data["performed_at"] = recorded.performed_at
        extra = f"; {recorded.steps} steps" if recorded.steps is not None else ""
        if recorded.distance_m is not None and recorded.speed_m_s is not None:
            extra += f"; {recorded.distance_m:.0f} m at {recorded.speed_m_s:.2f} m/s"
        if recorded.distance_is_estimate:
            extra += "; distance estimated from steps × step length"
        if not as_json:
            out.print(
                f"From {from_recording.name}: {recorded.duration_min:.1f} min walking{extra}."
            )
    for name, value in (
        ("duration_min", minutes),
        ("speed_m_s", speed),
        ("distance_m", distance),
        ("surface", surface),
        ("incline_pct", incline),
        ("supervised", supervised),
    ):
        if value is not None:
            data[name] = value
    for needed, flag in (
        ("duration_min", "--minutes"),
        ("surface", "--surface"),
        ("supervised", "--supervised/--alone"),
    ):
        if needed not in data:
            allowed = (
                f" (one of: {', '.join(vocab.SURFACES.choices())})" if needed == "surface" else ""
            )
            raise InvalidRequest(f"{flag} is required{allowed}, or use --as-prescribed.")
    if data.get("speed_m_s") is None and data.get("distance_m") is None:
        source = (
            f"{from_recording.name} has no GPS, so it cannot tell the speed"
            if from_recording is not None
            else "the speed is never guessed"
        )
        raise InvalidRequest(
            f"--speed or --distance is required: {source}; give --speed (m/s), --distance (m), "
            "--step-length-m (measured over a known distance) or --as-prescribed.",
            field="speed_m_s",
        )
    result = sessions.log_session(ctx.at(moment), actor, walker_id, data)
    if emit(result, as_json):
        return
    if result.created:
        out.print(f"Logged session {result.id} ({result.local_date}, key {result.client_key}).")
    else:
        out.print(
            f"Already logged as session {result.id} (key {result.client_key}); nothing added."
        )
    for notice in result.notices:
        out.print(f"[bold yellow]Please note:[/] {notice}", highlight=False)
    if result.adverse_events:
        out.print("[bold red]Stop the session now.[/] A clinician will review what happened.")


def checkin(
    walker_id: WalkerArg,
    pain: Annotated[
        int, typer.Option(parser=whole_option, help=f"Knee pain this morning, 0–{NPRS_MAX}.")
    ],
    stiffness: Annotated[
        int, typer.Option(parser=whole_option, help=f"Stiffness this morning, 0–{NPRS_MAX}.")
    ],
    session_id: Annotated[
        int | None,
        typer.Option("--session", parser=whole_option, help="Session id (default: the last)."),
    ] = None,
    red_flag: Annotated[
        list[str] | None,
        typer.Option(
            "--red-flag",
            help=(
                "A warning sign new since the session: calf_pain_swelling_warmth, "
                "hot_swollen_knee, locked_knee, knee_giving_way or cannot_bear_weight "
                "(repeat the option, or separate with commas)."
            ),
        ),
    ] = None,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The next-morning check-in: decides progress, hold or regress, and the next plan."""
    ctx, actor = open_context(database_url)
    data: dict[str, Any] = {
        "pain_nprs": pain,
        "stiffness_nprs": stiffness,
        "session_id": session_id,
        "new_red_flags": listed(red_flag) or [],
    }
    moment = parse_at(at)
    if moment is not None:
        data["at"] = moment
    result = checkins.morning_checkin(ctx, actor, walker_id, data)
    if emit(result, as_json):
        return
    out.print(f"Decision: [bold]{result.decision}[/] ({vocab.NEXT_PLAN.short(result.decision)})")
    show_reasons(result.reasons)
    if result.next_prescription is not None:
        show_prescription(result.next_prescription.model_copy(update={"reasons": ()}))
    show_restrictions(result.restrictions)


RED_FLAG_CODES = (
    "calf_pain_swelling_warmth, hot_swollen_knee, locked_knee, knee_giving_way or "
    "cannot_bear_weight"
)


def red_flag(
    walker_id: WalkerArg,
    red_flag: Annotated[
        list[str] | None,
        typer.Option(
            "--red-flag",
            help=f"A warning sign new since the session: {RED_FLAG_CODES} (repeat the option, "
            "or separate with commas).",
        ),
    ] = None,
    none: Annotated[
        bool, typer.Option("--none", help="None of the warning signs is new (lifts nothing).")
    ] = False,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A warning sign (red flag) new since the last session, at any time: stops and refers."""
    red_flag = listed(red_flag)
    if not red_flag and not none:
        raise InvalidRequest(
            f"Give each new warning sign with --red-flag ({RED_FLAG_CODES}), or --none when "
            "none of them is new.",
            field="new_red_flags",
        )
    if red_flag and none:
        raise InvalidRequest(
            "--red-flag and --none say opposite things: give one of them.", field="new_red_flags"
        )
    ctx, actor = open_context(database_url)
    data: dict[str, Any] = {"new_red_flags": red_flag or []}
    moment = parse_at(at)
    if moment is not None:
        data["at"] = moment
    result = red_flag_reports.report_red_flags(ctx, actor, walker_id, data)
    if emit(result, as_json):
        return
    if result.new_red_flags:
        out.print(
            f"Recorded red-flag report {result.id} ({result.local_date}): "
            + ", ".join(f.value for f in result.new_red_flags),
            highlight=False,
        )
    else:
        out.print(
            f"Recorded red-flag report {result.id} ({result.local_date}): none is new. "
            "It lifts nothing."
        )
    show_restrictions(result.restrictions)


def register(app: typer.Typer) -> None:
    """Add today, log, checkin and red-flag to the root app."""
    app.command("today")(speaks_flags(today))
    app.command("log")(speaks_flags(log))
    app.command("checkin")(speaks_flags(checkin))
    app.command("red-flag")(speaks_flags(red_flag))
