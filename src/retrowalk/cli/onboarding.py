"""``retrowalk screen``, ``assess`` and ``plan``: from the safety questions to the first plan."""

from __future__ import annotations

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
    open_context,
    out,
    parse_at,
    read_json_object,
)
from retrowalk.cli.show import show_prescription, show_reasons, show_restrictions
from retrowalk.present.numbers import speed_words
from retrowalk.services import (
    assessments,
    plans,
    screening,
)
from retrowalk.services.errors import InvalidRequest


def screen(
    walker_id: WalkerArg,
    answers: Annotated[
        Path | None,
        typer.Option(help="JSON answers file (the shape of `retrowalk start --answers`)."),
    ] = None,
    parq_yes: Annotated[
        list[int] | None, typer.Option("--parq-yes", help="A PAR-Q item (1–7) answered YES.")
    ] = None,
    red_flag: Annotated[
        list[str] | None, typer.Option("--red-flag", help="A knee red flag code the walker has.")
    ] = None,
    used_to_activity: Annotated[
        bool, typer.Option("--used-to-activity/--not-used-to-activity")
    ] = True,
    fell: Annotated[bool, typer.Option("--fell", help="Fell in the past 12 months.")] = False,
    unsteady: Annotated[bool, typer.Option("--unsteady", help="Feels unsteady.")] = False,
    worried: Annotated[bool, typer.Option("--worried", help="Worries about falling.")] = False,
    fever: Annotated[bool, typer.Option("--fever", help="Has a fever or feels unwell.")] = False,
    walking_aid: Annotated[
        bool, typer.Option("--walking-aid", help="Uses a cane, crutches or a walker.")
    ] = False,
    anticoagulant: Annotated[
        bool, typer.Option("--anticoagulant", help="Takes a blood-thinning medicine.")
    ] = False,
    recent_knee_surgery: Annotated[
        bool,
        typer.Option(
            "--recent-knee-surgery", help="Had knee surgery in the last 12 weeks (policy)."
        ),
    ] = False,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Screen a walker: PAR-Q, knee red flags, STEADI and the §7.6 questions.

    A later screening only adds restrictions: a red flag or a clearance requirement stays
    until a clinician clears it (`retrowalk clear`)."""
    if answers is not None:
        raw = read_json_object(answers, "--answers")
        keys = (
            "used_to_activity",
            "parq",
            "red_flags",
            "steadi",
            "fever_or_unwell",
            "uses_walking_aid",
            "takes_anticoagulant",
            "recent_knee_surgery",
        )
        data: dict[str, Any] = {k: raw[k] for k in keys if k in raw}
    else:
        items = set(parq_yes or [])
        bad = sorted(i for i in items if not 1 <= i <= 7)
        if bad:
            raise InvalidRequest(f"--parq-yes: {bad} are not PAR-Q items; expected 1 to 7.")
        data = {
            "used_to_activity": used_to_activity,
            "parq": [i in items for i in range(1, 8)],
            "red_flags": red_flag or [],
            "steadi": {
                "fell_past_12_months": fell,
                "feels_unsteady": unsteady,
                "worries_about_falling": worried,
            },
            "fever_or_unwell": fever,
            "uses_walking_aid": walking_aid,
            "takes_anticoagulant": anticoagulant,
            "recent_knee_surgery": recent_knee_surgery,
        }
    ctx, actor = open_context(database_url, at)
    result = screening.screen_walker(ctx, actor, walker_id, data)
    if emit(result, as_json):
        return
    out.print(f"Screening outcome: [bold]{result.outcome.replace('_', ' ')}[/]")
    show_reasons(result.reasons)
    for action in result.result.get("actions", ()):
        out.print(f"→ {action}")
    show_restrictions(result.restrictions)


def assess(
    walker_id: WalkerArg,
    answers: Annotated[
        Path | None,
        typer.Option(help='JSON file with a "tests" object (as `retrowalk start`) or the fields.'),
    ] = None,
    tug_s: Annotated[float | None, typer.Option(help="Timed Up and Go, seconds.")] = None,
    tandem_s: Annotated[float | None, typer.Option(help="Tandem stance held, seconds.")] = None,
    chair_stands: Annotated[int | None, typer.Option(help="30-s chair stand count.")] = None,
    backward_3m_s: Annotated[float | None, typer.Option(help="3-m backward walk, seconds.")] = None,
    used_arms: Annotated[
        bool, typer.Option("--used-arms", help="Needed the arms to stand (chair stand scores 0).")
    ] = False,
    treadmill_up: Annotated[
        float | None,
        typer.Option("--treadmill-up", help="Treadmill test: comfortable speed going up, m/s."),
    ] = None,
    treadmill_down: Annotated[
        float | None,
        typer.Option(
            "--treadmill-down", help="Treadmill test: comfortable speed coming down, m/s."
        ),
    ] = None,
    gait_speed: Annotated[float | None, typer.Option(help="Gait speed, m/s.")] = None,
    koos: Annotated[Path | None, typer.Option(help="JSON file: KOOS item code → 0–4.")] = None,
    kind: Annotated[str, typer.Option(help="baseline or reassessment.")] = "baseline",
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record the baseline tests (or a reassessment) and questionnaires.

    Repeated tests never reset a plan: they can only make it safer (more supervision). A low
    fall risk needs the Timed Up and Go, the chair stand or tandem stance, and the questions
    about falls; with any skipped the risk is "not known" (every session supervised)."""
    data: dict[str, Any] = {"kind": kind}
    if answers is not None:
        raw = read_json_object(answers, "--answers")
        data.update(raw.get("tests", raw) if isinstance(raw.get("tests", raw), dict) else {})
        for key in (
            "age_years",
            "sex",
            "knee_condition",
            "surface",
            "parq",
            "red_flags",
            "used_to_activity",
            "fever_or_unwell",
            "uses_walking_aid",
            "takes_anticoagulant",
            "recent_knee_surgery",
        ):
            data.pop(key, None)
    for key, value in (
        ("tug_s", tug_s),
        ("tandem_stance_s", tandem_s),
        ("chair_stand_count", chair_stands),
        ("backward_walk_3m_s", backward_3m_s),
        ("treadmill_speed_up_m_s", treadmill_up),
        ("treadmill_speed_down_m_s", treadmill_down),
        ("gait_speed_m_s", gait_speed),
    ):
        if value is not None:
            data[key] = value
    if used_arms:
        data["chair_stand_used_arms"] = True
    if koos is not None:
        data["koos_answers"] = read_json_object(koos, "--koos")
    moment = parse_at(at)
    ctx, actor = open_context(database_url)
    result = assessments.record_assessment(ctx.at(moment), actor, walker_id, data)
    if emit(result, as_json):
        return
    risk = (result.fall_risk or "not assessed").replace("_", " ")
    speed = speed_words(result.backward_speed_m_s) if result.backward_speed_m_s else "not measured"
    out.print(f"Assessment {result.id} ({result.kind}): fall risk {risk}; backward speed {speed}")
    show_reasons(result.reasons)


def plan(
    walker_id: WalkerArg,
    surface: Annotated[
        str | None,
        typer.Option(help="One the fall-risk result allows, e.g. treadmill (default: its first)."),
    ] = None,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make the starting plan from the latest screening and assessment."""
    ctx, actor = open_context(database_url, at)
    rx = plans.make_plan(ctx, actor, walker_id, surface=surface)
    if emit(rx, as_json):
        return
    show_prescription(rx)


def register(app: typer.Typer) -> None:
    """Add the screening, assessment and plan commands to the root app."""
    app.command("screen")(speaks_flags(screen))
    app.command("assess")(speaks_flags(assess))
    app.command("plan")(speaks_flags(plan))
