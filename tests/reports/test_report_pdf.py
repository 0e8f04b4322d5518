"""The PDF is rendered and read back: name on every page, each section, the plan and the
figures of the known walker; A4 and Letter; nothing fetched; pages saved as PNG to look at."""

from __future__ import annotations

import logging
import re
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from retrowalk.clinical.evidence import BOTTOM_LINE
from retrowalk.reports.errors import ReportInputError
from retrowalk.reports.pdf_printer import LocalOnlyFetcher
from retrowalk.reports.record import ExerciseAdherence, WalkerRecord, walker_record
from retrowalk.reports.report_pdf import DOES_NOT_DIAGNOSE, report_html, report_pdf
from retrowalk.services.schemas import NoteOut
from tests.conftest import ROOT
from tests.reports.known_walker import (
    CLEAR_REASON,
    CLINICIAN_NAME,
    NOTE,
    WALKER_NAME,
    Known,
)
from tests.reports.pdf_text import flat, page_size_pt, pages_text, poppler_tool

ARTIFACTS = ROOT / "test-artifacts" / "reports"
SECTIONS = (
    "Who",
    "Screening",
    "Active restrictions",
    "Warning signs (red flags)",
    "Fall-risk tests",
    "Current plan",
    "Sessions and adherence",
    "Pain, minutes, speed and KOOS over time",
    "KOOS subscales against the meaningful-change band",
    "Every decision and its reasons",
    "Adverse events and clearances",
    "Clinician notes",
    "The evidence",
)
A4_PT = (595, 842)
LETTER_PT = (612, 792)


@pytest.fixture(scope="module")
def pages(pdf_a4: bytes) -> list[str]:
    return pages_text(pdf_a4)


def test_the_walkers_name_and_the_page_number_are_on_every_page(pages: list[str]) -> None:
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert WALKER_NAME in page, f"page {number} has no name"
        assert f"Page {number} of {len(pages)}" in page
        assert DOES_NOT_DIAGNOSE in flat(page)


def test_every_section_prints_in_order(pages: list[str]) -> None:
    text = "\n".join(pages)
    positions = [text.find(f"\n {title}\n") for title in SECTIONS]
    assert all(p >= 0 for p in positions), dict(zip(SECTIONS, positions, strict=True))
    assert positions == sorted(positions)


def test_the_plan_and_the_figures_of_the_known_walker(
    pages: list[str], report: WalkerRecord
) -> None:
    text = flat("\n".join(pages))
    plan = report.plan
    assert plan is not None
    assert f"Duration {plan.duration_min:g} min" in text
    assert f"Version {plan.version} " in text
    assert "0.75 m/s (2.7 km/h)" in text
    assert "knee osteoarthritis, left knee" in text
    assert CLINICIAN_NAME in text
    # the tests: TUG 9 s then 8.5 s, 13 chair stands, 15 s tandem, 4 s backward walk
    assert re.search(r"2026-01-05 baseline 9 13 15 4 0\.75 m/s", text)
    assert re.search(r"2026-01-18 reassessment 8\.5 — — — —", text)
    # KOOS from 75 to 100 on every subscale: beyond each band
    assert text.count("75.0 100.0 +25.0") == 5
    # six sessions, the near fall, its clearance and the note
    assert len(re.findall(r"\b3 ?/ ?2 ?/ ?2\b", text)) == 6  # pain before / during / after
    assert "near fall" in text
    assert f"by {CLINICIAN_NAME}: {CLEAR_REASON}" in text
    assert NOTE in text
    assert "Strengthening exercises: not recorded yet." in text
    assert flat(BOTTOM_LINE) in text


def test_pages_are_saved_as_png_for_a_person_to_look_at(pdf_a4: bytes) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("report-a4-*.png"):
        old.unlink()
    (ARTIFACTS / "report-a4.pdf").write_bytes(pdf_a4)
    subprocess.run(
        [poppler_tool("pdftoppm"), "-r", "80", "-png", "-", str(ARTIFACTS / "report-a4")],
        input=pdf_a4,
        check=True,
    )
    pngs = sorted(ARTIFACTS.glob("report-a4-*.png"))
    assert len(pngs) == len(PdfReader(BytesIO(pdf_a4)).pages)
    assert all(p.stat().st_size > 10_000 for p in pngs), "a page is blank"


def test_a4_and_us_letter_print_without_a_warning(
    pdf_a4: bytes, report: WalkerRecord, caplog: pytest.LogCaptureFixture
) -> None:
    assert page_size_pt(pdf_a4) == A4_PT
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        letter = report_pdf(report, page_size="Letter")
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    assert page_size_pt(letter) == LETTER_PT
    assert WALKER_NAME in pages_text(letter)[-1]


def test_an_unknown_page_size_is_refused(report: WalkerRecord) -> None:
    with pytest.raises(ValueError, match="page_size"):
        report_html(report, page_size="A5")  # type: ignore[arg-type]


def test_the_fetcher_refuses_every_url_that_is_not_inline(tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the report")
    fetcher = LocalOnlyFetcher()
    html = (
        f'<p>x</p><img src="http://198.51.100.7/x.png"><img src="{secret.as_uri()}">'
        '<link rel="stylesheet" href="https://cdn.example/x.css">'
    )
    HTML(string=html, url_fetcher=fetcher).write_pdf()
    assert sorted(fetcher.refused) == sorted(
        ["http://198.51.100.7/x.png", secret.as_uri(), "https://cdn.example/x.css"]
    )


def test_the_report_links_to_nothing_outside_itself(report: WalkerRecord) -> None:
    html = report_html(report)
    assert not re.search(r"""(src|href)\s*=""", html)
    assert "url(" not in html
    assert "@import" not in html


def test_the_web_charts_print_with_their_styles(report: WalkerRecord) -> None:
    html = report_html(report)
    assert html.count('<svg class="chart"') == 9  # pain, morning, minutes, speed, 5 KOOS
    assert html.count("<style>.band{") == 9


def test_text_a_person_typed_is_escaped(report: WalkerRecord) -> None:
    walker = report.history.walker.model_copy(update={"display_name": "Ann <b>Bold</b>"})
    odd = report.model_copy(
        update={"history": report.history.model_copy(update={"walker": walker})}
    )
    html = report_html(odd)
    assert "Ann &lt;b&gt;Bold&lt;/b&gt;" in html
    assert "<b>Bold" not in html


def test_exercise_adherence_shows_when_recorded(known: Known) -> None:
    record = known.report(exercises=ExerciseAdherence(sessions_done=4, sessions_planned=6))
    assert "Strengthening exercises:</strong> 4 days done of 6 planned." in report_html(record)


def test_another_walkers_record_is_refused(report: WalkerRecord) -> None:
    stranger = report.history.sessions[0].model_copy(update={"walker_id": 999})
    history = report.history.model_copy(update={"sessions": (*report.history.sessions, stranger)})
    with pytest.raises(ReportInputError, match="one walker's data only"):
        walker_record(history=history, generated_at=report.generated_at)


def test_long_names_and_unbroken_words_stay_on_the_page(report: WalkerRecord) -> None:
    """A 3,000-letter word in a note and an 80-letter name break instead of running off the
    page (pdftotext reads only what is on the page), and a note keeps its line breaks."""
    word = "W" * 3000
    note = NoteOut(
        id=10_000,
        walker_id=report.walker.id,
        author_id=1,
        created_at=report.history.notes[0].created_at,
        text=f"{word}\nsecond line of the note",
    )
    walker = report.history.walker.model_copy(update={"display_name": "N" * 80})
    history = report.history.model_copy(
        update={"notes": (*report.history.notes, note), "walker": walker}
    )
    text = "\n".join(pages_text(report_pdf(report.model_copy(update={"history": history}))))
    squeezed = "".join(text.split())
    assert squeezed.count("W") >= len(word)  # every letter printed (lines may cross a page)
    assert "N" * 80 in squeezed
    assert re.search(r"\n\s*second line of the note", text)


def test_earlier_screenings_are_listed_without_a_stray_separator(known: Known) -> None:
    """Found by the outside-in test: "Earlier screenings: 2026-12-01 stop and refer; ." when
    the latest screening was last in the list it skipped."""
    from datetime import timedelta

    from retrowalk.reports.record import walker_record

    first = known.record.screenings[0]
    before = first.model_copy(
        update={"id": first.id + 1000, "created_at": first.created_at - timedelta(days=9)}
    )
    after = first.model_copy(
        update={"id": first.id + 2000, "created_at": first.created_at + timedelta(days=9)}
    )
    base = known.report()
    record = walker_record(
        history=known.record.model_copy(update={"screenings": (before, first, after)}),
        generated_at=base.generated_at,
        clinician=known.clinician,
        plan=base.plan,
        tests=dict(base.tests),
        screening_answers=dict(base.screening_answers),
    )
    text = " ".join(report_html(record).split())
    said = text.split("Earlier screenings: ", 1)[1].split(". A later screening", 1)[0]
    assert said.count(";") == 1  # two earlier screenings, one separator
    assert not said.endswith(";")
