"""The progress charts keep the order things happened in (found by the outside-in test: two
sessions of one day, pain 3 then 0, were drawn and summed up as "first 0/10, latest 3/10",
with the meaningful-change band around the wrong first value)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from retrowalk.present.charts import Series, line_chart
from retrowalk.present.days import date_words

DAY0 = date(2026, 11, 2)


def _series(points: list[tuple[date, float]]) -> Series:
    return Series(title="Pain", unit="/10", points=points, y_min=0, y_max=10)


def _polyline(svg: str) -> list[tuple[float, float]]:
    match = re.search(r'<polyline class="line" points="([^"]+)"', svg)
    assert match
    return [(float(x), float(y)) for x, y in (p.split(",") for p in match.group(1).split())]


def test_two_sessions_of_one_day_keep_their_order() -> None:
    svg = str(line_chart(_series([(DAY0, 3.0), (DAY0, 0.0)])))
    assert "first 3 /10, latest 0 /10" in svg
    (_, y_first), (_, y_latest) = _polyline(svg)
    assert y_first < y_latest, "3 is drawn above 0, and first"


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 10).map(float)), min_size=1, max_size=30)
)
def test_the_summary_names_the_first_and_latest_in_time_order(
    offsets_values: list[tuple[int, float]],
) -> None:
    """Points given in the order they happened (the callers sort by day and time walked)."""
    points = sorted(((DAY0 + timedelta(days=d), v) for d, v in offsets_values), key=lambda p: p[0])
    svg = str(line_chart(_series(points)))
    first, latest = points[0][1], points[-1][1]
    assert f"first {first:g} /10, latest {latest:g} /10" in svg
    assert f"from {date_words(points[0][0])} to {date_words(points[-1][0])}" in svg
    assert len(_polyline(svg)) == len(points)
    assert not re.search(r">0\d [A-Z][a-z]{2}<", svg), "axis days without a leading zero"


def test_an_empty_chart_says_none_in_this_period_not_none_yet() -> None:
    """Older records may lie before the period: "yet" would say there were never any."""
    assert str(line_chart(_series([]))) == '<p class="chart-empty">No pain in this period.</p>'
