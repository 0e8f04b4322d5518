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
    listed,
    number_option,
    open_context,
    out,
    parse_at,
    read_json_object,
    whole_option,
)
from retrowalk.cli.prompts import Asker
from retrowalk.cli.screen_answers import GivenAnswers, parq_items, screening_data
from retrowalk.cli.show import show_prescription, show_reasons, show_restrictions
from retrowalk.present.numbers import speed_words
from retrowalk.services import (
    assessments,
    plans,
    screening,
)
from retrowalk.services.errors import FieldProblem, InvalidRequest, ProblemKind
from retrowalk.services.policies import clinic_policy

SCREEN_INSTEAD = (
    "answer every question with its flags (see `retrowalk screen --help`), or pass "
    "--answers FILE.json"
)


def _yes_no(yes: str, no: str, words: str) -> Any:
    """A yes/no question's pair of flags; neither given is no answer (never "no")."""
    return typer.Option(f"{yes}/{no}", help=f"{words} (give one of the two).")


SCREENING_KEYS = (
    "used_to_activity",
    "parq",
    "red_flags",
    "steadi",
    "fever_or_unwell",
    "uses_walking_aid",
    "takes_anticoagulant",
    "recent_knee_surgery",
)
"""The answers a screening file must hold (``red_flags``: ``[]`` when there is none)."""


def _from_file(path: Path) -> dict[str, Any]:
    """The screening answers of an answers file; a question left out is refused by name."""
    raw = read_json_object(path, "--answers")
    missing = [key for key in SCREENING_KEYS if key not in raw]
    if missing:
        problems = tuple(
            FieldProblem(field=f"answers.{key}", kind=ProblemKind.MISSING, message="has no answer")
            for key in missing
        )
        raise InvalidRequest(
            f"--answers {path}: no answer for {', '.join(missing)}; a question left out is "
            'never taken as no (write "red_flags": [] when the walker has none of them).',
            problems=problems,
        )
    return {key: raw[key] for key in SCREENING_KEYS}


def _given(
    parq_yes: list[str] | None,
    parq_no: list[str] | None,
    red_flag: list[str] | None,
    no_red_flags: bool,
    yes_no: dict[str, bool | None],
) -> GivenAnswers:
    """What the flags answered (checked before the database opens)."""
    red_flag = listed(red_flag)
    if red_flag and no_red_flags:
        raise InvalidRequest(
            "--red-flag/--no-red-flags: give the red flags the walker has, or --no-red-flags, "
            "not both."
        )
    return GivenAnswers(
        parq_yes=frozenset(parq_items(parq_yes, "--parq-yes")),
        parq_no=frozenset(parq_items(parq_no, "--parq-no")),
        red_flags=tuple(red_flag) if red_flag else (() if no_red_flags else None),
        yes_no=yes_no,
    )


def screen(
    walker_id: WalkerArg,
    answers: Annotated[
        Path | None,
        typer.Option(help="JSON answers file (the shape of `retrowalk start --answers`)."),
    ] = None,
    parq_yes: Annotated[
        list[str] | None,
        typer.Option("--parq-yes", help="PAR-Q items (1–7) answered YES, e.g. 5 or 2,5."),
    ] = None,
    parq_no: Annotated[
        list[str] | None,
        typer.Option("--parq-no", help="PAR-Q items (1–7) answered NO, e.g. 1,2,3,4,6,7."),
    ] = None,
    red_flag: Annotated[
        list[str] | None,
        typer.Option(
            "--red-flag",
            help="A knee red flag code the walker has (repeat the option, or separate with "
            "commas).",
        ),
    ] = None,
    no_red_flags: Annotated[
        bool, typer.Option("--no-red-flags", help="The walker has none of the knee red flags.")
    ] = False,
    used_to_activity: Annotated[
        bool | None,
        _yes_no("--used-to-activity", "--not-used-to-activity", "Used to physical activity"),
    ] = None,
    fell: Annotated[
        bool | None, _yes_no("--fell", "--not-fell", "Fell in the past 12 months")
    ] = None,
    unsteady: Annotated[
        bool | None, _yes_no("--unsteady", "--not-unsteady", "Feels unsteady")
    ] = None,
    worried: Annotated[
        bool | None, _yes_no("--worried", "--not-worried", "Worries about falling")
    ] = None,
    fever: Annotated[
        bool | None, _yes_no("--fever", "--no-fever", "Has a fever or feels unwell")
    ] = None,
    walking_aid: Annotated[
        bool | None,
        _yes_no("--walking-aid", "--no-walking-aid", "Uses a cane, crutches or a walker"),
    ] = None,
    anticoagulant: Annotated[
        bool | None,
        _yes_no("--anticoagulant", "--no-anticoagulant", "Takes a blood-thinning medicine"),
    ] = None,
    recent_knee_surgery: Annotated[
        bool | None,
        _yes_no(
            "--recent-knee-surgery",
            "--no-recent-knee-surgery",
            "Had knee surgery in the last 12 weeks (policy)",
        ),
    ] = None,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Screen a walker: PAR-Q, knee red flags, STEADI and the §7.6 questions.

    Every question needs an answer: one left out is never taken as "no". In a terminal the
    unanswered ones are asked; otherwise the command names each and stops. A later screening
    only adds restrictions: a red flag or a clearance requirement stays until a clinician
    clears it (`retrowalk clear`)."""
    if answers is not None:
        data = _from_file(answers)
        ctx, actor = open_context(database_url, at)
    else:
        given = _given(
            parq_yes,
            parq_no,
            red_flag,
            no_red_flags,
            {
                "used_to_activity": used_to_activity,
                "fever_or_unwell": fever,
                "uses_walking_aid": walking_aid,
                "takes_anticoagulant": anticoagulant,
                "recent_knee_surgery": recent_knee_surgery,
                "fell_past_12_months": fell,
                "feels_unsteady": unsteady,
                "worries_about_falling": worried,
            },
        )
        ctx, actor = open_context(database_url, at)
        data = screening_data(
            given, clinic_policy(ctx), lambda: Asker(out, to_stderr=as_json, instead=SCREEN_INSTEAD)
        )
    result = screening.screen_walker(ctx, actor, walker_id, data)
    if emit(result, as_json):
        return
    out.print(f"Screening outcome: [bold]{result.outcome.replace('_', ' ')}[/]")
    show_reasons(result.reasons)
    for action in result.result.get("actions", ()):
        out.print(f"→ {action}")
    show_restrictions(result.restrictions)


FALL_FLAGS = {
    "fell_past_12_months": "--fell/--not-fell",
    "feels_unsteady": "--unsteady/--not-unsteady",
    "worries_about_falling": "--worried/--not-worried",
}
"""The flags of the questions about falls, as `retrowalk screen` has them."""


def _fall_answers(given: dict[str, bool | None]) -> dict[str, bool] | None:
    """The questions about falls of ``assess``: all three, or none (None: the service takes
    the latest screening's); some of them alone is refused, naming the flags left out."""
    missing = [name for name, answer in given.items() if answer is None]
    if len(missing) == len(given):
        return None
    if missing:
        flags = ", ".join(FALL_FLAGS[name] for name in missing)
        raise InvalidRequest(
            f"The questions about falls are answered all three or not at all: give {flags} "
            "too (or none of them, and the latest screening's answers are used).",
            problems=tuple(
                FieldProblem(
                    field=f"steadi.{name}", kind=ProblemKind.MISSING, message="has no answer"
                )
                for name in missing
            ),
        )
    return {name: bool(answer) for name, answer in given.items()}


def assess(
    walker_id: WalkerArg,
    answers: Annotated[
        Path | None,
        typer.Option(help='JSON file with a "tests" object (as `retrowalk start`) or the fields.'),
    ] = None,
    tug_s: Annotated[
        float | None, typer.Option(parser=number_option, help="Timed Up and Go, seconds.")
    ] = None,
    tandem_s: Annotated[
        float | None, typer.Option(parser=number_option, help="Tandem stance held, seconds.")
    ] = None,
    chair_stands: Annotated[
        int | None, typer.Option(parser=whole_option, help="30-s chair stand count.")
    ] = None,
    backward_3m_s: Annotated[
        float | None, typer.Option(parser=number_option, help="3-m backward walk, seconds.")
    ] = None,
    used_arms: Annotated[
        bool, typer.Option("--used-arms", help="Needed the arms to stand (chair stand scores 0).")
    ] = False,
    treadmill_up: Annotated[
        float | None,
        typer.Option(
            "--treadmill-up",
            parser=number_option,
            help="Treadmill test: comfortable speed going up, m/s.",
        ),
    ] = None,
    treadmill_down: Annotated[
        float | None,
        typer.Option(
            "--treadmill-down",
            parser=number_option,
            help="Treadmill test: comfortable speed coming down, m/s.",
        ),
    ] = None,
    gait_speed: Annotated[
        float | None, typer.Option(parser=number_option, help="Gait speed, m/s.")
    ] = None,
    koos: Annotated[Path | None, typer.Option(help="JSON file: KOOS item code → 0–4.")] = None,
    fell: Annotated[
        bool | None,
        _yes_no("--fell", "--not-fell", "Asked again now: fell in the past 12 months"),
    ] = None,
    unsteady: Annotated[
        bool | None, _yes_no("--unsteady", "--not-unsteady", "Asked again now: feels unsteady")
    ] = None,
    worried: Annotated[
        bool | None,
        _yes_no("--worried", "--not-worried", "Asked again now: worries about falling"),
    ] = None,
    kind: Annotated[str, typer.Option(help="baseline or reassessment.")] = "baseline",
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record the baseline tests (or a reassessment) and questionnaires.

    Repeated tests never reset a plan: they can only make it safer (more supervision). A low
    fall risk needs the Timed Up and Go, the chair stand or tandem stance, and the questions
    about falls; with any skipped the risk is "not known" (every session supervised). The
    questions about falls take the flags of `retrowalk screen` (all three, or none: then the
    latest screening's answers are used)."""
    falls = _fall_answers(
        {"fell_past_12_months": fell, "feels_unsteady": unsteady, "worries_about_falling": worried}
    )
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
    if falls is not None:
        data["steadi"] = falls
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
