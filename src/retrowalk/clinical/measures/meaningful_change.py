"""Meaningful change between two measurements (RULES.md §5; evidence-report §4.3).

One function, :func:`classify_change`, takes a measure, a before and an after value and returns
the category with its reason; :data:`CHANGE_BANDS` holds each band's numbers as data so charts
can draw them. The published thresholds are for **improvement**; the same size of change in
the other direction is called "worse" here as an **extrapolation** (labelled so), except for
TUG, whose threshold is a measurement error (MDC) and so holds both ways.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict

from retrowalk.clinical.errors import InvalidInputError
from retrowalk.clinical.fall_risk import TEST_TIME_MAX_S
from retrowalk.clinical.norms import (
    GAIT_SPEED_CHANGE_SOURCES,
    GAIT_SPEED_IMPORTANT_CHANGE_HIGH_M_S,
    GAIT_SPEED_IMPORTANT_CHANGE_LOW_M_S,
    KOOS_MIC_MOSTAFAEE_SOURCES,
    KOOS_MIC_NON_SURGICAL_KNEE_OA,
    KOOS_MIC_PHYSIOTHERAPY_MOSTAFAEE,
    KOOS_MIC_SOURCES,
    KOOS_PS_MCID,
    KOOS_PS_MCID_SOURCES,
    NPRS_CHANGE_SOURCES,
    NPRS_MAX,
    NPRS_MINIMAL_IMPROVEMENT_PCT,
    NPRS_MINIMAL_IMPROVEMENT_POINTS,
    NPRS_MUCH_BETTER_PCT,
    NPRS_MUCH_BETTER_POINTS,
    TUG_MDC_S,
    TUG_MDC_SOURCES,
)
from retrowalk.clinical.reasons import Reason

GAIT_SPEED_MAX_M_S: Final[float] = 3.0
"""Input limit, not a clinical threshold: a walking speed above 3 m/s is a typing error."""


class ChangeMeasure(StrEnum):
    NPRS = "nprs"
    KOOS_PAIN = "koos_pain"
    KOOS_SYMPTOMS = "koos_symptoms"
    KOOS_ADL = "koos_adl"
    KOOS_SPORT_REC = "koos_sport_rec"
    KOOS_QOL = "koos_qol"
    KOOS_PS = "koos_ps"
    TUG = "tug"
    GAIT_SPEED = "gait_speed"


class ChangeCategory(StrEnum):
    """Ordered from worst to best (see :data:`CATEGORY_ORDER`)."""

    WORSE = "worse"
    POSSIBLY_WORSE = "possibly_worse"
    NO_MEANINGFUL_CHANGE = "no_meaningful_change"
    POSSIBLY_BETTER = "possibly_better"
    """Gait speed only: within the published 0.07–0.12 m/s range of important differences."""
    BETTER = "better"
    MUCH_BETTER = "much_better"
    """NPRS only: −2 points or −33 % (Salaffi 2004)."""


CATEGORY_ORDER: Final[tuple[ChangeCategory, ...]] = tuple(ChangeCategory)


class KoosMicSource(StrEnum):
    """Which published KOOS minimal important change to use."""

    NON_SURGICAL_KNEE_OA_2025 = "koos_mic_2025"
    """Default: mild–moderate knee OA, non-surgical RCT, 4-month follow-up."""
    PHYSIOTHERAPY_MOSTAFAEE_2021 = "mostafaee2021"
    """Alternative: 4 weeks of physiotherapy, Persian KOOS."""


class ChangeBand(BaseModel):
    """The numbers of one measure's meaningful-change band, for rules and charts.

    ``better_from`` is the size of improvement that counts (in ``unit``); ``much_better_from``
    (NPRS) and ``possibly_better_from`` (gait speed) are set only where a source gives them;
    ``*_pct`` are the relative NPRS thresholds (percent of the before value).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    measure: ChangeMeasure
    unit: str
    higher_is_better: bool
    better_from: float
    strictly_more: bool
    """True when the change must EXCEED ``better_from`` (TUG: "> 1.1 s")."""
    much_better_from: float | None = None
    possibly_better_from: float | None = None
    better_from_pct: float | None = None
    much_better_from_pct: float | None = None
    worse_is_extrapolation: bool
    value_min: float
    value_max: float
    sources: tuple[str, ...]


def _koos_band(measure: ChangeMeasure, mic: float, sources: tuple[str, ...]) -> ChangeBand:
    return ChangeBand(
        measure=measure,
        unit="points",
        higher_is_better=True,
        better_from=mic,
        strictly_more=False,
        worse_is_extrapolation=True,
        value_min=0.0,
        value_max=100.0,
        sources=sources,
    )


_KOOS_MEASURES: Final[Mapping[str, ChangeMeasure]] = {
    "pain": ChangeMeasure.KOOS_PAIN,
    "symptoms": ChangeMeasure.KOOS_SYMPTOMS,
    "adl": ChangeMeasure.KOOS_ADL,
    "sport_rec": ChangeMeasure.KOOS_SPORT_REC,
    "qol": ChangeMeasure.KOOS_QOL,
}


def change_bands(
    koos_mic: KoosMicSource = KoosMicSource.NON_SURGICAL_KNEE_OA_2025,
) -> Mapping[ChangeMeasure, ChangeBand]:
    """Every measure's band; KOOS subscales use the chosen published MIC."""
    mics, koos_sources = (
        (KOOS_MIC_NON_SURGICAL_KNEE_OA, KOOS_MIC_SOURCES)
        if koos_mic is KoosMicSource.NON_SURGICAL_KNEE_OA_2025
        else (KOOS_MIC_PHYSIOTHERAPY_MOSTAFAEE, KOOS_MIC_MOSTAFAEE_SOURCES)
    )
    bands: dict[ChangeMeasure, ChangeBand] = {
        ChangeMeasure.NPRS: ChangeBand(
            measure=ChangeMeasure.NPRS,
            unit="points (0–10)",
            higher_is_better=False,
            better_from=NPRS_MINIMAL_IMPROVEMENT_POINTS,
            strictly_more=False,
            much_better_from=NPRS_MUCH_BETTER_POINTS,
            better_from_pct=NPRS_MINIMAL_IMPROVEMENT_PCT,
            much_better_from_pct=NPRS_MUCH_BETTER_PCT,
            worse_is_extrapolation=True,
            value_min=0.0,
            value_max=float(NPRS_MAX),
            sources=NPRS_CHANGE_SOURCES,
        ),
        ChangeMeasure.KOOS_PS: _koos_band(
            ChangeMeasure.KOOS_PS, KOOS_PS_MCID, KOOS_PS_MCID_SOURCES
        ),
        ChangeMeasure.TUG: ChangeBand(
            measure=ChangeMeasure.TUG,
            unit="s",
            higher_is_better=False,
            better_from=TUG_MDC_S,
            strictly_more=True,
            worse_is_extrapolation=False,
            value_min=0.0,
            value_max=TEST_TIME_MAX_S,
            sources=TUG_MDC_SOURCES,
        ),
        ChangeMeasure.GAIT_SPEED: ChangeBand(
            measure=ChangeMeasure.GAIT_SPEED,
            unit="m/s",
            higher_is_better=True,
            better_from=GAIT_SPEED_IMPORTANT_CHANGE_HIGH_M_S,
            strictly_more=False,
            possibly_better_from=GAIT_SPEED_IMPORTANT_CHANGE_LOW_M_S,
            worse_is_extrapolation=True,
            value_min=0.0,
            value_max=GAIT_SPEED_MAX_M_S,
            sources=GAIT_SPEED_CHANGE_SOURCES,
        ),
    }
    for subscale, measure in _KOOS_MEASURES.items():
        bands[measure] = _koos_band(measure, mics[subscale], koos_sources)
    return bands


CHANGE_BANDS: Final[Mapping[ChangeMeasure, ChangeBand]] = change_bands()
"""The default bands (KOOS: the 2025 non-surgical knee-OA MIC)."""


class ChangeResult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    measure: ChangeMeasure
    before: float
    after: float
    improvement: float
    """How much better, in the measure's unit (negative = worse)."""
    category: ChangeCategory
    band: ChangeBand
    reasons: tuple[Reason, ...]


def _check_value(band: ChangeBand, field: str, value: object) -> float:
    allowed = f"a number from {band.value_min:g} to {band.value_max:g} ({band.unit})"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError(field, value, allowed)
    if not math.isfinite(value) or not band.value_min <= value <= band.value_max:
        raise InvalidInputError(field, value, allowed)
    return float(value)


def _reaches(size: float, threshold: float, strictly: bool) -> bool:
    # A tiny tolerance so that 4.0 − 3.0 style float noise does not move a boundary.
    eps = 1e-9
    return size > threshold + eps if strictly else size >= threshold - eps


def _category(band: ChangeBand, before: float, improvement: float) -> ChangeCategory:
    size = abs(improvement)
    pct = size / before * 100.0 if band.better_from_pct is not None and before > 0 else None
    direction_better = improvement > 0

    def reaches(points: float | None, pct_threshold: float | None) -> bool:
        by_points = points is not None and _reaches(size, points, band.strictly_more)
        by_pct = pct is not None and pct_threshold is not None and pct >= pct_threshold - 1e-9
        return by_points or by_pct

    if size == 0:
        return ChangeCategory.NO_MEANINGFUL_CHANGE
    if direction_better:
        if band.much_better_from is not None and reaches(
            band.much_better_from, band.much_better_from_pct
        ):
            return ChangeCategory.MUCH_BETTER
        if reaches(band.better_from, band.better_from_pct):
            return ChangeCategory.BETTER
        if band.possibly_better_from is not None and reaches(band.possibly_better_from, None):
            return ChangeCategory.POSSIBLY_BETTER
        return ChangeCategory.NO_MEANINGFUL_CHANGE
    # Worse: the same absolute thresholds (percent of the before value for NPRS).
    if reaches(band.better_from, band.better_from_pct):
        return ChangeCategory.WORSE
    if band.possibly_better_from is not None and reaches(band.possibly_better_from, None):
        return ChangeCategory.POSSIBLY_WORSE
    return ChangeCategory.NO_MEANINGFUL_CHANGE


def classify_change(
    measure: ChangeMeasure,
    before: float,
    after: float,
    koos_mic: KoosMicSource = KoosMicSource.NON_SURGICAL_KNEE_OA_2025,
) -> ChangeResult:
    """Is the change from ``before`` to ``after`` meaningful? Returns the category and reason.

    Sources: salaffi2004, koos_mic_2025 (or mostafaee2021), koos_ps_mcid, tug_mdc_knee_oa,
    gilbert2021.
    """
    if not isinstance(measure, ChangeMeasure):
        allowed = ", ".join(m.value for m in ChangeMeasure)
        raise InvalidInputError("measure", measure, f"one of {allowed}")
    band = change_bands(koos_mic)[measure]
    before_v = _check_value(band, "before", before)
    after_v = _check_value(band, "after", after)
    improvement = after_v - before_v if band.higher_is_better else before_v - after_v
    category = _category(band, before_v, improvement)

    threshold = f"{band.better_from:g} {band.unit}"
    if band.better_from_pct is not None:
        threshold += f" or {band.better_from_pct:g} %"
    if band.much_better_from is not None:
        threshold += f"; much better from {band.much_better_from:g}"
        if band.much_better_from_pct is not None:
            threshold += f" or {band.much_better_from_pct:g} %"
    if band.possibly_better_from is not None:
        threshold = (
            f"{band.possibly_better_from:g}–{band.better_from:g} {band.unit} "
            "(published range of important change)"
        )
    words = category.value.replace("_", " ")
    worse = category in (ChangeCategory.WORSE, ChangeCategory.POSSIBLY_WORSE)
    extrapolated = worse and band.worse_is_extrapolation
    note = (
        " The published threshold is for improvement; using it for worsening is an extrapolation."
        if extrapolated
        else ""
    )
    reason = Reason(
        code=f"change.{measure.value}.{category.value}",
        message=(
            f"{measure.value}: {before_v:g} → {after_v:g} ({improvement:+.2f} {band.unit} "
            f"improvement; meaningful from {threshold}): {words}.{note}"
        ),
        sources=band.sources,
        extrapolation=extrapolated,
    )
    return ChangeResult(
        measure=measure,
        before=before_v,
        after=after_v,
        improvement=improvement,
        category=category,
        band=band,
        reasons=(reason,),
    )
