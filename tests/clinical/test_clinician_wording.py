"""Every reason reads right to the clinician: the walker's "your usual level" becomes "the
walker's usual level" (found by the outside-in test of the words: the clinician's pages and
the PDF showed the walker's sentences). The walker's own wording stays as it was."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest

from retrowalk.clinical.clearance import clinician_lift_fall_risk
from retrowalk.clinical.fall_risk import FallRiskTests, Sex, Surface, assess_fall_risk
from retrowalk.clinical.pain_monitoring import is_rest_day
from retrowalk.clinical.policy import DEFAULT_POLICY
from retrowalk.clinical.prescription import KneeCondition, start_prescription
from retrowalk.clinical.progression import decide
from retrowalk.clinical.reasons import Reason
from retrowalk.clinical.reassessment import apply_reassessment
from retrowalk.clinical.red_flags import KneeRedFlag, red_flag_reason
from retrowalk.clinical.screening import ScreeningAnswers, SteadiAnswers, screen
from retrowalk.clinical.session_records import AdverseEvent, MorningReport
from retrowalk.clinical.speed_override import speed_override_reason
from tests.clinical.test_prescription import fall_risk, measured, prescription, screening
from tests.clinical.test_progression import history, morning, session

ADDRESSED = re.compile(r"\byou(r|rs|rself)?\b", re.IGNORECASE)
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")
ALL_YES = SteadiAnswers(fell_past_12_months=True, feels_unsteady=True, worries_about_falling=True)
ALL_NO = SteadiAnswers(fell_past_12_months=False, feels_unsteady=False, worries_about_falling=False)


def addressed(reasons: Iterable[Reason]) -> list[str]:
    """The clinician's sentences that still say "you" or "your" (outside a quoted question)."""
    return [r.for_clinician for r in reasons if ADDRESSED.search(QUOTED.sub("", r.for_clinician))]


def decisions() -> list[tuple[Reason, ...]]:
    """The decisions after a session: stop, regress (every reason), hold, qualify, step up
    duration and speed, and hold at the speed ceiling."""
    plan = prescription()
    flagged = MorningReport(
        pain_nprs=8, stiffness_nprs=8, red_flags=frozenset({KneeRedFlag.KNEE_GIVING_WAY})
    )
    at_30 = prescription(duration_min=30, speed_m_s=0.6, comfortable_speed_m_s=0.6)
    ceiling = prescription(
        duration_min=30,
        speed_m_s=0.72,
        comfortable_speed_m_s=0.6,
        surface=Surface.FLAT_CLEAR_KNOWN_PATH,  # no incline: it holds at the speed ceiling
    )
    picked = [
        decide(plan, session(events=frozenset({AdverseEvent.NEAR_FALL})), flagged, history()),
        decide(
            plan,
            session(during=7, after=7),
            flagged,
            history(usual_stiffness_nprs=1, pain_during_previous_week_nprs=(1,)),
        ),
        decide(plan, session(during=4, effort=9, minutes=5, completed=False), None, history()),
        decide(plan, session(), morning(), history(qualifying=0)),
        decide(plan, session(), morning(), history()),
        decide(at_30, session(minutes=30), morning(), history()),
        decide(ceiling, session(minutes=30), morning(), history()),
    ]
    return [d.reasons for d in picked]


def test_every_progression_reason_has_the_clinicians_words() -> None:
    every = [r for reasons in decisions() for r in reasons]
    codes = {r.code for r in every}
    for wanted in (
        "progression.red_flag",
        "progression.morning_pain_up",
        "progression.morning_stiffness_up",
        "progression.rest_day",
        "progression.morning_missing",
        "progression.speed_up",
        "progression.speed_at_ceiling",
    ):
        assert wanted in codes, wanted
    assert addressed(every) == []
    pain_up = next(r for r in every if r.code == "progression.morning_pain_up")
    assert "above your usual" in pain_up.message  # the walker's own words are kept
    assert "above the walker's usual" in pain_up.for_clinician


@pytest.mark.parametrize(("pain", "usual"), [(8, 2.0), (5, 1.0), (7, None)])
def test_a_rest_day_says_the_walkers_usual_level_to_the_clinician(
    pain: int, usual: float | None
) -> None:
    reason = is_rest_day(pain, usual, DEFAULT_POLICY)
    assert reason is not None
    assert "contact your clinician" in reason.message
    assert "the walker's usual level" in reason.for_clinician
    assert addressed([reason]) == []


def test_every_starting_plan_and_screening_reason_has_the_clinicians_words() -> None:
    answers = ScreeningAnswers(
        age_years=72,
        used_to_activity=False,
        parq=(True,) * 7,
        red_flags=frozenset(),
        steadi=ALL_YES,
        fever_or_unwell=True,
        uses_walking_aid=True,
        takes_anticoagulant=True,
        recent_knee_surgery=True,
    )
    reasons = list(screen(answers).reasons)
    for high in (False, True):
        reasons += start_prescription(
            screening(parq_yes=frozenset({1})),
            fall_risk(high=high),
            KneeCondition.OA,
            measured(1.2),  # above the starting ceiling: the plan says so
            surface=Surface.HALLWAY_WITH_RAIL_AND_SPOTTER if high else None,
        ).reasons
    assert addressed(reasons) == []


def test_fall_risk_reassessment_clearance_and_speed_reasons_have_the_clinicians_words() -> None:
    reasons: list[Reason] = []
    for steadi, tug in ((ALL_YES, 13.0), (None, 9.0), (ALL_NO, 9.0)):
        tests = FallRiskTests(age_years=70, sex=Sex.FEMALE, tug_s=tug, tandem_stance_s=12.0)
        reasons += assess_fall_risk(tests.model_copy(update={"steadi": steadi})).reasons
    flat = prescription(surface=Surface.FLAT_CLEAR_KNOWN_PATH)
    high = assess_fall_risk(FallRiskTests(age_years=70, sex=Sex.FEMALE, tug_s=13.0))
    reasons += apply_reassessment(flat, high).reasons
    supervised = apply_reassessment(flat, high).next
    low = assess_fall_risk(
        FallRiskTests(age_years=70, sex=Sex.FEMALE, tug_s=9.0, tandem_stance_s=12.0, steadi=ALL_NO)
    )
    reasons += apply_reassessment(supervised, low).reasons
    reasons += clinician_lift_fall_risk(supervised, "Reassessed in clinic: steady.").reasons[-1:]
    fast = speed_override_reason(
        prescription(speed_m_s=1.4, comfortable_speed_m_s=0.6), DEFAULT_POLICY
    )
    assert fast is not None
    reasons.append(fast)
    assert addressed(reasons) == []


@pytest.mark.parametrize("flag", list(KneeRedFlag))
def test_every_red_flag_reason_names_the_flag_for_the_clinician(flag: KneeRedFlag) -> None:
    reason = red_flag_reason(flag)
    assert reason.message.startswith("Red flag: ")
    assert addressed([reason]) == []
