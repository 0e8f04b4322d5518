"""KOOS-PS, the KOOS physical-function short form (Perruccio 2008).

7 KOOS items — rising from bed (A10), putting on socks (A9), rising from sitting (A3),
bending to floor (A5), twisting/pivoting (SP4), kneeling (SP5), squatting (SP1) — summed to a
raw 0–28 and converted with the published Rasch table to 0–100, 100 = no difficulty (the
awell-score direction; table in :mod:`retrowalk.clinical.norms`).

Missing items: no published imputation rule was found; awell-score's KOOS-PS requires every
item ("Each question must have a response"), so all 7 are required here and the score is
``None`` (with a reason naming the missing items) otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from pydantic import BaseModel, ConfigDict

from retrowalk.clinical.measures.koos import validate_responses
from retrowalk.clinical.norms import KOOS_PS_RAW_TO_SCORE, KOOS_PS_SOURCES
from retrowalk.clinical.reasons import Reason

KOOS_PS_ITEMS: Final[tuple[str, ...]] = ("A10", "A9", "A3", "A5", "SP4", "SP5", "SP1")
"""KOOS item codes of the KOOS-PS, in the order of Perruccio 2008."""


class KoosPsScore(BaseModel):
    """KOOS-PS score 0–100 (100 = no difficulty) and raw sum; ``None`` unless all 7 answered."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    score: float | None
    raw_sum: int | None
    missing_items: tuple[str, ...]
    reasons: tuple[Reason, ...]


def koos_ps_from_raw(raw_sum: int) -> float:
    """The table score of a raw sum 0–28 (the sum is computed from validated items)."""
    return KOOS_PS_RAW_TO_SCORE[raw_sum]


def score_koos_ps(responses: Mapping[str, object]) -> KoosPsScore:
    """Score KOOS-PS from KOOS item codes; other KOOS items are checked, then ignored.

    Sources: perruccio2008_koos_ps, awell_score_koos_ps_table.
    """
    answered = validate_responses(responses)
    missing = tuple(code for code in KOOS_PS_ITEMS if code not in answered)
    if missing:
        return KoosPsScore(
            score=None,
            raw_sum=None,
            missing_items=missing,
            reasons=(
                Reason(
                    code="koos_ps.not_computable",
                    message=(
                        f"KOOS-PS needs all 7 items; missing: {', '.join(missing)}. No published "
                        "rule for missing KOOS-PS items was found, so no score."
                    ),
                    sources=KOOS_PS_SOURCES,
                ),
            ),
        )
    raw = sum(answered[code] for code in KOOS_PS_ITEMS)
    score = koos_ps_from_raw(raw)
    return KoosPsScore(
        score=score,
        raw_sum=raw,
        missing_items=(),
        reasons=(
            Reason(
                code="koos_ps",
                message=f"KOOS-PS raw sum {raw} of 28 → {score:g} of 100 (100 = no difficulty).",
                sources=KOOS_PS_SOURCES,
            ),
        ),
    )
