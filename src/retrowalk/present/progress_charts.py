"""The progress charts of one walker: pain, minutes, speed and KOOS, with their bands.

The band on each chart is the meaningful-change band of ``retrowalk.clinical.measures``
drawn around the walker's first value: points outside it have changed by at least the
published minimal important amount. Where the published number comes from another group
(forward gait speed), the chart says it is extrapolated.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from retrowalk.clinical.measures.koos import SUBSCALE_LABELS, KoosSubscale
from retrowalk.clinical.measures.meaningful_change import CHANGE_BANDS, ChangeMeasure
from retrowalk.clinical.norms import KM_H_PER_M_S, NPRS_MAX
from retrowalk.clinical.prescription import (
    CEILING_SOURCES,
    MAX_DURATION_MIN,
    START_DOSE_SOURCES,
    START_DURATION_MIN,
)
from retrowalk.present.charts import Band, Series, line_chart
from retrowalk.present.numbers import source_label
from retrowalk.services.schemas import HistoryOut

_KOOS_MEASURE = {
    KoosSubscale.PAIN: ChangeMeasure.KOOS_PAIN,
    KoosSubscale.SYMPTOMS: ChangeMeasure.KOOS_SYMPTOMS,
    KoosSubscale.ADL: ChangeMeasure.KOOS_ADL,
    KoosSubscale.SPORT_REC: ChangeMeasure.KOOS_SPORT_REC,
    KoosSubscale.QOL: ChangeMeasure.KOOS_QOL,
}


@dataclass(frozen=True)
class Chart:
    key: str
    series: Series
    svg: Markup
    note: str
    extrapolated: bool = False


def _band_around(first: float, size: float, label: str) -> Band:
    return Band(low=first - size, high=first + size, label=label)


def _chart(key: str, series: Series, note: str, extrapolated: bool = False) -> Chart:
    return Chart(
        key=key, series=series, svg=line_chart(series), note=note, extrapolated=extrapolated
    )


def progress_charts(record: HistoryOut) -> list[Chart]:
    """Every chart the progress pages show, in a fixed order."""
    sessions = sorted(record.sessions, key=lambda s: (s.local_date, s.performed_at, s.id))
    charts: list[Chart] = []

    nprs = CHANGE_BANDS[ChangeMeasure.NPRS]
    pain_points = [(s.local_date, float(s.pain_peak_nprs)) for s in sessions]
    pain_note = (
        f"Shaded: within {nprs.better_from:g} point of the first session's pain. A drop of "
        f"{nprs.better_from:g} point (or {nprs.better_from_pct:g} %) is the smallest change "
        f"people notice; {nprs.much_better_from:g} points (or {nprs.much_better_from_pct:g} %) "
        f"feels much better ({'; '.join(source_label(s) for s in nprs.sources)})."
    )
    charts.append(
        _chart(
            "pain",
            Series(
                title=f"Pain during sessions (highest, 0–{NPRS_MAX})",
                unit=f"/{NPRS_MAX}",
                points=pain_points,
                y_min=0,
                y_max=NPRS_MAX,
                band=_band_around(pain_points[0][1], nprs.better_from, pain_note)
                if pain_points
                else None,
                better="lower is better",
            ),
            pain_note,
        )
    )
    morning = sorted(record.checkins, key=lambda c: (c.local_date, c.id))
    morning_points = [(c.local_date, float(c.pain_nprs)) for c in morning]
    charts.append(
        _chart(
            "morning_pain",
            Series(
                title=f"Pain the next morning (0–{NPRS_MAX})",
                unit=f"/{NPRS_MAX}",
                points=morning_points,
                y_min=0,
                y_max=NPRS_MAX,
                band=_band_around(morning_points[0][1], nprs.better_from, pain_note)
                if morning_points
                else None,
                better="lower is better",
            ),
            "Next-morning pain should be back to where it was before the session.",
        )
    )
    charts.append(
        _chart(
            "minutes",
            Series(
                title="Minutes of backward walking per session",
                unit="min",
                points=[(s.local_date, float(s.duration_min)) for s in sessions],
                y_min=0,
                y_max=max([MAX_DURATION_MIN, *(float(s.duration_min) for s in sessions)]),
            ),
            f"Trials used {START_DURATION_MIN} minutes at the start "
            f"({'; '.join(source_label(s) for s in START_DOSE_SOURCES)}) and up to "
            f"{MAX_DURATION_MIN} minutes a session "
            f"({'; '.join(source_label(s) for s in CEILING_SOURCES)}).",
        )
    )
    gait = CHANGE_BANDS[ChangeMeasure.GAIT_SPEED]
    speed_points = [
        (s.local_date, float(s.speed_m_s)) for s in sessions if s.speed_m_s and s.duration_min > 0
    ]
    step = gait.possibly_better_from or gait.better_from
    # in words, never a formula (found by the outside-in test: "× 3.6 = km/h")
    latest = speed_points[-1][1] if speed_points else None
    km_h = (
        f"The latest, {latest:.2f} m/s, is {latest * KM_H_PER_M_S:.1f} km/h on a treadmill's "
        "display. "
        if latest is not None
        else f"A treadmill shows km/h: 1 m/s is {KM_H_PER_M_S:g} km/h. "
    )
    speed_note = (
        f"Speeds in metres a second (m/s). {km_h}"
        f"Shaded: within {step:g} m/s of the first speed. {step:g}–{gait.better_from:g} m/s is "
        "an important change in walking speed for knee osteoarthritis, measured walking "
        f"forwards ({'; '.join(source_label(s) for s in gait.sources)}); we use it for walking "
        "backwards too."
    )
    charts.append(
        _chart(
            "speed",
            Series(
                title="Backward walking speed",
                unit="m/s",
                points=speed_points,
                y_min=0,
                y_max=1,
                band=_band_around(speed_points[0][1], step, speed_note) if speed_points else None,
                better="higher is better",
            ),
            speed_note,
            extrapolated=True,
        )
    )
    assessments = sorted(record.assessments, key=lambda a: (a.local_date, a.id))
    for subscale in KoosSubscale:
        points = [
            (a.local_date, float(a.scores["koos"][subscale.value]))
            for a in assessments
            if isinstance(a.scores.get("koos"), dict)
            and a.scores["koos"].get(subscale.value) is not None
        ]
        if not points:
            continue
        band = CHANGE_BANDS[_KOOS_MEASURE[subscale]]
        note = (
            f"Shaded: within {band.better_from:g} points of the first score; a change of "
            f"{band.better_from:g} points or more is meaningful in knee osteoarthritis "
            f"({'; '.join(source_label(s) for s in band.sources)})."
        )
        charts.append(
            _chart(
                f"koos_{subscale.value}",
                Series(
                    title=f"KOOS {SUBSCALE_LABELS[subscale]} (0–100)",
                    unit="points",
                    points=points,
                    y_min=0,
                    y_max=100,
                    band=_band_around(points[0][1], band.better_from, note),
                    better="higher is better",
                ),
                note,
            )
        )
    return charts
