"""The pain-monitoring model (RULES.md §3): its thresholds, the walker's usual level, and when
next-morning pain makes a rest day.

The thresholds come from the pain-monitoring model (Silbernagel 2007), validated in Achilles
tendinopathy, not the knee: every reason derived from it is an extrapolation. The usual level
and the rest-day numbers are **policy** (``PolicyConfig``).
"""

from __future__ import annotations

import statistics
from typing import Final

from retrowalk.clinical.norms import NPRS_MAX
from retrowalk.clinical.policy import DEFAULT_POLICY, PolicyConfig
from retrowalk.clinical.reasons import THE_WALKERS, Reason

PAIN_SAFE_MAX_NPRS: Final[int] = 2
"""Pain during exercise 0–2 of 10 is 'safe' (pain-monitoring model, RULES.md §3). Note:
evidence-report §3.1 quotes a secondary summary with 0–3 'safe' / 4–5 'acceptable' (the
original figure was not retrieved); RULES.md is normative, so the stricter 0–2 is used."""


PAIN_ACCEPTABLE_MAX_NPRS: Final[int] = 5
"""Pain during exercise 3–5 is 'acceptable'; above 5 is not acceptable (RULES.md §3)."""


PAIN_MODEL_SOURCES: Final[tuple[str, ...]] = ("silbernagel2007", "silbernagel2015")


def usual_level(values: tuple[int, ...] | list[int]) -> float | None:
    """The usual level of a 0–10 rating: the median of ``values`` (None when there are none).

    A median, so that one bad day (or a good one) cannot move it much (**policy**, RULES.md §3
    amendments)."""
    if not values:
        return None
    return float(statistics.median(values))


def lowest_rest_day_pain_nprs(policy: PolicyConfig = DEFAULT_POLICY) -> int:
    """The lowest next-morning pain that :func:`is_rest_day` can call a rest day: a rise of
    ``rest_day_rise_above_usual_nprs`` over a usual level of 0 or more is at least that much.
    Storage reads only the check-ins from this level up (no lower pain can set a rest day)."""
    return min(policy.rest_day_pain_from_nprs, policy.rest_day_rise_above_usual_nprs)


def is_rest_day(
    morning_pain_nprs: int, usual_pain_nprs: float | None, policy: PolicyConfig = DEFAULT_POLICY
) -> Reason | None:
    """The rest-day reason when next-morning pain calls for one (**policy**, RULES.md §3
    amendments), else None: pain at or above ``rest_day_pain_from_nprs``, or at least
    ``rest_day_rise_above_usual_nprs`` above the usual level."""
    high = morning_pain_nprs >= policy.rest_day_pain_from_nprs
    rise = (
        usual_pain_nprs is not None
        and morning_pain_nprs >= usual_pain_nprs + policy.rest_day_rise_above_usual_nprs
    )
    if not (high or rise):
        return None
    usual = f"{usual_pain_nprs:g}/{NPRS_MAX}" if usual_pain_nprs is not None else "not known yet"
    pain = f"{morning_pain_nprs}/{NPRS_MAX}"
    why = (
        f"at or above {policy.rest_day_pain_from_nprs}/{NPRS_MAX}"
        if high
        else f"{policy.rest_day_rise_above_usual_nprs} or more points above {{whose}} usual level"
    )
    return Reason(
        code="progression.rest_day",
        message=(
            f"Knee pain at your morning check-in was {pain}, {why.format(whose='your')} (your "
            f"usual level is {usual}): rest from backward walking until your clinician says you "
            "may. Please do not walk backward, and contact your clinician: they will decide "
            "when you start again."
        ),
        clinician_message=(
            f"Knee pain at the morning check-in was {pain}, "
            f"{why.format(whose=THE_WALKERS)} (the walker's usual level is {usual}): a rest "
            "day, no backward walking until a clinician clears it; the walker was asked to "
            "contact her clinician."
        ),
        sources=PAIN_MODEL_SOURCES,
        policy=True,
        extrapolation=True,
    )
