"""The published numbers the clinical rules use, each in exactly one place with its source.

Every constant below comes from ``../shared/clinical/RULES.md`` (normative) and carries the
evidence-catalogue key(s) of :mod:`retrowalk.clinical.evidence` it rests on, in a
``*_SOURCES`` constant beside it. retrowalk's own design choices (**policy**) do not live
here: they sit, labelled, in the module of the rule that uses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# --- 1.1 Readiness: classic PAR-Q -------------------------------------------------------------

PARQ_AGE_NOTE_ABOVE_YEARS: Final[int] = 69
"""PAR-Q is for ages 15–69: over 69 and not used to activity → check with a doctor."""
PARQ_SOURCES: Final[tuple[str, ...]] = ("parq_classic",)

# --- 1.2 Knee red flags ---------------------------------------------------------------------------

RED_FLAG_SOURCES: Final[tuple[str, ...]] = ("nhs_knee_red_flags",)
RED_FLAG_TRAUMA_SOURCES: Final[tuple[str, ...]] = ("nhs_knee_red_flags", "ottawa_knee_rule")

# --- 1.3 Fall risk --------------------------------------------------------------------------------

TUG_AT_RISK_FROM_S: Final[float] = 12.0
"""Timed Up and Go: 12 s or more → at risk of falling (CDC STEADI)."""
TUG_SOURCES: Final[tuple[str, ...]] = ("steadi",)

TANDEM_STANCE_AT_RISK_BELOW_S: Final[float] = 10.0
"""4-stage balance test, stage 3 (tandem stand): held less than 10 s → at risk (CDC STEADI)."""
TANDEM_STANCE_SOURCES: Final[tuple[str, ...]] = ("steadi",)

BACKWARD_WALK_3M_AT_RISK_FROM_S: Final[float] = 4.5
"""3-m backward walk: 4.5 s or more → at risk of falling (Carter et al.)."""
BACKWARD_WALK_3M_LOW_RISK_UP_TO_S: Final[float] = 3.0
"""3-m backward walk: 3.0 s or less → low risk; between 3.0 and 4.5 s the test says neither."""
BACKWARD_WALK_3M_SOURCES: Final[tuple[str, ...]] = ("carter2020",)
BACKWARD_WALK_3M_DISTANCE_M: Final[float] = 3.0
"""The distance of the 3-m backward walk; speed = 3 m / time (RULES.md §2)."""

BACKWARD_SPEED_AT_RISK_BELOW_M_S: Final[float] = 0.6
"""All elderly fallers walked backward slower than 0.6 m/s (Fritz 2013)."""
BACKWARD_SPEED_SOURCES: Final[tuple[str, ...]] = ("fritz2013",)

STEADI_QUESTION_SOURCES: Final[tuple[str, ...]] = ("steadi",)


@dataclass(frozen=True)
class ChairStandNorm:
    """One age band of the CDC STEADI 30-s chair-stand norms: a count BELOW these is at risk."""

    age_min_years: int
    age_max_years: int
    men_at_risk_below: int
    women_at_risk_below: int


CHAIR_STAND_NORMS: Final[tuple[ChairStandNorm, ...]] = (
    ChairStandNorm(60, 64, men_at_risk_below=14, women_at_risk_below=12),
    ChairStandNorm(65, 69, men_at_risk_below=12, women_at_risk_below=11),
    ChairStandNorm(70, 74, men_at_risk_below=12, women_at_risk_below=10),
    ChairStandNorm(75, 79, men_at_risk_below=11, women_at_risk_below=10),
    ChairStandNorm(80, 84, men_at_risk_below=10, women_at_risk_below=9),
    ChairStandNorm(85, 89, men_at_risk_below=8, women_at_risk_below=8),
    ChairStandNorm(90, 94, men_at_risk_below=7, women_at_risk_below=4),
)
"""30-s chair stand norms by age band and sex (CDC STEADI, RULES.md §1.3); none below 60
or above 94. Standing up with the help of the arms scores 0."""
CHAIR_STAND_SOURCES: Final[tuple[str, ...]] = ("steadi", "steadi_chair_stand_norms")
CHAIR_STAND_DURATION_S: Final[int] = 30

# --- 3. Progression: published limits used by the rules and by the policy bounds -------------

SPEED_MAX_RISE_FRACTION_PER_7_DAYS: Final[float] = 0.10
"""Walking speed rises by at most 10 % a week (Timmermans 2016, a stroke treadmill protocol:
an extrapolation to knee pain). ``PolicyConfig.speed_step_fraction`` may never exceed it."""
SPEED_RISE_WINDOW_DAYS: Final[int] = 7
"""The week of the +10 % rule above, in days (Timmermans 2016)."""
SPEED_RISE_SOURCES: Final[tuple[str, ...]] = ("timmermans2016",)

KM_H_PER_M_S: Final[float] = 3.6
"""1 m/s = 3.6 km/h (3,600 s an hour / 1,000 m a km): a unit conversion, not a norm; speeds are
shown in both (RULES.md §7.10)."""

NPRS_MAX: Final[int] = 10
"""The numeric pain rating scale runs 0–10 (RULES.md §3; Salaffi 2004)."""
CR10_MAX: Final[int] = 10
"""The Borg CR10 effort scale runs 0–10 (RULES.md §2)."""

# --- 5. Outcome measures --------------------------------------------------------------------------

KOOS_ITEM_MIN: Final[int] = 0
KOOS_ITEM_MAX: Final[int] = 4
"""Every KOOS item is answered 0 (none) … 4 (extreme) (KOOS scoring 2012)."""
KOOS_SCORE_POINTS_PER_ITEM_STEP: Final[float] = 25.0
"""Subscale score = 100 − mean(answered items) × 25, so 100 = no problems (KOOS scoring 2012)."""
KOOS_MIN_ANSWERED: Final[dict[str, int]] = {
    "symptoms": 4,
    "pain": 5,
    "adl": 9,
    "sport_rec": 3,
    "qol": 2,
}
"""A subscale is computable with ≥ 50 % of its items answered (KOOS scoring 2012 rule)."""
KOOS_SOURCES: Final[tuple[str, ...]] = ("roos1998_koos", "koos_scoring_2012")

KOOS12_MIN_ANSWERED_PER_SCALE: Final[int] = 2
"""KOOS-12: each 4-item scale needs at least 2 answered items (Gandek 2019)."""
KOOS12_SOURCES: Final[tuple[str, ...]] = ("gandek2019_koos12",)

KOOS_PS_RAW_TO_SCORE: Final[tuple[float, ...]] = (
    100.0, 94.4, 89.5, 85.2, 81.4, 78.0, 75.1, 72.5, 70.3, 68.2,
    66.4, 64.7, 63.0, 61.4, 59.7, 58.0, 56.0, 53.9, 51.5, 48.8,
    45.6, 42.1, 38.0, 33.4, 28.2, 22.3, 15.7, 8.2, 0.0,
)  # fmt: skip
"""KOOS-PS raw sum 0–28 (index) → score, 100 = no difficulty (Perruccio 2008 Rasch table in
the awell-score direction; raw 11 → 64.7 as in the awell-score code, evidence-report §4.2)."""
KOOS_PS_SOURCES: Final[tuple[str, ...]] = ("perruccio2008_koos_ps", "awell_score_koos_ps_table")

# Meaningful change (RULES.md §5; evidence-report §4.3)
NPRS_MINIMAL_IMPROVEMENT_POINTS: Final[float] = 1.0
NPRS_MINIMAL_IMPROVEMENT_PCT: Final[float] = 15.0
NPRS_MUCH_BETTER_POINTS: Final[float] = 2.0
NPRS_MUCH_BETTER_PCT: Final[float] = 33.0
"""NPRS: −1 point or −15 % = minimally important; −2 points or −33 % = much better."""
NPRS_CHANGE_SOURCES: Final[tuple[str, ...]] = ("salaffi2004",)

KOOS_MIC_NON_SURGICAL_KNEE_OA: Final[dict[str, float]] = {
    "pain": 11.3,
    "symptoms": 12.1,
    "adl": 10.2,
    "sport_rec": 15.5,
    "qol": 13.2,
}
"""KOOS minimal important change per subscale, non-surgical knee OA (PMID 41367621, 2025)."""
KOOS_MIC_SOURCES: Final[tuple[str, ...]] = ("koos_mic_2025",)

KOOS_MIC_PHYSIOTHERAPY_MOSTAFAEE: Final[dict[str, float]] = {
    "pain": 15.0,
    "symptoms": 12.5,
    "adl": 15.5,
    "sport_rec": 17.5,
    "qol": 12.5,
}
"""The alternative: KOOS MIC after 4 weeks of physiotherapy, Persian KOOS (Mostafaee 2021)."""
KOOS_MIC_MOSTAFAEE_SOURCES: Final[tuple[str, ...]] = ("mostafaee2021",)

KOOS_PS_MCID: Final[float] = 2.2
"""KOOS-PS minimal clinically important difference (PMC3943561)."""
KOOS_PS_MCID_SOURCES: Final[tuple[str, ...]] = ("koos_ps_mcid",)

TUG_MDC_S: Final[float] = 1.1
"""TUG minimal detectable change in knee OA, same rater: 1.10 s (BMC Musculoskelet Disord 2015)."""
TUG_MDC_SOURCES: Final[tuple[str, ...]] = ("tug_mdc_knee_oa",)

GAIT_SPEED_IMPORTANT_CHANGE_LOW_M_S: Final[float] = 0.07
GAIT_SPEED_IMPORTANT_CHANGE_HIGH_M_S: Final[float] = 0.12
"""Important difference in 20-m gait speed in knee OA: 0.07–0.12 m/s (Gilbert 2021)."""
GAIT_SPEED_CHANGE_SOURCES: Final[tuple[str, ...]] = ("gilbert2021",)

START_DURATION_MIN: Final[int] = 10
"""The starting dose's minutes of backward walking a session (Alghadir 2019, 10 min, 3 days
a week; the sessions a week are beside the prescription rule): here so the policy's floors
can be checked against it."""
