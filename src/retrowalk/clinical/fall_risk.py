"""Fall risk (RULES.md §1.3 and §7.3–7.4): it gates unsupervised backward walking.

Any one test at its published cut-off marks **high** fall risk. **Low** needs evidence: the
Timed Up and Go, one of the 30-s chair stand (with a norm for the age) or the tandem stance,
and the STEADI key questions, all answered and none at risk. A skipped test is unknown, never
normal: with any part of that battery missing (and nothing at risk) the verdict is **not
known**, which gates like high (**policy**, RULES.md §7.3). The 3-m backward walk between 3.0
and 4.5 s says neither; the backward speed derived from that same walk is not counted a second
time, and a treadmill setting never feeds the < 0.6 m/s rule (Fritz 2013 measured overground).
A retested TUG that improved by no more than its measurement error (1.1 s) is no change: a TUG
at risk before stays at risk (RULES.md §7.4). The consequence for supervision and surface is
retrowalk **policy** (from the seed's "have someone supervise you" and every trial being
supervised). Cut-offs live in :mod:`retrowalk.clinical.norms` with their sources.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, StrictBool, StrictFloat, StrictInt

from retrowalk.clinical.errors import CannotDecideError, InvalidInputError
from retrowalk.clinical.norms import (
    BACKWARD_SPEED_AT_RISK_BELOW_M_S,
    BACKWARD_SPEED_SOURCES,
    BACKWARD_WALK_3M_AT_RISK_FROM_S,
    BACKWARD_WALK_3M_DISTANCE_M,
    BACKWARD_WALK_3M_LOW_RISK_UP_TO_S,
    BACKWARD_WALK_3M_SOURCES,
    CHAIR_STAND_NORMS,
    CHAIR_STAND_SOURCES,
    STEADI_QUESTION_SOURCES,
    TANDEM_STANCE_AT_RISK_BELOW_S,
    TANDEM_STANCE_SOURCES,
    TUG_AT_RISK_FROM_S,
    TUG_MDC_S,
    TUG_MDC_SOURCES,
    TUG_SOURCES,
    ChairStandNorm,
)
from retrowalk.clinical.policy import DEFAULT_POLICY, PolicyConfig
from retrowalk.clinical.reasons import Reason
from retrowalk.clinical.screening import STEADI_QUESTIONS, SteadiAnswers, check_age_years
from retrowalk.clinical.surfaces import Supervision as Supervision
from retrowalk.clinical.surfaces import Surface as Surface
from retrowalk.clinical.surfaces import describe_surfaces

# --- policy (RULES.md §1.3 "Consequence"): lives in PolicyConfig ---------------------------------

SUPERVISED_FIRST_SESSIONS_LOW_RISK: Final[int] = DEFAULT_POLICY.supervised_first_sessions_low_risk
"""Alias of ``DEFAULT_POLICY.supervised_first_sessions_low_risk`` (**policy**), kept for
importers; the rules read the ``policy`` argument."""

# --- input limits (validation, not clinical thresholds) ---------------------------------------

TEST_TIME_MAX_S: Final[float] = 300.0
"""No timed test here takes 5 minutes; a longer time is a typing error (e.g. ms for s)."""
TEST_TIME_MIN_S: Final[float] = 1.0
"""Input limit: standing up, walking 3 m and back and sitting (TUG), or 3 m backward at
under 3 m/s, takes at least a second; a shorter time is a typing error."""
TANDEM_STANCE_MAX_S: Final[float] = 300.0
"""A stance is timed to 10 s; up to 5 minutes is accepted in case a tester let it run."""
BACKWARD_SPEED_MAX_M_S: Final[float] = 3.0
"""Faster than a brisk forward run: a larger backward speed is a typing error."""
SPEED_MIN_M_S: Final[float] = 0.01
"""Input limit: 1 cm a second (3 m in 300 s, the slowest 3-m walk accepted). A slower speed
is a typing error, not walking, and would show as 0.00 m/s."""
CHAIR_STAND_COUNT_MAX: Final[int] = 60
"""Two stands a second for 30 s is beyond anyone: a larger count is a typing error."""


class Sex(StrEnum):
    """Sex as the STEADI chair-stand norms are published (men, women)."""

    MALE = "male"
    FEMALE = "female"


class FallRiskLevel(StrEnum):
    LOW = "low"
    HIGH = "high"
    NOT_KNOWN = "not_known"
    """Part of the minimum battery is missing: gates like high (**policy**, RULES.md §7.3)."""


class FallRiskTest(StrEnum):
    """The tests and questions of RULES.md §1.3."""

    TUG = "tug"
    TANDEM_STANCE = "tandem_stance"
    CHAIR_STAND = "chair_stand"
    BACKWARD_WALK_3M = "backward_walk_3m"
    BACKWARD_SPEED = "backward_speed"
    STEADI_QUESTIONS = "steadi_questions"


HIGH_RISK_SURFACES: Final[tuple[Surface, ...]] = DEFAULT_POLICY.high_risk_surfaces
"""Alias of ``DEFAULT_POLICY.high_risk_surfaces`` (**policy**), kept for importers."""
LOW_RISK_SURFACES: Final[tuple[Surface, ...]] = DEFAULT_POLICY.low_risk_surfaces
"""Alias of ``DEFAULT_POLICY.low_risk_surfaces`` (**policy**), kept for importers."""


_TEST_SOURCES: Final[dict[FallRiskTest, tuple[str, ...]]] = {
    FallRiskTest.TUG: TUG_SOURCES,
    FallRiskTest.TANDEM_STANCE: TANDEM_STANCE_SOURCES,
    FallRiskTest.CHAIR_STAND: CHAIR_STAND_SOURCES,
    FallRiskTest.BACKWARD_WALK_3M: BACKWARD_WALK_3M_SOURCES,
    FallRiskTest.BACKWARD_SPEED: BACKWARD_SPEED_SOURCES,
    FallRiskTest.STEADI_QUESTIONS: STEADI_QUESTION_SOURCES,
}


class FallRiskTests(BaseModel):
    """The baseline tests; ``None`` = not done. Types are checked here, ranges by
    :func:`assess_fall_risk`.

    ``chair_stand_used_arms``: standing up with the arms scores 0 (CDC STEADI), whatever
    ``chair_stand_count`` says. ``backward_speed_m_s``: an overground backward walking speed
    measured on its own (Fritz 2013); never a treadmill setting, and never the speed of the
    3-m backward walk, which is counted once, as that test.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    age_years: StrictInt
    sex: Sex
    tug_s: StrictFloat | None = None
    tandem_stance_s: StrictFloat | None = None
    chair_stand_count: StrictInt | None = None
    chair_stand_used_arms: StrictBool = False
    backward_walk_3m_s: StrictFloat | None = None
    backward_speed_m_s: StrictFloat | None = None
    steadi: SteadiAnswers | None = None


class FallRiskResult(BaseModel):
    """The level, what fired, what was not assessed, and the supervision it implies."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: FallRiskLevel
    fired: tuple[FallRiskTest, ...]
    """Tests at their at-risk cut-off (empty when the level is low)."""
    missing: tuple[str, ...] = ()
    """What the minimum battery still lacks, in words (not known: this is why)."""
    tug_at_risk_reference_s: float | None = None
    """The at-risk TUG time this verdict compares a retest with (RULES.md §7.4); None when the
    TUG is not at risk."""
    not_assessed: tuple[FallRiskTest, ...]
    """Tests not done (their input was ``None``)."""
    no_verdict: tuple[FallRiskTest, ...]
    """Tests done that give no verdict here (chair stand outside ages 60–94; a 3-m backward
    walk between 3.0 and 4.5 s)."""
    backward_speed_m_s: float | None
    """The overground backward speed used, measured on its own (None: not measured)."""
    supervision: Supervision
    supervised_first_sessions: int | None
    """How many first sessions must be supervised; ``None`` when every session must be."""
    surfaces: tuple[Surface, ...]
    reasons: tuple[Reason, ...]


def _check_seconds(
    value: float | None, field: str, max_s: float, *, zero_allowed: bool = False
) -> None:
    """Raise unless ``value`` is None or a finite number of seconds in range.

    Zero is allowed only for a stance (a person who cannot take the position holds it 0 s);
    a walk or a TUG cannot take 0 s.
    """
    if value is None:
        return
    allowed = (
        f"a number of seconds from 0 to {max_s:g}"
        if zero_allowed
        else f"a number of seconds from {TEST_TIME_MIN_S:g} to {max_s:g}"
    )
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError(field, value, allowed)
    too_low = value < 0 if zero_allowed else value < TEST_TIME_MIN_S
    if not math.isfinite(value) or too_low or value > max_s:
        raise InvalidInputError(field, value, allowed)


def _check(tests: FallRiskTests) -> None:
    check_age_years(tests.age_years)
    if not isinstance(tests.sex, Sex):
        raise InvalidInputError("sex", tests.sex, "male or female (as the STEADI norms)")
    _check_seconds(tests.tug_s, "tug_s", TEST_TIME_MAX_S)
    _check_seconds(tests.tandem_stance_s, "tandem_stance_s", TANDEM_STANCE_MAX_S, zero_allowed=True)
    _check_seconds(tests.backward_walk_3m_s, "backward_walk_3m_s", TEST_TIME_MAX_S)
    speed = tests.backward_speed_m_s
    if speed is not None and (
        isinstance(speed, bool)
        or not isinstance(speed, int | float)
        or not math.isfinite(speed)
        or not SPEED_MIN_M_S <= speed <= BACKWARD_SPEED_MAX_M_S
    ):
        raise InvalidInputError(
            "backward_speed_m_s",
            speed,
            f"a speed in m/s from {SPEED_MIN_M_S:g} (1 cm a second; slower is not walking) "
            f"to {BACKWARD_SPEED_MAX_M_S:g}",
        )
    count = tests.chair_stand_count
    if count is not None and (
        isinstance(count, bool)
        or not isinstance(count, int)
        or not 0 <= count <= CHAIR_STAND_COUNT_MAX
    ):
        raise InvalidInputError(
            "chair_stand_count",
            count,
            f"a whole number of stands from 0 to {CHAIR_STAND_COUNT_MAX}",
        )
    if not isinstance(tests.chair_stand_used_arms, bool):
        raise InvalidInputError(
            "chair_stand_used_arms", tests.chair_stand_used_arms, "true (yes) or false (no)"
        )


def chair_stand_norm(age_years: int) -> ChairStandNorm | None:
    """The STEADI norm band for this age, or None outside ages 60–94 (no norm published)."""
    for band in CHAIR_STAND_NORMS:
        if band.age_min_years <= age_years <= band.age_max_years:
            return band
    return None


def chair_stand_at_risk_below(age_years: int, sex: Sex) -> int | None:
    """The count below which a person of this age and sex is at risk; None without a norm."""
    band = chair_stand_norm(age_years)
    if band is None:
        return None
    return band.men_at_risk_below if sex is Sex.MALE else band.women_at_risk_below


class _Assessment:
    """Collects fired tests, gaps and reasons while the rules run."""

    def __init__(self) -> None:
        self.fired: list[FallRiskTest] = []
        self.not_assessed: list[FallRiskTest] = []
        self.no_verdict: list[FallRiskTest] = []
        self.low: list[FallRiskTest] = []
        self.low_results: list[str] = []
        self.reasons: list[Reason] = []
        self.tug_reference_s: float | None = None

    def ok(self, test: FallRiskTest, result: str) -> None:
        """A test done with a result below its at-risk cut-off."""
        self.low.append(test)
        self.low_results.append(result)

    def fire(self, test: FallRiskTest, reason: Reason) -> None:
        self.fired.append(test)
        self.reasons.append(reason)


_MDC_TOLERANCE_S: Final[float] = 1e-9
"""Float tolerance when comparing a TUG change with its measurement error (not clinical)."""


def _tug(tests: FallRiskTests, out: _Assessment, earlier_at_risk_s: float | None) -> None:
    tug = tests.tug_s
    if tug is None:
        out.not_assessed.append(FallRiskTest.TUG)
        out.tug_reference_s = earlier_at_risk_s
    elif tug >= TUG_AT_RISK_FROM_S:
        out.tug_reference_s = tug
        out.fire(
            FallRiskTest.TUG,
            Reason(
                code="fall_risk.tug",
                message=(
                    f"Timed Up and Go took {tug:g} s (at risk from {TUG_AT_RISK_FROM_S:g} s)."
                ),
                sources=TUG_SOURCES,
            ),
        )
    elif earlier_at_risk_s is not None and earlier_at_risk_s - tug <= TUG_MDC_S + _MDC_TOLERANCE_S:
        out.tug_reference_s = earlier_at_risk_s
        out.fire(
            FallRiskTest.TUG,
            Reason(
                code="fall_risk.tug_within_error",
                message=(
                    f"Timed Up and Go took {tug:g} s, {earlier_at_risk_s - tug:.1f} s faster "
                    f"than the {earlier_at_risk_s:g} s that was at risk: a change of no more "
                    f"than the test's measurement error ({TUG_MDC_S:g} s) is no change, so it "
                    "still counts as at risk."
                ),
                sources=TUG_SOURCES + TUG_MDC_SOURCES,
            ),
        )
    else:
        out.ok(FallRiskTest.TUG, f"Timed Up and Go {tug:g} s")


def _tandem(tests: FallRiskTests, out: _Assessment) -> None:
    if tests.tandem_stance_s is None:
        out.not_assessed.append(FallRiskTest.TANDEM_STANCE)
    elif tests.tandem_stance_s < TANDEM_STANCE_AT_RISK_BELOW_S:
        out.fire(
            FallRiskTest.TANDEM_STANCE,
            Reason(
                code="fall_risk.tandem_stance",
                message=(
                    f"Tandem stance held {tests.tandem_stance_s:g} s (at risk below "
                    f"{TANDEM_STANCE_AT_RISK_BELOW_S:g} s)."
                ),
                sources=TANDEM_STANCE_SOURCES,
            ),
        )
    else:
        out.ok(FallRiskTest.TANDEM_STANCE, f"tandem stance held {tests.tandem_stance_s:g} s")


def _chair_stand(tests: FallRiskTests, out: _Assessment) -> None:
    if tests.chair_stand_count is None and not tests.chair_stand_used_arms:
        out.not_assessed.append(FallRiskTest.CHAIR_STAND)
        return
    score = 0 if tests.chair_stand_used_arms else tests.chair_stand_count
    assert score is not None
    arms = " (stood up using the arms, which scores 0)" if tests.chair_stand_used_arms else ""
    norm = chair_stand_at_risk_below(tests.age_years, tests.sex)
    if norm is None:
        out.no_verdict.append(FallRiskTest.CHAIR_STAND)
        out.reasons.append(
            Reason(
                code="fall_risk.chair_stand.no_norm",
                message=(
                    f"30-s chair stand score {score}{arms}: no published norm for age "
                    f"{tests.age_years} (norms cover ages {CHAIR_STAND_NORMS[0].age_min_years}–"
                    f"{CHAIR_STAND_NORMS[-1].age_max_years}), so this test gives no verdict."
                ),
                sources=CHAIR_STAND_SOURCES,
            )
        )
    elif score < norm:
        who = "men" if tests.sex is Sex.MALE else "women"
        out.fire(
            FallRiskTest.CHAIR_STAND,
            Reason(
                code="fall_risk.chair_stand",
                message=(
                    f"30-s chair stand score {score}{arms}: below the norm of {norm} for {who} "
                    f"aged {tests.age_years}."
                ),
                sources=CHAIR_STAND_SOURCES,
            ),
        )
    else:
        out.ok(FallRiskTest.CHAIR_STAND, f"30-s chair stand {score} (norm {norm})")


def _backward(tests: FallRiskTests, out: _Assessment) -> float | None:
    """The 3-m backward walk and backward speed; returns the speed used."""
    time_s = tests.backward_walk_3m_s
    if time_s is None:
        out.not_assessed.append(FallRiskTest.BACKWARD_WALK_3M)
    elif time_s >= BACKWARD_WALK_3M_AT_RISK_FROM_S:
        out.fire(
            FallRiskTest.BACKWARD_WALK_3M,
            Reason(
                code="fall_risk.backward_walk_3m",
                message=(
                    f"3-m backward walk took {time_s:g} s (at risk from "
                    f"{BACKWARD_WALK_3M_AT_RISK_FROM_S:g} s)."
                ),
                sources=BACKWARD_WALK_3M_SOURCES,
            ),
        )
    elif time_s <= BACKWARD_WALK_3M_LOW_RISK_UP_TO_S:
        out.ok(FallRiskTest.BACKWARD_WALK_3M, f"3-m backward walk {time_s:g} s")
    else:
        out.no_verdict.append(FallRiskTest.BACKWARD_WALK_3M)
        out.reasons.append(
            Reason(
                code="fall_risk.backward_walk_3m.between",
                message=(
                    f"3-m backward walk took {time_s:g} s: between low risk (up to "
                    f"{BACKWARD_WALK_3M_LOW_RISK_UP_TO_S:g} s) and at risk (from "
                    f"{BACKWARD_WALK_3M_AT_RISK_FROM_S:g} s), so it says neither."
                ),
                sources=BACKWARD_WALK_3M_SOURCES,
            )
        )

    speed = tests.backward_speed_m_s
    if speed is None:
        out.not_assessed.append(FallRiskTest.BACKWARD_SPEED)
        if time_s is not None:
            out.reasons.append(
                Reason(
                    code="fall_risk.backward_speed.same_walk",
                    message=(
                        f"The backward speed of the same 3-m walk "
                        f"({BACKWARD_WALK_3M_DISTANCE_M / time_s:.2f} m/s) is not counted a "
                        "second time."
                    ),
                    sources=BACKWARD_SPEED_SOURCES + BACKWARD_WALK_3M_SOURCES,
                )
            )
    elif speed < BACKWARD_SPEED_AT_RISK_BELOW_M_S:
        out.fire(
            FallRiskTest.BACKWARD_SPEED,
            Reason(
                code="fall_risk.backward_speed",
                message=(
                    f"Backward walking speed {speed:.2f} m/s, walked overground (at risk below "
                    f"{BACKWARD_SPEED_AT_RISK_BELOW_M_S:g} m/s)."
                ),
                sources=BACKWARD_SPEED_SOURCES,
            ),
        )
    else:
        out.ok(FallRiskTest.BACKWARD_SPEED, f"backward speed {speed:.2f} m/s")
    return speed


STEADI_SAID: Final[Mapping[str, str]] = {
    "fell_past_12_months": "you fell in the past year",
    "feels_unsteady": "you feel unsteady when standing or walking",
    "worries_about_falling": "you worry about falling",
}
"""Each STEADI key question answered yes, as the walker reads it back (found by the outside-in
test: her page said "Answered YES to the STEADI key question(s)")."""


def steadi_said(yes: Sequence[str]) -> str:
    """What she said yes to, in her words: "You said that you fell in the past year, and that
    you worry about falling."."""
    said = [f"that {STEADI_SAID[name]}" for name in yes]
    *first, last = said
    body = f"{', '.join(first)}, and {last}" if first else last
    return f"You said {body}."


def _steadi(steadi: SteadiAnswers | None, out: _Assessment) -> None:
    if steadi is None:
        out.not_assessed.append(FallRiskTest.STEADI_QUESTIONS)
        return
    yes = steadi.yes_fields()
    if yes:
        quoted = "; ".join(f"“{STEADI_QUESTIONS[name]}”" for name in yes)
        out.fire(
            FallRiskTest.STEADI_QUESTIONS,
            Reason(
                code="fall_risk.steadi_questions",
                message=steadi_said(yes),
                clinician_message=f"Answered yes to the STEADI key question(s): {quoted}.",
                sources=STEADI_QUESTION_SOURCES,
            ),
        )
    else:
        out.ok(FallRiskTest.STEADI_QUESTIONS, "no to the STEADI key questions")


PHYSICAL_TESTS: Final[tuple[str, ...]] = (
    "tug_s",
    "tandem_stance_s",
    "chair_stand_count",
    "backward_walk_3m_s",
    "backward_speed_m_s",
)
"""The fields of :class:`FallRiskTests` that are physical tests (the STEADI questions are not)."""


def has_physical_test(tests: FallRiskTests) -> bool:
    """Whether any physical test was done (an assessment without one is empty)."""
    return tests.chair_stand_used_arms or any(
        getattr(tests, name) is not None for name in PHYSICAL_TESTS
    )


def _missing_for_low(out: _Assessment) -> list[str]:
    """What the minimum battery for a low verdict lacks (RULES.md §7.3), in words."""
    missing: list[str] = []
    if FallRiskTest.TUG not in out.low:
        missing.append("the Timed Up and Go")
    if FallRiskTest.CHAIR_STAND not in out.low and FallRiskTest.TANDEM_STANCE not in out.low:
        missing.append("the 30-s chair stand (ages 60–94) or the tandem stance")
    if FallRiskTest.STEADI_QUESTIONS not in out.low:
        missing.append("the three questions about falls")
    return missing


def assess_fall_risk(
    tests: FallRiskTests,
    policy: PolicyConfig = DEFAULT_POLICY,
    *,
    earlier_at_risk_tug_s: float | None = None,
) -> FallRiskResult:
    """High with any test at its cut-off; low only on the full minimum battery; else not known.

    ``earlier_at_risk_tug_s``: the TUG time that was at risk before (the previous verdict's
    ``tug_at_risk_reference_s``); a retest no more than ``TUG_MDC_S`` faster is no change
    (RULES.md §7.4). The consequence (supervision and surfaces) is **policy**, read from
    ``policy``; "not known" gates like high (**policy**, RULES.md §7.3).

    Raises :class:`~retrowalk.clinical.errors.InvalidInputError` for an out-of-range input and
    :class:`~retrowalk.clinical.errors.CannotDecideError` when no physical test was done (an
    empty assessment says nothing, and a "low" resting on nothing would be false reassurance).
    Sources: steadi, steadi_chair_stand_norms, carter2020, fritz2013, tug_mdc_knee_oa.
    """
    _check(tests)
    if not has_physical_test(tests):
        raise CannotDecideError(
            "No test was filled in, so nothing was assessed and nothing is saved. Fill in at "
            "least one test; for a low fall risk retrowalk needs the Timed Up and Go, the 30-s "
            "chair stand or the tandem stance, and the three questions about falls."
        )
    out = _Assessment()
    _tug(tests, out, earlier_at_risk_tug_s)
    _tandem(tests, out)
    _chair_stand(tests, out)
    speed = _backward(tests, out)
    _steadi(tests.steadi, out)
    return _verdict(out, policy, speed)


def fall_risk_not_assessed(
    tests: FallRiskTests,
    policy: PolicyConfig = DEFAULT_POLICY,
    *,
    earlier_at_risk_tug_s: float | None = None,
) -> FallRiskResult:
    """The verdict when something was measured but none of the fall-risk tests (a treadmill
    speed test alone, say): high if a question about falls says so, else not known — never
    low (RULES.md §7.3; persona L)."""
    _check(tests)
    out = _Assessment()
    out.tug_reference_s = earlier_at_risk_tug_s
    out.not_assessed.extend(
        test for test in FallRiskTest if test is not FallRiskTest.STEADI_QUESTIONS
    )
    _steadi(tests.steadi, out)
    return _verdict(out, policy, None)


def _verdict(out: _Assessment, policy: PolicyConfig, speed: float | None) -> FallRiskResult:
    """High with anything at risk; low only on the full battery; otherwise not known."""
    missing = _missing_for_low(out)

    first: int | None = None
    if out.fired:
        level = FallRiskLevel.HIGH
        supervision = Supervision.EVERY_SESSION
        surfaces = policy.high_risk_surfaces
        consequence = (
            "High fall risk: every session supervised, on {surfaces}, until {who} clears it "
            "after a reassessment that is low risk (retrowalk policy)."
        )
    elif missing:
        level = FallRiskLevel.NOT_KNOWN
        supervision = Supervision.EVERY_SESSION
        surfaces = policy.high_risk_surfaces
        consequence = (
            f"Fall risk not known: {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing, and a skipped test never counts "
            "as normal. Until then every session is supervised, on {surfaces}, as for a high "
            "risk (retrowalk policy)."
        )
    else:
        level = FallRiskLevel.LOW
        supervision = Supervision.FIRST_SESSIONS
        first = policy.supervised_first_sessions_low_risk
        surfaces = policy.low_risk_surfaces
        done = "; ".join(out.low_results)
        sources = tuple(dict.fromkeys(key for test in out.low for key in _TEST_SOURCES[test]))
        out.reasons.append(
            Reason(
                code="fall_risk.low",
                message=f"No test marked high fall risk ({done}).",
                sources=sources,
            )
        )
        consequence = (
            f"Low fall risk: the first {first} sessions supervised, then unsupervised sessions "
            "are allowed on {surfaces} (retrowalk policy)."
        )
    out.reasons.append(
        Reason(
            code="fall_risk.supervision",
            message=consequence.format(surfaces=describe_surfaces(surfaces), who="your clinician"),
            clinician_message=consequence.format(
                surfaces=describe_surfaces(surfaces, for_clinician=True), who="a clinician"
            ),
            sources=(),
            policy=True,
        )
    )
    return FallRiskResult(
        level=level,
        fired=tuple(out.fired),
        missing=tuple(missing) if level is FallRiskLevel.NOT_KNOWN else (),
        tug_at_risk_reference_s=out.tug_reference_s,
        not_assessed=tuple(out.not_assessed),
        no_verdict=tuple(out.no_verdict),
        backward_speed_m_s=speed,
        supervision=supervision,
        supervised_first_sessions=first,
        surfaces=surfaces,
        reasons=tuple(out.reasons),
    )
