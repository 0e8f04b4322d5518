"""Progress charts as inline SVG, rendered on the server.

No chart library and no JavaScript: a walker on an old phone sees the picture, and a
screen reader gets the ``<title>``/``<desc>`` plus the table the template prints beside
it. The shaded band is the meaningful-change band around the first value: a later point
outside it has changed by at least the minimal important amount.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

from retrowalk.present.days import date_words

WIDTH = 400
HEIGHT = 240
PAD_LEFT = 44
PAD_RIGHT = 16
PAD_TOP = 16
PAD_BOTTOM = 40


@dataclass(frozen=True)
class Band:
    """A horizontal band [low, high] and the sentence that explains it."""

    low: float
    high: float
    label: str


@dataclass(frozen=True)
class Series:
    """One measure over time, e.g. pain during sessions (NPRS 0–10)."""

    title: str
    unit: str
    points: Sequence[tuple[date, float]]
    y_min: float
    y_max: float
    band: Band | None = None
    better: str = ""
    """Which direction is better, in words ("lower is better")."""


def _fmt(value: float) -> str:
    return f"{value:g}" if abs(value) >= 1 or value == 0 else f"{value:.2f}"


def line_chart(series: Series) -> Markup:
    """An accessible SVG line chart of ``series`` (empty-state text when it has no points)."""
    if not series.points:
        # "in this period", not "yet": older records may lie before it (found by the
        # outside-in test: "recorded yet" for a walker with 15 sessions before the 12 weeks).
        return Markup('<p class="chart-empty">No {} in this period.</p>').format(
            series.title.lower()
        )
    # By day only, and stable: two sessions of one day keep the order they were walked in (a
    # sort of the (day, value) pairs put 0 before 3 and called the later 0 the "first").
    points = sorted(series.points, key=lambda point: point[0])
    y_lo = min([series.y_min, *(v for _, v in points)])
    y_hi = max([series.y_max, *(v for _, v in points)])
    if series.band is not None:
        y_lo = min(y_lo, series.band.low)
        y_hi = max(y_hi, series.band.high)
    if y_hi == y_lo:
        y_hi = y_lo + 1
    first_day = points[0][0].toordinal()
    span_days = max(1, points[-1][0].toordinal() - first_day)
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(day: date) -> float:
        if len(points) == 1:
            return PAD_LEFT + plot_w / 2
        return PAD_LEFT + plot_w * (day.toordinal() - first_day) / span_days

    def y(value: float) -> float:
        return PAD_TOP + plot_h * (1 - (value - y_lo) / (y_hi - y_lo))

    title = escape(series.title)
    desc = escape(
        f"{len(points)} values from {date_words(points[0][0])} to {date_words(points[-1][0])}; "
        f"first {_fmt(points[0][1])} {series.unit}, latest {_fmt(points[-1][1])} {series.unit}."
        + (f" {series.band.label}" if series.band else "")
        + (f" {series.better.capitalize()}." if series.better else "")
    )
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="t-{id(series)} d-{id(series)}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="t-{id(series)}">{title}</title>',
        f'<desc id="d-{id(series)}">{desc}</desc>',
    ]
    if series.band is not None:
        top = y(series.band.high)
        parts.append(
            f'<rect class="band" x="{PAD_LEFT}" y="{top:.1f}" width="{plot_w}" '
            f'height="{y(series.band.low) - top:.1f}"/>'
        )
    for tick in _ticks(y_lo, y_hi):
        ty = y(tick)
        parts.append(
            f'<line class="grid" x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" '
            f'y1="{ty:.1f}" y2="{ty:.1f}"/>'
            f'<text class="tick" x="{PAD_LEFT - 6}" y="{ty + 5:.1f}" '
            f'text-anchor="end">{_fmt(tick)}</text>'
        )
    first_tick = _tick_day(points[0][0])
    parts.append(f'<text class="tick" x="{PAD_LEFT}" y="{HEIGHT - 12}">{first_tick}</text>')
    if len(points) > 1:
        parts.append(
            f'<text class="tick" x="{WIDTH - PAD_RIGHT}" y="{HEIGHT - 12}" '
            f'text-anchor="end">{_tick_day(points[-1][0])}</text>'
        )
    path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
    parts.append(f'<polyline class="line" points="{path}"/>')
    for d, v in points:
        parts.append(
            f'<circle class="dot" cx="{x(d):.1f}" cy="{y(v):.1f}" r="5">'
            f"<title>{d.isoformat()}: {escape(_fmt(v))} {escape(series.unit)}</title></circle>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _tick_day(day: date) -> str:
    """An axis label: ``2 Dec`` (never ``02 Dec``)."""
    return f"{day.day} {day:%b}"


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """About ``count`` evenly spaced round values between lo and hi."""
    raw = (hi - lo) / (count - 1)
    magnitude = 10 ** _floor_log10(raw)
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = step * _ceil_div(lo, step)
    ticks: list[float] = []
    value = start
    while value <= hi + 1e-9:
        ticks.append(round(value, 6))
        value += step
    return ticks


def _floor_log10(value: float) -> int:
    import math

    return math.floor(math.log10(value)) if value > 0 else 0


def _ceil_div(value: float, step: float) -> int:
    import math

    return math.ceil(value / step - 1e-9)
