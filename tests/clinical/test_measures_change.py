"""Meaningful change (RULES.md §5): thresholds at their boundaries, monotone categories."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrowalk.clinical.errors import InvalidInputError
from retrowalk.clinical.measures import (
    CHANGE_BANDS,
    ChangeCategory,
    ChangeMeasure,
    KoosMicSource,
    change_bands,
    classify_change,
)
from retrowalk.clinical.measures.meaningful_change import CATEGORY_ORDER

C = ChangeCategory


@pytest.mark.parametrize(
    ("before", "after", "category"),
    [
        (6, 6, C.NO_MEANINGFUL_CHANGE),
        (8, 7.5, C.NO_MEANINGFUL_CHANGE),  # −0.5 point, −6 %
        (8, 7, C.BETTER),  # −1 point
        (3, 2.55, C.BETTER),  # −0.45 point but −15 %
        (8, 6, C.MUCH_BETTER),  # −2 points
        (3, 2, C.MUCH_BETTER),  # −1 point but −33.3 %
        (5, 6, C.WORSE),
    ],
)
def test_nprs_salaffi_thresholds(before: float, after: float, category: ChangeCategory) -> None:
    result = classify_change(ChangeMeasure.NPRS, before, after)
    assert result.category is category
    assert "salaffi2004" in result.reasons[0].sources
    assert result.reasons[0].extrapolation is (category is C.WORSE)


@pytest.mark.parametrize(
    ("measure", "mic"),
    [
        (ChangeMeasure.KOOS_PAIN, 11.3),
        (ChangeMeasure.KOOS_SYMPTOMS, 12.1),
        (ChangeMeasure.KOOS_ADL, 10.2),
        (ChangeMeasure.KOOS_SPORT_REC, 15.5),
        (ChangeMeasure.KOOS_QOL, 13.2),
    ],
)
def test_koos_mic_2025_per_subscale(measure: ChangeMeasure, mic: float) -> None:
    assert classify_change(measure, 50.0, 50.0 + mic).category is C.BETTER
    assert classify_change(measure, 50.0, 50.0 + mic - 0.1).category is C.NO_MEANINGFUL_CHANGE
    assert classify_change(measure, 50.0, 50.0 - mic).category is C.WORSE
    assert CHANGE_BANDS[measure].sources == ("koos_mic_2025",)


def test_mostafaee_is_the_documented_alternative() -> None:
    bands = change_bands(KoosMicSource.PHYSIOTHERAPY_MOSTAFAEE_2021)
    assert bands[ChangeMeasure.KOOS_PAIN].better_from == 15.0
    assert bands[ChangeMeasure.KOOS_PAIN].sources == ("mostafaee2021",)
    pain = ChangeMeasure.KOOS_PAIN
    assert classify_change(pain, 50, 62).category is C.BETTER
    alt = classify_change(pain, 50, 62, KoosMicSource.PHYSIOTHERAPY_MOSTAFAEE_2021)
    assert alt.category is C.NO_MEANINGFUL_CHANGE


def test_tug_change_must_exceed_1_1_s() -> None:
    assert classify_change(ChangeMeasure.TUG, 12.0, 10.9).category is C.NO_MEANINGFUL_CHANGE
    assert classify_change(ChangeMeasure.TUG, 12.0, 10.8).category is C.BETTER
    worse = classify_change(ChangeMeasure.TUG, 10.0, 11.2)
    assert worse.category is C.WORSE
    assert not worse.reasons[0].extrapolation  # the MDC holds both ways


@pytest.mark.parametrize(
    ("after", "category"),
    [(0.86, C.NO_MEANINGFUL_CHANGE), (0.87, C.POSSIBLY_BETTER), (0.92, C.BETTER)],
)
def test_gait_speed_gilbert_band(after: float, category: ChangeCategory) -> None:
    assert classify_change(ChangeMeasure.GAIT_SPEED, 0.80, after).category is category
    band = CHANGE_BANDS[ChangeMeasure.GAIT_SPEED]
    assert (band.possibly_better_from, band.better_from) == (0.07, 0.12)


def test_koos_ps_mcid() -> None:
    assert classify_change(ChangeMeasure.KOOS_PS, 60.0, 62.2).category is C.BETTER
    assert classify_change(ChangeMeasure.KOOS_PS, 60.0, 62.0).category is C.NO_MEANINGFUL_CHANGE


@pytest.mark.parametrize(
    ("measure", "before", "after", "field"),
    [
        (ChangeMeasure.NPRS, 11, 3, "before"),
        (ChangeMeasure.NPRS, 3, -1, "after"),
        (ChangeMeasure.KOOS_PAIN, 50, 100.5, "after"),
        (ChangeMeasure.TUG, float("nan"), 10, "before"),
        (ChangeMeasure.GAIT_SPEED, True, 1.0, "before"),
    ],
)
def test_out_of_range_values_are_refused(
    measure: ChangeMeasure, before: float, after: float, field: str
) -> None:
    with pytest.raises(InvalidInputError) as info:
        classify_change(measure, before, after)
    assert info.value.field == field


def test_unknown_measure_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="measure"):
        classify_change("womac", 1, 2)  # type: ignore[arg-type]


@given(st.sampled_from(ChangeMeasure), st.data())
def test_categories_are_monotone_in_the_after_value(
    measure: ChangeMeasure, data: st.DataObject
) -> None:
    band = CHANGE_BANDS[measure]
    values = st.floats(
        band.value_min,
        min(band.value_max, 60.0 if measure is ChangeMeasure.TUG else band.value_max),
    )
    before = data.draw(values)
    a, b = sorted((data.draw(values), data.draw(values)))
    rank_a = CATEGORY_ORDER.index(classify_change(measure, before, a).category)
    rank_b = CATEGORY_ORDER.index(classify_change(measure, before, b).category)
    if band.higher_is_better:
        assert rank_a <= rank_b
    else:
        assert rank_a >= rank_b
