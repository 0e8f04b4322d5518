"""``retrowalk start [--answers FILE.json] [--json]``: the walker's first walk-through.

A short introduction (retrowalk supports care, it does not diagnose), the screening (PAR-Q,
knee red flags, STEADI questions), the baseline tests with instructions (Timed Up and Go,
tandem stance, 30-s chair stand, 3-m backward walk), then the tailored plan with its reasons.
Red flag → the referral advice and no plan (exit code 0: stopping is a valid result, not an
error; ``--json`` gives ``"outcome": "stop_and_refer"`` and ``"prescription": null``). No
safe starting speed measured (the 3-m walk not done, or a treadmill chosen without the
treadmill test) → what to do instead, also exit code 0 (``"outcome": "no_plan_yet"``).

Without ``--answers`` it asks in the terminal; with no terminal input (end of input, as in CI)
it stops with one sentence and exit code 2. Bad answers → one sentence, exit code 2. The
answers go through the services' preview (:func:`retrowalk.services.preview.preview_start`):
the same rules and the clinic's policy in force as for an enrolled walker, nothing stored.

The answers file (see ``examples/start-answers.json``) is one JSON object::

    {
      "age_years": 67,                      # whole years, adults
      "sex": "female",                      # "male" or "female" (the STEADI norms)
      "used_to_activity": true,
      "knee_condition": "oa",               # "oa" or "patellofemoral_pain"
      "parq": [false, false, false, false, true, false, false],   # the 7 PAR-Q items
      "red_flags": [],                      # red-flag codes, e.g. ["locked_knee"]
      "fever_or_unwell": false,             # asked apart from a hot, swollen knee
      "uses_walking_aid": false,            # cane, crutches or walker
      "takes_anticoagulant": false,         # blood-thinning medicine
      "recent_knee_surgery": false,         # in the last 12 weeks (policy)
      "steadi": {"fell_past_12_months": false, "feels_unsteady": false,
                 "worries_about_falling": false},
      "tests": {                            # each may be null or left out (skipped)
        "tug_s": 9.1, "tandem_stance_s": 10.0,
        "chair_stand_count": 12, "chair_stand_used_arms": false,
        "backward_walk_3m_s": 4.2,          # sets an overground plan's speed
        "treadmill_speed_up_m_s": null,     # the treadmill speed test (both, or neither)
        "treadmill_speed_down_m_s": null    # sets a treadmill plan's speed
      },
      "surface": "flat_clear_known_path"    # optional; one the fall risk allows
    }

A low fall risk needs the Timed Up and Go, the chair stand or the tandem stance, and the
three questions about falls; with any of them skipped the risk is "not known" and every
session is supervised (RULES.md §7.3). What stops or limits the walker is shown as the
restrictions of :mod:`retrowalk.clinical.restrictions`, which only a clinician lifts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from retrowalk.cli.options import DbOption, read_json_object
from retrowalk.cli.prompts import Asker, StartInputError
from retrowalk.clinical.errors import ClinicalError, InvalidInputError
from retrowalk.clinical.fall_risk import FallRiskResult
from retrowalk.clinical.norms import (
    BACKWARD_WALK_3M_DISTANCE_M,
    CHAIR_STAND_DURATION_S,
    TANDEM_STANCE_AT_RISK_BELOW_S,
)
from retrowalk.clinical.prescription import (
    TREADMILL_OVERSHOOT_M_S,
    TREADMILL_SURFACES,
    Prescription,
)
from retrowalk.clinical.reasons import Reason
from retrowalk.clinical.red_flags import (
    FEVER_QUESTION,
    RED_FLAGS,
    SCREENING_RED_FLAGS,
    KneeRedFlag,
    red_flag_from_answer,
)
from retrowalk.clinical.restriction_models import Restriction, Restrictions
from retrowalk.clinical.restrictions import plan_supervision, reasons_as_held
from retrowalk.clinical.screening import (
    ANTICOAGULANT_QUESTION,
    PARQ_QUESTIONS,
    STEADI_QUESTIONS,
    WALKING_AID_QUESTION,
    ScreeningResult,
    check_age_years,
    recent_surgery_question,
)
from retrowalk.present import vocabulary as vocab
from retrowalk.present.numbers import speed_words
from retrowalk.services.context import AppContext, build_context
from retrowalk.services.errors import InvalidRequest, ServiceError, parse
from retrowalk.services.policies import clinic_policy
from retrowalk.services.preview import preview_start
from retrowalk.services.schemas import BaselineTestsIn, StartPreviewOut

EXIT_BAD_INPUT = 2

INTRO = (
    "retrowalk helps you use backward walking as a safe, tailored, progressive exercise for "
    "knee pain. It supports the care of your doctor or physiotherapist; it does not diagnose. "
    "First a few safety questions, then four short tests (have someone with you), then your plan."
)

TEST_INSTRUCTIONS: dict[str, str] = {
    "tug_s": (
        "Timed Up and Go: sit in a chair. On 'go', stand up, walk 3 metres (10 feet) at your "
        "normal pace, turn, walk back and sit down. Someone times it in seconds."
    ),
    "tandem_stance_s": (
        "Tandem stance: stand with one foot right in front of the other, heel touching toe, "
        "without holding on, with someone beside you. Time how long you hold it, up to "
        f"{TANDEM_STANCE_AT_RISK_BELOW_S:g} s."
    ),
    "chair_stand_count": (
        f"{CHAIR_STAND_DURATION_S}-second chair stand: sit in the middle of a chair, arms crossed "
        "over your chest. Count how many times you stand fully up and sit down in "
        f"{CHAIR_STAND_DURATION_S} seconds."
    ),
    "backward_walk_3m_s": (
        f"3-m backward walk: mark {BACKWARD_WALK_3M_DISTANCE_M:g} metres on a clear floor. "
        "Stand with your heels at the start and walk backward at a comfortable pace past the "
        "mark, with someone walking beside you. They time it in seconds. It sets the speed "
        "of a plan on the ground."
    ),
}

NO_3M_WALK = (
    "Without the 3-metre backward walk there is no safe speed on the ground to start from. If "
    "you could not do it, backward walking is not for you yet: please see your clinician, who "
    "can test you in person. (On a treadmill, the treadmill speed test sets the speed instead.)"
)

TREADMILL_TEST = (
    "Treadmill speed test: start the belt slowly, holding the rails, with someone beside you. "
    "Raise the speed until walking backward feels comfortable and note it. Then your helper "
    f"raises it by {TREADMILL_OVERSHOOT_M_S:g} m/s and lowers it slowly until it feels "
    "comfortable again: note that too. retrowalk uses the average of the two."
)


SOURCES_NOTE = (
    "[dim]In brackets: the studies and guidelines behind each point (`retrowalk evidence` "
    "describes the studies); \\[policy] marks retrowalk's own choices, \\[extrapolation] a "
    "finding applied beyond the people it was studied in.[/]"
)


SHAPE = "see examples/start-answers.json for the shape"


# --- asking in the terminal -------------------------------------------------------------------


def ask_answers(ctx: AppContext, asker: Asker, console: Console) -> dict[str, Any]:
    """The interactive screening, as the answers file would hold it."""
    console.print("[bold]About you[/]")
    while True:
        age = asker.integer("Your age in years")
        try:
            check_age_years(age)
            break
        except InvalidInputError as exc:
            console.print(f"Please try again: {exc.allowed}.")
    sex = asker.choice(
        "Sex (the chair-stand test's norms differ for women and men):",
        vocab.SEXES.choices(),
    )
    active = asker.yes("Are you used to being physically active?")
    condition = asker.choice(
        "Which knee condition did your doctor or physiotherapist name?",
        vocab.CONDITIONS.choices(),
    )
    console.print("\n[bold]Readiness questions (PAR-Q)[/]")
    parq = [asker.yes(f"{n}. {q}") for n, q in enumerate(PARQ_QUESTIONS, start=1)]
    console.print("\n[bold]Knee warning signs[/]")
    flags: list[str] = []
    fever = False
    for flag in SCREENING_RED_FLAGS:
        info = RED_FLAGS[flag]
        if red_flag_from_answer(flag, asker.yes(info.question)):
            flags.append(flag.value)
        if flag is KneeRedFlag.HOT_SWOLLEN_KNEE:
            fever = asker.yes(FEVER_QUESTION)
    console.print("\n[bold]About your health[/]")
    aid = asker.yes(WALKING_AID_QUESTION)
    thinner = asker.yes(ANTICOAGULANT_QUESTION)
    surgery = asker.yes(recent_surgery_question(clinic_policy(ctx)))
    console.print("\n[bold]Falls (STEADI questions)[/]")
    steadi = {name: asker.yes(q) for name, q in STEADI_QUESTIONS.items()}
    return {
        "age_years": age,
        "sex": sex,
        "used_to_activity": active,
        "knee_condition": condition,
        "parq": parq,
        "red_flags": flags,
        "fever_or_unwell": fever,
        "uses_walking_aid": aid,
        "takes_anticoagulant": thinner,
        "recent_knee_surgery": surgery,
        "steadi": steadi,
    }


def _allowed(field: str) -> str:
    """``a number from 1 to 300``: the bounds of a test, read from the services' model."""
    schema = BaselineTestsIn.model_json_schema()["properties"][field]["anyOf"][0]
    kind = "a whole number" if schema["type"] == "integer" else "a number"
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    above = "above " if "exclusiveMinimum" in schema else "from "
    return f"{kind} {above}{low:g} to {schema['maximum']:g}"


def _checked(console: Console, values: dict[str, Any]) -> bool:
    """Whether these test values are within the services' bounds (else say what is allowed)."""
    try:
        parse(BaselineTestsIn, values)
    except InvalidRequest as exc:
        for problem in exc.problems:
            console.print(f"Please try again: {_allowed(problem.field)}.", highlight=False)
        return False
    return True


def _ask_test(asker: Asker, console: Console, field: str, question: str) -> float | None:
    """One test result, checked at once, so that a typo (``-3``) is asked again here instead
    of ending the walk-through after every answer was given."""
    while True:
        value = asker.number_or_skip(question, whole=field == "chair_stand_count")
        if value is None or _checked(console, {field: value}):
            return value


def ask_tests(asker: Asker, console: Console) -> dict[str, Any]:
    """The baseline tests, each with its instructions; all but the 3-m walk may be skipped."""
    console.print("\n[bold]Baseline tests[/] (have someone with you for every test)")
    console.print(TEST_INSTRUCTIONS["tug_s"])
    tug = _ask_test(asker, console, "tug_s", "Timed Up and Go, seconds")
    console.print(TEST_INSTRUCTIONS["tandem_stance_s"])
    tandem = _ask_test(asker, console, "tandem_stance_s", "Tandem stance held, seconds")
    console.print(TEST_INSTRUCTIONS["chair_stand_count"])
    count = _ask_test(
        asker, console, "chair_stand_count", f"Chair stands in {CHAIR_STAND_DURATION_S} s"
    )
    arms = asker.yes("Did you need your arms to stand up?") if count is not None else False
    console.print(TEST_INSTRUCTIONS["backward_walk_3m_s"])
    walk = _ask_test(asker, console, "backward_walk_3m_s", "3-m backward walk, seconds")
    if walk is None:
        console.print(NO_3M_WALK, highlight=False)
    return {
        "tug_s": tug,
        "tandem_stance_s": tandem,
        "chair_stand_count": None if count is None else int(count),
        "chair_stand_used_arms": arms,
        "backward_walk_3m_s": walk,
    }


def _ask_treadmill(asker: Asker, console: Console, tests: dict[str, Any]) -> dict[str, Any]:
    console.print(TREADMILL_TEST, highlight=False)
    while True:
        up = asker.number_or_skip("Comfortable speed going up, m/s")
        if up is None:
            return tests
        down = asker.number_or_skip("Comfortable speed coming down, m/s")
        if down is None:
            return tests
        speeds = {"treadmill_speed_up_m_s": up, "treadmill_speed_down_m_s": down}
        if _checked(console, speeds):
            return {**tests, **speeds}


# --- output ------------------------------------------------------------------------------------


def _label(reason: Reason) -> str:
    # A label the sentence already says ("… (retrowalk policy).") is not repeated.
    tags = [
        x
        for x, on in (("policy", reason.policy), ("extrapolation", reason.extrapolation))
        if on and x not in reason.message
    ]
    sources = f" [dim]({', '.join(reason.sources)})[/]" if reason.sources else ""
    tag = f" [italic]\\[{', '.join(tags)}][/]" if tags else ""
    return f"• {reason.message}{tag}{sources}"


def _print_screening(console: Console, result: ScreeningResult) -> None:
    console.print(f"\n[bold]Screening:[/] {result.outcome.value.replace('_', ' ')}")
    for reason in result.reasons:
        console.print(_label(reason), highlight=False)
    for action in result.actions:
        console.print(f"[bold]→ {action}[/]", highlight=False)


def _print_plan(
    console: Console,
    fall: FallRiskResult,
    plan: Prescription,
    restrictions: tuple[Restriction, ...] = (),
) -> None:
    # the plan's own rule and the restrictions together (a walking aid: every session)
    held = plan_supervision(plan, Restrictions(active=restrictions))
    console.print(f"\n[bold]Fall risk:[/] {fall.level.value.replace('_', ' ')}")
    for reason in reasons_as_held(fall.reasons, held):
        console.print(_label(reason), highlight=False)
    supervised = held.words
    table = Table(title="Your backward-walking plan", show_header=False, title_justify="left")
    table.add_column("What", style="bold")
    table.add_column("Plan")
    rows = [
        ("Status", "waiting for a clinician's clearance" if plan.awaiting_clearance else "ready"),
        ("Duration", f"{plan.duration_min} min"),
        ("Speed", f"{speed_words(plan.speed_m_s)} (from your measured comfortable backward speed)"),
        ("Surface", vocab.SURFACES.long(plan.surface)),
        ("Incline", f"{plan.incline_pct} %"),
        ("Sessions", f"{plan.sessions_per_week} a week"),
        ("Supervised", supervised),
        ("Warm-up", f"{plan.warm_up_min} min forward walking"),
        ("Cool-down", f"{plan.cool_down_min} min forward walking"),
        ("Posture", " ".join(plan.posture_cues)),
        ("Safety", " ".join(plan.safety_cues)),
        ("Also do", ", ".join(plan.strengthening)),
    ]
    for row in rows:
        table.add_row(*row)
    console.print(table)
    console.print("[bold]Why:[/]")
    for reason in reasons_as_held(plan.reasons, held):
        console.print(_label(reason), highlight=False)
    console.print(SOURCES_NOTE, highlight=False)


def _print_restrictions(console: Console, restrictions: tuple[Restriction, ...]) -> None:
    if not restrictions:
        return
    console.print("\n[bold]What stops or limits backward walking for you now[/]")
    for restriction in restrictions:
        console.print(f"[bold]• {restriction.title}[/]", highlight=False)
        for step in (restriction.emergency, *restriction.what_to_do):
            if step:
                console.print(f"  → {step}", highlight=False)
    console.print(
        "[dim]Only your clinician can lift these, by a recorded clearance: they will decide.[/]"
    )


def _result_json(preview: StartPreviewOut) -> dict[str, Any]:
    data = preview.model_dump(mode="json", exclude={"allowed_surfaces", "policy_version"})
    if preview.outcome != "no_plan_yet":
        data.pop("why", None)
    return data


def _show(out: Console, preview: StartPreviewOut, as_json: bool) -> None:
    """The result: the referral advice, what to do instead of a plan, or the plan."""
    if preview.outcome == "stop_and_refer":
        out.print("[bold]No walking plan is made. Please follow the advice above.[/]")
    elif preview.prescription is None or preview.fall_risk is None:
        out.print(f"\n[bold]No plan yet.[/] {preview.why}", highlight=False)
        _print_restrictions(out, preview.restrictions)
    else:
        _print_plan(out, preview.fall_risk, preview.prescription, preview.restrictions)
        _print_restrictions(out, preview.restrictions)
    if as_json:
        typer.echo(json.dumps(_result_json(preview), indent=2))


def _preview(ctx: AppContext, answers: dict[str, Any], source: str) -> StartPreviewOut:
    try:
        return preview_start(ctx, answers)
    except InvalidRequest as exc:
        raise StartInputError(f"{source}: {str(exc).rstrip('.')}; {SHAPE}.") from None


def _walk_through(ctx: AppContext, asker: Asker, out: Console) -> StartPreviewOut:
    """Ask step by step, each answer checked by the services before the next question."""
    answers = ask_answers(ctx, asker, out)
    preview = _preview(ctx, answers, "answer")
    _print_screening(out, preview.screening)
    if preview.outcome == "stop_and_refer":
        return preview
    answers["tests"] = ask_tests(asker, out)
    preview = _preview(ctx, answers, "answer")
    allowed = preview.allowed_surfaces
    if len(allowed) > 1:
        answers["surface"] = asker.choice(
            "Where will you walk?",
            {s.value: vocab.SURFACES.long(s) for s in allowed},
        )
    surface = answers.get("surface") or (allowed[0].value if allowed else None)
    if surface in TREADMILL_SURFACES and answers["tests"].get("treadmill_speed_up_m_s") is None:
        answers["tests"] = _ask_treadmill(asker, out, answers["tests"])
    return _preview(ctx, answers, "answer")


def run_start(ctx: AppContext, answers_file: Path | None, as_json: bool) -> None:
    """The walk-through; raises ClinicalError or ServiceError subclasses for bad input."""
    out = Console(stderr=as_json)
    out.print(Panel(INTRO, title="retrowalk"))
    if answers_file is None:
        preview = _walk_through(ctx, Asker(out, to_stderr=as_json), out)
    else:
        try:
            answers = read_json_object(answers_file, str(answers_file))
        except InvalidRequest as exc:
            raise StartInputError(str(exc)) from None
        preview = _preview(ctx, answers, str(answers_file))
        _print_screening(out, preview.screening)
    _show(out, preview, as_json)


def start_command(
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            help="Run without prompts from a JSON answers file (see examples/start-answers.json).",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the result as JSON on stdout.")
    ] = False,
    database_url: DbOption = None,
) -> None:
    """Screening, baseline tests and your tailored backward-walking plan (your answers are
    not stored: the clinic's policy is read from the local database)."""
    try:
        run_start(build_context(database_url), answers, as_json)
    except (ClinicalError, ServiceError) as exc:
        Console(stderr=True).print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
        # SystemExit, not typer.Exit: app.main() runs click with standalone_mode=False,
        # which turns typer.Exit into a return value and would lose the exit code.
        raise SystemExit(EXIT_BAD_INPUT) from None


def register(app: typer.Typer) -> None:
    """Add ``retrowalk start`` to the root command."""
    app.command("start")(start_command)
