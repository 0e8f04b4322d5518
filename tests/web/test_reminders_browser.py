"""Reminders and the printable plan in Debian's Chromium (Playwright), as the walker sees them.

She makes her calendar link on a phone and finds both the ``webcal://`` button and the address
to copy; the feed those point at parses with ``icalendar``; and her plan, printed (print media,
A4), fits on one page — counted in the PDF Chromium makes of it.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from icalendar import Calendar
from pypdf import PdfReader

from tests.web.conftest import World
from tests.web.own_world import world
from tests.web.test_reminders import walker

pytestmark = pytest.mark.browser
__all__ = ["world"]  # this module's own app (tests/web/own_world.py)


def signed_in_phone(browser: Any, world: World, email: str, password: str) -> tuple[Any, Any]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.goto(f"{world.url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/today")
    return context, page


def test_the_walker_subscribes_to_her_reminders_from_her_phone(
    world: World, browser: Any, screenshots: Path
) -> None:
    person = walker(world)
    context, page = signed_in_phone(browser, world, person.email, person.password)
    page.click("a:has-text('Get reminders in my phone')")
    page.wait_for_url("**/reminders")
    page.click("button:has-text('Make my calendar link')")
    page.wait_for_url("**/reminders")
    webcal = page.get_attribute("a:has-text('Add to my phone')", "href")
    https = page.input_value("#feed-url")
    assert webcal is not None
    assert webcal.startswith("webcal://")
    assert webcal.removeprefix("webcal://") == https.split("://", 1)[1]
    page.screenshot(path=str(screenshots / "phone-reminders.png"), full_page=True)
    feed = httpx.get(https, timeout=30)  # as the phone's calendar fetches it: no cookies
    assert feed.status_code == 200
    cal = Calendar.from_ical(feed.content)
    titles = {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    assert titles == {"Backward walking session", "Morning check-in: how is your knee?"}
    context.close()


def test_the_printed_plan_fits_on_one_a4_page(
    world: World, browser: Any, screenshots: Path
) -> None:
    person = walker(world)
    context, page = signed_in_phone(browser, world, person.email, person.password)
    page.goto(f"{world.url}/plan/print")
    assert page.locator("button:has-text('Print this page')").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible(), "no menu on paper"
    assert not page.locator("button:has-text('Print this page')").is_visible()
    page.screenshot(path=str(screenshots / "print-plan.png"), full_page=True)
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    (screenshots / "print-plan.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1, f"the plan prints on {len(reader.pages)} pages"
    text = reader.pages[0].extract_text()
    assert "My backward-walking plan" in text
    assert world.clinician_a.name in text
    assert "Stop and get help" in text
    context.close()
