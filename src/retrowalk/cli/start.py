"""``retrowalk start [--answers FILE.json] [--json]``: the walker's first walk-through.

A short introduction (retrowalk supports care, it does not diagnose), the screening (PAR-Q,
knee red flags, STEADI questions), the baseline tests with instructions (Timed Up and Go,
tandem stance, 30-s chair stand, 3-m backward walk), then the tailored plan with its reasons.
Red flag → the referral advice and no plan (exit code 0: stopping is a valid result, not an
error; ``--json`` gives ``"outcome": "stop_and_refer"`` and ``"prescription": null``). No
safe starting speed measured (the 3-m walk not done, or a treadmill chosen without the
treadmill test) → what to do instead, also exit code 0 (``"outcome": "no_plan_yet"``).

Without ``--answers`` it asks in the terminal; with no terminal input (end of input, as in CI)
it stops with one sentence and exit code 2. Bad answers → one sentence, exit code 2.

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
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt, ValidationError
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from retrowalk.clinical.errors import CannotDecideError, ClinicalError, InvalidInputError
from retrowalk.clinical.fall_risk import (
    FallRiskResult,
    FallRiskTests,
    Sex,
    Supervision,
    Surface,
    assess_fall_risk,
)
from retrowalk.clinical.norms import (
    BACKWARD_WALK_3M_DISTANCE_M,
    CHAIR_STAND_DURATION_S,
    TANDEM_STANCE_AT_RISK_BELOW_S,
)
from retrowalk.clinical.policy import DEFAULT_POLICY
from retrowalk.clinical.prescription import (
    TREADMILL_OVERSHOOT_M_S,
    TREADMILL_SURFACES,
    KneeCondition,
    MeasuredSpeed,
    Prescription,
    speed_from_three_m_backward_walk,
    speed_from_treadmill,
    start_prescription,
)
from retrowalk.clinical.reasons import Reason
from retrowalk.clinical.restrictions import (
    AssessmentFact,
    RestrictionKind,
    Restrictions,
    ScreeningFact,
    WalkerRecord,
    active_restrictions,
)
from retrowalk.clinical.screening import (
    ANTICOAGULANT_QUESTION,
    FEVER_QUESTION,
    PARQ_QUESTIONS,
    RED_FLAGS,
    SCREENING_RED_FLAGS,
    STEADI_QUESTIONS,
    WALKING_AID_QUESTION,
    KneeRedFlag,
    ScreeningAnswers,
    ScreeningOutcome,
    ScreeningResult,
    SteadiAnswers,
    check_age_years,
    recent_surgery_question,
    red_flag_from_answer,
    screen,
)
from retrowalk.present import vocabulary as vocab
from retrowalk.present.numbers import speed_words
from retrowalk.store.json_files import JsonFileError, read_json_file

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


class StartInputError(ClinicalError):
    """The answers (file or terminal) cannot be used; the message says which and why."""


class TestAnswers(BaseModel):
    """The baseline tests; ``None`` = skipped."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tug_s: float | None = None
    tandem_stance_s: float | None = None
    chair_stand_count: StrictInt | None = None
    chair_stand_used_arms: StrictBool = False
    backward_walk_3m_s: float | None = None
    treadmill_speed_up_m_s: float | None = None
    treadmill_speed_down_m_s: float | None = None


class StartAnswers(BaseModel):
    """Everything ``retrowalk start`` asks, as in the answers file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    age_years: StrictInt
    sex: Sex
    used_to_activity: StrictBool
    knee_condition: KneeCondition
    parq: tuple[StrictBool, ...]
    red_flags: tuple[KneeRedFlag, ...] = ()
    fever_or_unwell: StrictBool
    uses_walking_aid: StrictBool
    takes_anticoagulant: StrictBool
    recent_knee_surgery: StrictBool
    steadi: SteadiAnswers
    tests: TestAnswers = TestAnswers()
    surface: Surface | None = None


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "the answers"
    allowed = error["msg"]
    if error["type"] == "missing":
        return f"{where!r} is missing"
    if error["type"] == "extra_forbidden":
        return f"{where!r} is not a known answer"
    return f"{where!r} = {error.get('input')!r} is not allowed ({allowed})"


def load_answers(path: Path) -> StartAnswers:
    """Read and check an answers file; every problem becomes one sentence."""
    try:
        data = read_json_file(path)
    except JsonFileError as exc:
        raise StartInputError(f"{path}: {exc.reason}.") from None
    if not isinstance(data, dict):
        raise StartInputError(
            f"{path}: expected one JSON object of answers (see examples/start-answers.json)."
        )
    try:
        return StartAnswers.model_validate(data)
    except ValidationError as exc:
        raise StartInputError(
            f"{path}: {_first_error(exc)}; see examples/start-answers.json for the shape."
        ) from exc


# --- asking in the terminal -------------------------------------------------------------------


class _Asker:
    """Prompts in the terminal; end of input becomes one clear sentence."""

    def __init__(self, console: Console, to_stderr: bool) -> None:
        self.console = console
        self.err = to_stderr

    def _guard(self, ask: Any) -> Any:
        try:
            return ask()
        except (typer.Abort, EOFError) as exc:
            raise StartInputError(
                "no answer came from the terminal (end of input): run `retrowalk start` in a "
                "terminal, or pass --answers FILE.json (see examples/start-answers.json)."
            ) from exc

    def _text(self, question: str, default: str = "") -> str:
        return str(
            self._guard(
                lambda: typer.prompt(
                    question, default=default, show_default=bool(default), err=self.err
                )
            )
        ).strip()

    def yes(self, question: str, *, enter_means_no: bool = True) -> bool:
        """A yes/no question; Enter means no, unless ``enter_means_no`` is False (a question
        whose "no" is the warning sign, which must be typed). Anything else is asked again."""
        hint = "[y/N]" if enter_means_no else "[y/n]"
        while True:
            text = self._text(f"{question} {hint}").lower()
            if text in ("n", "no") or (text == "" and enter_means_no):
                return False
            if text in ("y", "yes"):
                return True
            help_text = "; Enter means no." if enter_means_no else "."
            self.console.print(f"Please type y (yes) or n (no){help_text}")

    def integer(self, question: str) -> int:
        """A whole number; anything else is asked again, with help."""
        while True:
            text = self._text(question)
            try:
                return int(text)
            except ValueError:
                self.console.print("Please type a whole number, such as 67.")

    def choice(self, question: str, choices: dict[str, str], default: str) -> str:
        """One of ``choices`` (code → plain words), typed as its number or its code."""
        self.console.print(question)
        codes = list(choices)
        for number, code in enumerate(codes, start=1):
            self.console.print(f"  {number} = {choices[code]}", highlight=False)
        default_number = str(codes.index(default) + 1)
        while True:
            text = self._text(f"Type a number from 1 to {len(codes)}", default_number)
            if text in codes:
                return text
            if text.isdigit() and 1 <= int(text) <= len(codes):
                return codes[int(text) - 1]
            self.console.print(f"Please type a number from 1 to {len(codes)}.")

    def number_or_skip(self, question: str, whole: bool = False) -> float | None:
        while True:
            text = str(
                self._guard(
                    lambda: typer.prompt(
                        f"{question} (press Enter to skip)",
                        default="",
                        show_default=False,
                        err=self.err,
                    )
                )
            ).strip()
            if not text:
                return None
            try:
                return int(text) if whole else float(text)
            except ValueError:
                kind = "a whole number" if whole else "a number"
                self.console.print(f"Please type {kind}, or press Enter to skip.")


def ask_answers(asker: _Asker, console: Console) -> StartAnswers:
    """The interactive screening and baseline tests."""
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
        {s.value: vocab.SEXES.long(s) for s in Sex},
        Sex.FEMALE.value,
    )
    active = asker.yes("Are you used to being physically active?")
    condition = asker.choice(
        "Which knee condition did your doctor or physiotherapist name?",
        {k.value: vocab.CONDITIONS.long(k) for k in KneeCondition},
        KneeCondition.OA.value,
    )
    console.print("\n[bold]Readiness questions (PAR-Q)[/]")
    parq = tuple(asker.yes(f"{n}. {q}") for n, q in enumerate(PARQ_QUESTIONS, start=1))
    console.print("\n[bold]Knee warning signs[/]")
    flags: list[KneeRedFlag] = []
    fever = False
    for flag in SCREENING_RED_FLAGS:
        info = RED_FLAGS[flag]
        if red_flag_from_answer(flag, asker.yes(info.question, enter_means_no=info.flag_when)):
            flags.append(flag)
        if flag is KneeRedFlag.HOT_SWOLLEN_KNEE:
            fever = asker.yes(FEVER_QUESTION)
    console.print("\n[bold]About your health[/]")
    aid = asker.yes(WALKING_AID_QUESTION)
    thinner = asker.yes(ANTICOAGULANT_QUESTION)
    surgery = asker.yes(recent_surgery_question())
    console.print("\n[bold]Falls (STEADI questions)[/]")
    steadi = SteadiAnswers(**{name: asker.yes(q) for name, q in STEADI_QUESTIONS.items()})
    answers = {
        "age_years": age,
        "sex": sex,
        "used_to_activity": active,
        "knee_condition": condition,
        "parq": parq,
        "red_flags": tuple(flags),
        "fever_or_unwell": fever,
        "uses_walking_aid": aid,
        "takes_anticoagulant": thinner,
        "recent_knee_surgery": surgery,
        "steadi": steadi,
    }
    return StartAnswers.model_validate(answers)


def _ask_test(
    asker: _Asker, console: Console, answers: StartAnswers, field: str, question: str
) -> float | None:
    """One test result, checked at once by the clinical rules, so that a typo (``-3``) is
    asked again here instead of ending the walk-through after every answer was given."""
    whole = field == "chair_stand_count"
    while True:
        value = asker.number_or_skip(question, whole=whole)
        if value is None:
            return None
        try:
            assess_fall_risk(
                FallRiskTests.model_validate(
                    {"age_years": answers.age_years, "sex": answers.sex, field: value}
                )
            )
        except InvalidInputError as exc:
            console.print(f"Please try again: {exc.allowed}.", highlight=False)
            continue
        return value


def ask_tests(asker: _Asker, console: Console, answers: StartAnswers) -> TestAnswers:
    """The baseline tests, each with its instructions; all but the 3-m walk may be skipped."""
    console.print("\n[bold]Baseline tests[/] (have someone with you for every test)")
    console.print(TEST_INSTRUCTIONS["tug_s"])
    tug = _ask_test(asker, console, answers, "tug_s", "Timed Up and Go, seconds")
    console.print(TEST_INSTRUCTIONS["tandem_stance_s"])
    tandem = _ask_test(asker, console, answers, "tandem_stance_s", "Tandem stance held, seconds")
    console.print(TEST_INSTRUCTIONS["chair_stand_count"])
    count = _ask_test(
        asker, console, answers, "chair_stand_count", f"Chair stands in {CHAIR_STAND_DURATION_S} s"
    )
    arms = asker.yes("Did you need your arms to stand up?") if count is not None else False
    console.print(TEST_INSTRUCTIONS["backward_walk_3m_s"])
    walk = _ask_test(asker, console, answers, "backward_walk_3m_s", "3-m backward walk, seconds")
    if walk is None:
        console.print(NO_3M_WALK, highlight=False)
    return TestAnswers(
        tug_s=tug,
        tandem_stance_s=tandem,
        chair_stand_count=None if count is None else int(count),
        chair_stand_used_arms=arms,
        backward_walk_3m_s=walk,
    )


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


def _print_plan(console: Console, fall: FallRiskResult, plan: Prescription) -> None:
    console.print(f"\n[bold]Fall risk:[/] {fall.level.value.replace('_', ' ')}")
    for reason in fall.reasons:
        console.print(_label(reason), highlight=False)
    if plan.supervision is Supervision.EVERY_SESSION:
        supervised = "every session"
    else:
        supervised = f"the first {plan.supervised_first_sessions} sessions"
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
    for reason in plan.reasons:
        console.print(_label(reason), highlight=False)
    console.print(SOURCES_NOTE, highlight=False)


def _result_json(
    screening: ScreeningResult,
    fall: FallRiskResult | None,
    plan: Prescription | None,
    restrictions: Restrictions,
) -> dict[str, Any]:
    outcome: Literal["stop_and_refer", "plan", "no_plan_yet"] = (
        "plan" if plan is not None else "stop_and_refer"
    )
    return {
        "outcome": outcome,
        "screening": screening.model_dump(mode="json"),
        "fall_risk": fall.model_dump(mode="json") if fall is not None else None,
        "restrictions": [r.model_dump(mode="json") for r in restrictions.active],
        "prescription": plan.model_dump(mode="json") if plan is not None else None,
    }


def _screening_answers(answers: StartAnswers) -> ScreeningAnswers:
    return ScreeningAnswers(
        age_years=answers.age_years,
        used_to_activity=answers.used_to_activity,
        parq=answers.parq,
        red_flags=frozenset(answers.red_flags),
        steadi=answers.steadi,
        fever_or_unwell=answers.fever_or_unwell,
        uses_walking_aid=answers.uses_walking_aid,
        takes_anticoagulant=answers.takes_anticoagulant,
        recent_knee_surgery=answers.recent_knee_surgery,
    )


def _print_restrictions(console: Console, restrictions: Restrictions) -> None:
    if not restrictions.active:
        return
    console.print("\n[bold]What stops or limits backward walking for you now[/]")
    for restriction in restrictions.active:
        console.print(f"[bold]• {restriction.title}[/]", highlight=False)
        for step in (restriction.emergency, *restriction.what_to_do):
            if step:
                console.print(f"  → {step}", highlight=False)
    console.print(
        "[dim]Only your clinician can lift these, by a recorded clearance: they will decide.[/]"
    )


def _speeds(tests: TestAnswers) -> tuple[MeasuredSpeed, ...]:
    speeds: list[MeasuredSpeed] = []
    if tests.backward_walk_3m_s is not None:
        speeds.append(speed_from_three_m_backward_walk(tests.backward_walk_3m_s))
    up, down = tests.treadmill_speed_up_m_s, tests.treadmill_speed_down_m_s
    if (up is None) != (down is None):
        raise StartInputError(
            "the treadmill speed test needs both speeds (going up and coming down), or neither."
        )
    if up is not None and down is not None:
        speeds.append(speed_from_treadmill(up, down))
    return tuple(speeds)


def _ask_treadmill(asker: _Asker, console: Console, tests: TestAnswers) -> TestAnswers:
    console.print(TREADMILL_TEST, highlight=False)
    while True:
        up = asker.number_or_skip("Comfortable speed going up, m/s")
        if up is None:
            return tests
        down = asker.number_or_skip("Comfortable speed coming down, m/s")
        if down is None:
            return tests
        try:
            speed_from_treadmill(up, down)
        except InvalidInputError as exc:
            console.print(f"Please try again: {exc.allowed}.", highlight=False)
            continue
        return tests.model_copy(
            update={"treadmill_speed_up_m_s": up, "treadmill_speed_down_m_s": down}
        )


def run_start(answers_file: Path | None, as_json: bool) -> None:
    """The walk-through; raises ClinicalError subclasses for bad input."""
    out = Console(stderr=as_json)
    asker = _Asker(out, to_stderr=as_json)
    out.print(Panel(INTRO, title="retrowalk"))
    try:
        answers = (
            load_answers(answers_file) if answers_file is not None else ask_answers(asker, out)
        )
        screened = _screening_answers(answers)
        screening = screen(screened)
        now = datetime.now(UTC)  # the screening and the tests are facts of this one sitting
        fact = ScreeningFact(at=now, answers=screened)
        if screening.outcome is ScreeningOutcome.STOP_AND_REFER:
            _print_screening(out, screening)
            out.print("[bold]No walking plan is made. Please follow the advice above.[/]")
            restrictions = active_restrictions(WalkerRecord(screenings=(fact,)))
            if as_json:
                typer.echo(json.dumps(_result_json(screening, None, None, restrictions), indent=2))
            return
        _print_screening(out, screening)
        tests = answers.tests if answers_file is not None else ask_tests(asker, out, answers)
        fall = assess_fall_risk(
            FallRiskTests(
                age_years=answers.age_years,
                sex=answers.sex,
                tug_s=tests.tug_s,
                tandem_stance_s=tests.tandem_stance_s,
                chair_stand_count=tests.chair_stand_count,
                chair_stand_used_arms=tests.chair_stand_used_arms,
                backward_walk_3m_s=tests.backward_walk_3m_s,
                steadi=answers.steadi,
            )
        )
        record = WalkerRecord(
            screenings=(fact,), assessments=(AssessmentFact(at=now, fall_risk=fall),)
        )
        restrictions = active_restrictions(record)
        gated = RestrictionKind.FALL_RISK in restrictions.kinds
        allowed = DEFAULT_POLICY.high_risk_surfaces if gated else fall.surfaces
        surface = answers.surface
        if surface is None and answers_file is None and len(allowed) > 1:
            surface = Surface(
                asker.choice(
                    "Where will you walk?",
                    {s.value: vocab.SURFACES.long(s) for s in allowed},
                    allowed[0].value,
                )
            )
        if (
            answers_file is None
            and surface in TREADMILL_SURFACES
            and tests.treadmill_speed_up_m_s is None
        ):
            tests = _ask_treadmill(asker, out, tests)
        try:
            plan = start_prescription(
                screening,
                fall,
                answers.knee_condition,
                _speeds(tests),
                surface,
                fall_risk_restricted=gated,
                awaiting_clearance=RestrictionKind.CLEARANCE_REQUIRED in restrictions.kinds,
            )
        except CannotDecideError as exc:
            # Not bad input: no safe starting speed was measured (persona I). A result.
            out.print(f"\n[bold]No plan yet.[/] {exc}", highlight=False)
            _print_restrictions(out, restrictions)
            if as_json:
                result = _result_json(screening, fall, None, restrictions)
                result.update(outcome="no_plan_yet", why=str(exc))
                typer.echo(json.dumps(result, indent=2))
            return
    except ValidationError as exc:
        raise StartInputError(f"answer {_first_error(exc)}.") from exc
    _print_plan(out, fall, plan)
    _print_restrictions(out, restrictions)
    if as_json:
        typer.echo(json.dumps(_result_json(screening, fall, plan, restrictions), indent=2))


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
) -> None:
    """Screening, baseline tests and your tailored backward-walking plan."""
    try:
        run_start(answers, as_json)
    except ClinicalError as exc:
        Console(stderr=True).print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
        # SystemExit, not typer.Exit: app.main() runs click with standalone_mode=False,
        # which turns typer.Exit into a return value and would lose the exit code.
        raise SystemExit(EXIT_BAD_INPUT) from None


def register(app: typer.Typer) -> None:
    """Add ``retrowalk start`` to the root command."""
    app.command("start")(start_command)
