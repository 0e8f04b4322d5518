"""KOOS-12, the 12-item short form of the KOOS (Gandek 2019).

Three 4-item scales, items taken from the full KOOS (so a full KOOS can be scored as KOOS-12):
Pain — P1 (how often), P5 (walking on a flat surface), P6 (going up or down stairs), P8
(sitting or lying); Function — A4 (standing), A3 (rising from sitting), A7 (getting in/out of
a car), SP4 (twisting/pivoting on the knee); QOL — Q1–Q4. Each scale needs ≥ 2 of 4 items; a
missing item takes the person's mean of the answered items, which makes the scale
100 − mean(answered) × 25. The summary Knee Impact score is the mean of the three scales, and
``None`` unless all three are computable (averaging two scales would be another measure).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from statistics import fmean
from typing import Final

from pydantic import BaseModel, ConfigDict

from retrowalk.clinical.measures.koos import transform, validate_responses
from retrowalk.clinical.norms import KOOS12_MIN_ANSWERED_PER_SCALE, KOOS12_SOURCES
from retrowalk.clinical.reasons import Reason


class Koos12Scale(StrEnum):
    PAIN = "pain"
    FUNCTION = "function"
    QOL = "qol"


KOOS12_ITEMS: Final[Mapping[Koos12Scale, tuple[str, ...]]] = {
    Koos12Scale.PAIN: ("P1", "P5", "P6", "P8"),
    Koos12Scale.FUNCTION: ("A4", "A3", "A7", "SP4"),
    Koos12Scale.QOL: ("Q1", "Q2", "Q3", "Q4"),
}
"""KOOS item codes of each KOOS-12 scale (Gandek 2019; wording checked against KOOS items)."""


class Koos12Scores(BaseModel):
    """The KOOS-12 scale scores and summary, 0–100 (100 = best); ``None`` when not computable."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pain: float | None
    function: float | None
    qol: float | None
    summary: float | None
    reasons: tuple[Reason, ...]


def score_koos12(responses: Mapping[str, object]) -> Koos12Scores:
    """Score KOOS-12 from KOOS item codes; items outside KOOS-12 are checked, then ignored.

    Sources: gandek2019_koos12.
    """
    answered = validate_responses(responses)
    scores: dict[Koos12Scale, float | None] = {}
    reasons: list[Reason] = []
    for scale, items in KOOS12_ITEMS.items():
        values = [answered[code] for code in items if code in answered]
        if len(values) < KOOS12_MIN_ANSWERED_PER_SCALE:
            scores[scale] = None
            reasons.append(
                Reason(
                    code=f"koos12.{scale.value}.not_computable",
                    message=(
                        f"KOOS-12 {scale.value}: {len(values)} of {len(items)} items answered; "
                        f"at least {KOOS12_MIN_ANSWERED_PER_SCALE} are needed, so no score."
                    ),
                    sources=KOOS12_SOURCES,
                )
            )
            continue
        score = transform(values)
        scores[scale] = score
        imputed = len(items) - len(values)
        note = f", {imputed} missing item(s) given the mean of the answered ones" if imputed else ""
        reasons.append(
            Reason(
                code=f"koos12.{scale.value}",
                message=f"KOOS-12 {scale.value}: {score:.1f} of 100 (100 = best){note}.",
                sources=KOOS12_SOURCES,
            )
        )
    parts = [scores[scale] for scale in Koos12Scale]
    summary: float | None = None
    if all(part is not None for part in parts):
        summary = fmean(part for part in parts if part is not None)
        reasons.append(
            Reason(
                code="koos12.summary",
                message=f"KOOS-12 summary (mean of pain, function and QOL): {summary:.1f}.",
                sources=KOOS12_SOURCES,
            )
        )
    else:
        reasons.append(
            Reason(
                code="koos12.summary.not_computable",
                message="KOOS-12 summary needs all three scales; at least one has no score.",
                sources=KOOS12_SOURCES,
            )
        )
    return Koos12Scores(
        pain=scores[Koos12Scale.PAIN],
        function=scores[Koos12Scale.FUNCTION],
        qol=scores[Koos12Scale.QOL],
        summary=summary,
        reasons=tuple(reasons),
    )
