"""The clinician downloads a walker's PDF report, FHIR R4 bundle and CSV tables from the
walker page (and the JSON API): the files are the walker's, a clinician reaches only their
own walkers, a walker none, and a wrong period is a sentence (422), never half a file."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from tests.reports.pdf_text import flat, page_size_pt, pages_text
from tests.web.conftest import World, sign_in


def _walker_id(world: World) -> int:
    assert world.walker_a.walker is not None
    return world.walker_a.walker.id


def test_the_walker_page_offers_each_download(world: World) -> None:
    walker_id = _walker_id(world)
    with world.client() as client:
        sign_in(client, world.clinician_a)
        page = client.get(f"/clinician/walkers/{walker_id}").text
    assert "Reports and exports" in page
    assert f'action="/clinician/walkers/{walker_id}/report.pdf"' in page
    assert f'formaction="/clinician/walkers/{walker_id}/fhir.json"' in page
    assert f'formaction="/clinician/walkers/{walker_id}/tables.zip"' in page
    assert 'name="since" type="date"' in page


def test_the_pdf_is_the_walkers_report_on_a4_or_letter(world: World) -> None:
    walker_id = _walker_id(world)
    with world.client() as client:
        sign_in(client, world.clinician_a)
        a4 = client.get(f"/clinician/walkers/{walker_id}/report.pdf")
        # the page's form sends its empty date boxes as ``since=&until=``: the default period
        letter = client.get(
            f"/clinician/walkers/{walker_id}/report.pdf",
            params={"since": "", "until": "", "size": "Letter"},
        )
    assert a4.status_code == 200, a4.text
    assert a4.headers["content-type"] == "application/pdf"
    assert a4.headers["cache-control"] == "no-store"
    assert re.match(r'attachment; filename="retrowalk-walker-\d+-[\d-]+-[\d-]+\.pdf"',
                    a4.headers["content-disposition"])  # fmt: skip
    pages = pages_text(a4.content)
    assert all(world.walker_a.name in page for page in pages)
    text = flat("\n".join(pages))
    assert world.clinician_a.name in text
    assert "Current plan" in text
    assert "does not diagnose" in text.lower()
    assert page_size_pt(a4.content) == (595, 842)
    assert page_size_pt(letter.content) == (612, 792)


def test_the_fhir_bundle_validates_from_the_page_and_the_api(world: World) -> None:
    walker_id = _walker_id(world)
    with world.client() as client:
        sign_in(client, world.clinician_a)
        page = client.get(f"/clinician/walkers/{walker_id}/fhir.json")
        api = client.get(f"/api/v1/walkers/{walker_id}/fhir")
    for response in (page, api):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/fhir+json")
        bundle = Bundle.model_validate_json(response.content)
        patients = [
            e.resource for e in bundle.entry or [] if e.resource.__resource_type__ == "Patient"
        ]
        assert [p.name[0].text for p in patients] == [world.walker_a.name]
        assert any(e.resource.__resource_type__ == "Observation" for e in bundle.entry or [])


def _tables(body: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {
            name.removesuffix(".csv"): list(
                csv.DictReader(io.StringIO(archive.read(name).decode()))
            )
            for name in archive.namelist()
        }


def test_the_tables_hold_the_walkers_sessions_and_only_the_clinicians_walkers(
    world: World,
) -> None:
    walker_id = _walker_id(world)
    with world.client() as client:
        sign_in(client, world.clinician_a)
        one = client.get(f"/clinician/walkers/{walker_id}/tables.zip")
        mine = client.get("/clinician/tables.zip")
        api = client.get(f"/api/v1/walkers/{walker_id}/tables.zip")
    assert one.status_code == mine.status_code == api.status_code == 200
    tables = _tables(one.content)
    assert sorted(tables) == [
        "assessments",
        "checkins",
        "decisions",
        "red_flag_reports",
        "sessions",
    ]
    assert len(tables["sessions"]) >= 1
    assert {row["walker_id"] for row in tables["sessions"]} == {str(walker_id)}
    with world.client() as client:
        sign_in(client, world.clinician_b)
        theirs = _tables(client.get("/clinician/tables.zip").content)
    assert str(walker_id) not in {row["walker_id"] for rows in theirs.values() for row in rows}


@pytest.mark.parametrize(
    "path",
    [
        "/clinician/walkers/{id}/report.pdf",
        "/clinician/walkers/{id}/fhir.json",
        "/clinician/walkers/{id}/tables.zip",
        "/api/v1/walkers/{id}/fhir",
        "/api/v1/walkers/{id}/report.pdf",
    ],
)
def test_another_clinician_and_the_walker_get_nothing(world: World, path: str) -> None:
    url = path.format(id=_walker_id(world))
    for person in (world.clinician_b, world.walker_a):
        with world.client() as client:
            sign_in(client, person)
            response = client.get(url)
        assert response.status_code in {403, 404}, (person.email, url)
        assert world.walker_a.name not in response.text
        assert not response.content.startswith(b"%PDF")
    with world.client() as client:
        assert client.get(url).status_code in {401, 303}


@pytest.mark.parametrize(
    ("params", "box", "words"),
    [
        ({"since": "2026-02-01", "until": "2026-01-01"}, "From and To", "is after the last day"),
        ({"until": "2099-01-01"}, "To", "is after today"),
        ({"since": "1900-01-01"}, "From", "must be a date in the years"),
        ({"since": "1st of May"}, "From", "is not a date"),
        ({"size": "A5"}, "Paper size", "choose A4 or US Letter"),
    ],
)
def test_a_wrong_period_or_size_goes_back_to_the_form_with_a_sentence(
    world: World, params: dict[str, str], box: str, words: str
) -> None:
    """On the page: back to the walker page's report form, the box named in its own words
    (found by the outside-in test: it was a bare error page). The API: 422, never a file."""
    walker_id = _walker_id(world)
    with world.client() as client:
        sign_in(client, world.clinician_a)
        page = client.get(f"/clinician/walkers/{walker_id}/report.pdf", params=params)
        assert page.status_code == 303
        assert page.headers["location"].startswith(f"/clinician/walkers/{walker_id}?flash=")
        assert page.headers["location"].endswith("#reports-h")
        shown = client.get(page.headers["location"]).text
        assert f"The report was not made. {box}:" in shown
        assert words in shown
        api = client.get(f"/api/v1/walkers/{walker_id}/report.pdf", params=params)
    assert api.status_code == 422, api.text
    assert not api.content.startswith(b"%PDF")


@pytest.mark.browser
def test_in_chromium_the_clinician_downloads_the_pdf_and_the_bundle(
    world: World, browser: Any, screenshots: Path
) -> None:
    walker_id = _walker_id(world)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{world.url}/login")
    page.fill("#email", world.clinician_a.email)
    page.fill("#password", world.clinician_a.password)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{world.url}/clinician/walkers/{walker_id}")
    section = page.locator("section", has=page.get_by_role("heading", name="Reports and exports"))
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(screenshots / "clinician-reports-section.png"))
    page.select_option("#report-size", "Letter")
    with page.expect_download() as pdf_download:
        section.get_by_role("button", name="Download the report (PDF)").click()
    pdf = Path(pdf_download.value.path()).read_bytes()
    assert page_size_pt(pdf) == (612, 792)
    assert world.walker_a.name in pages_text(pdf)[0]
    with page.expect_download() as fhir_download:
        section.get_by_role("button", name="FHIR R4 bundle (JSON)").click()
    assert fhir_download.value.suggested_filename.endswith(".fhir.json")
    bundle = Bundle.model_validate_json(Path(fhir_download.value.path()).read_bytes())
    assert bundle.type == "collection"
    context.close()
