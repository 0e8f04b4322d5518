"""The clinical report a physiotherapist files: HTML from a Jinja2 template, printed to PDF by
WeasyPrint (A4 or US Letter, page numbers, the walker's name on every page).

The charts are the web's own SVG charts (:func:`retrowalk.present.progress_charts.progress_charts`),
so the paper shows what the screen shows, crisply. Nothing is fetched while printing: the
fetcher refuses every URL that is not inline ``data:``, and the fonts are the machine's
(DejaVu, from Debian's ``fonts-dejavu-core``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Final, Literal

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from retrowalk.clinical.evidence import BOTTOM_LINE
from retrowalk.clinical.measures.koos import SUBSCALE_LABELS, KoosSubscale
from retrowalk.clinical.measures.meaningful_change import ChangeMeasure, classify_change
from retrowalk.clinical.norms import CR10_MAX, NPRS_MAX
from retrowalk.clinical.restrictions import reasons_held_by
from retrowalk.present import vocabulary as vocab
from retrowalk.present.numbers import source_label, speed_words
from retrowalk.present.progress_charts import Chart, progress_charts
from retrowalk.reports.adherence import adherence_of
from retrowalk.reports.decisions import Decision, decisions_of
from retrowalk.reports.record import WalkerRecord
from retrowalk.reports.warning_signs import NONE_NEW, lifted_by_clearance, warning_signs
from retrowalk.services.clinician import FOR_THE_CLINICIAN
from retrowalk.services.clock import local_date
from retrowalk.services.schemas import AssessmentOut, CheckinOut, PrescriptionOut

PageSize = Literal["A4", "Letter"]
PAGE_SIZES: Final[tuple[str, ...]] = ("A4", "Letter")
TEMPLATES: Final[Path] = Path(__file__).parent / "templates"
DOES_NOT_DIAGNOSE: Final[str] = "retrowalk supports clinical care; it does not diagnose."

KOOS_MEASURES: Final[dict[KoosSubscale, ChangeMeasure]] = {
    KoosSubscale.PAIN: ChangeMeasure.KOOS_PAIN,
    KoosSubscale.SYMPTOMS: ChangeMeasure.KOOS_SYMPTOMS,
    KoosSubscale.ADL: ChangeMeasure.KOOS_ADL,
    KoosSubscale.SPORT_REC: ChangeMeasure.KOOS_SPORT_REC,
    KoosSubscale.QOL: ChangeMeasure.KOOS_QOL,
}


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(("html",)),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["speed"] = speed_words
    env.filters["source_label"] = source_label
    env.filters["num"] = lambda v, fmt="%g": "—" if v is None else fmt % v
    env.tests["startswith"] = lambda value, prefix: str(value).startswith(prefix)
    return env


@dataclass(frozen=True)
class KoosRow:
    label: str
    first: float
    latest: float
    change: float
    band: float
    verdict: str
    reason: str


def _koos_rows(assessments: tuple[AssessmentOut, ...]) -> list[KoosRow]:
    """First against latest KOOS score of each subscale, classified by the clinical rule."""
    ordered = sorted(assessments, key=lambda a: (a.local_date, a.id))
    rows: list[KoosRow] = []
    for subscale in KoosSubscale:
        points = [
            float(a.scores["koos"][subscale.value])
            for a in ordered
            if isinstance(a.scores.get("koos"), dict)
            and isinstance(a.scores["koos"].get(subscale.value), int | float)
        ]
        if len(points) < 2:
            if points:
                rows.append(
                    KoosRow(
                        SUBSCALE_LABELS[subscale],
                        points[0],
                        points[0],
                        0.0,
                        0.0,
                        "one score only",
                        "A change needs a second score.",
                    )
                )
            continue
        result = classify_change(KOOS_MEASURES[subscale], points[0], points[-1])
        rows.append(
            KoosRow(
                label=SUBSCALE_LABELS[subscale],
                first=points[0],
                latest=points[-1],
                change=points[-1] - points[0],
                band=result.band.better_from,
                verdict=result.category.value.replace("_", " "),
                reason=" ".join(r.message for r in result.reasons),
            )
        )
    return rows


CHART_STYLE: Final[str] = (
    "<style>.band{fill:#d9ecd9}.grid{stroke:#d0d0d0;stroke-width:1}"
    ".tick{font-size:16px;fill:#333;font-family:'DejaVu Sans',sans-serif}"
    ".line{fill:none;stroke:#0b4f8a;stroke-width:3}.dot{fill:#0b4f8a}</style>"
)
"""The web's chart styles (``web/static/css``), carried inside each SVG: WeasyPrint draws an
inline SVG with the SVG's own styles only."""


def _printable(chart: Chart) -> Chart:
    """The web's chart with its styles inside the SVG (same drawing, same colours)."""
    svg = str(chart.svg)
    if not svg.startswith("<svg"):
        return chart  # the empty-state sentence, not a drawing
    head, sep, rest = svg.partition(">")
    return replace(chart, svg=Markup(head + sep + CHART_STYLE + rest))


def _morning_by_session(checkins: tuple[CheckinOut, ...]) -> dict[int, CheckinOut]:
    return {c.session_id: c for c in checkins}


def _local_day(timezone: str) -> Callable[[datetime], date]:
    """The walker's date of a stored instant: the report dates everything by her calendar."""
    return partial(local_date, timezone=timezone)


def report_html(record: WalkerRecord, *, page_size: PageSize = "A4") -> str:
    """The report as a self-contained HTML document (what :func:`report_pdf` prints)."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page_size: {page_size!r}; expected one of {', '.join(PAGE_SIZES)}")
    history = record.history
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    adverse = [
        (s, vocab.ADVERSE_EVENTS.short(e)) for s in history.sessions for e in s.adverse_events
    ]
    return (
        _environment()
        .get_template("report.html")
        .render(
            css=css,
            page_size=page_size,
            record=record,
            walker=record.walker,
            history=history,
            plan=record.plan,
            restrictions=record.active_restrictions,
            warning_signs=warning_signs(history),
            none_new=NONE_NEW,
            lifted=lifted_by_clearance(record.active_restrictions),
            tests=record.tests,
            adherence=adherence_of(history, record.plan),
            exercises=record.exercises,
            charts=[_printable(c) for c in progress_charts(history)],
            koos_rows=_koos_rows(history.assessments),
            decisions=_decisions_as_held(decisions_of(history), record.plan),
            local_day=_local_day(history.walker.timezone),
            morning=_morning_by_session(history.checkins),
            adverse=adverse,
            vocab=vocab,
            restriction_titles=FOR_THE_CLINICIAN,  # "Walking aid: …", not "You use a walking aid"
            bottom_line=BOTTOM_LINE,
            does_not_diagnose=DOES_NOT_DIAGNOSE,
            nprs_max=NPRS_MAX,
            cr10_max=CR10_MAX,
        )
    )


def report_pdf(record: WalkerRecord, *, page_size: PageSize = "A4") -> bytes:
    """The report as PDF bytes. Nothing outside the document is loaded while printing
    (:mod:`~retrowalk.reports.pdf_printer`, imported here: WeasyPrint is slow to load)."""
    from retrowalk.reports.pdf_printer import print_pdf

    return print_pdf(report_html(record, page_size=page_size))


def _decisions_as_held(decisions: list[Decision], plan: PrescriptionOut | None) -> list[Decision]:
    """The decisions, their "alone after the first sessions" reasons reworded while a
    restriction holds every session supervised (``plan.supervision_held_by``): the report
    never says "may walk alone" while it says "every session supervised"."""
    if plan is None or not plan.supervision_held_by:
        return decisions
    return [
        replace(
            d,
            reasons=reasons_held_by(
                d.reasons, plan.supervision_held_by, plan.supervised_first_sessions
            ),
        )
        for d in decisions
    ]
