"""In Debian's Chromium (Playwright): the account, team, invitation, audit and "send again"
pages on a phone (390×844) — nothing wider than the screen — and Swagger UI at /api/docs
drawn from the app's own files, with no Content-Security-Policy complaint.

Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import World
from tests.web.test_browser import PHONE, TOO_WIDE_JS, shot, sign_in

pytestmark = pytest.mark.browser


def phone_page(browser: Any) -> tuple[Any, Any]:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    return context, context.new_page()


def fits(page: Any) -> None:
    assert page.evaluate(TOO_WIDE_JS) == [], f"wider than the phone on {page.url}"


def test_a_walker_changes_a_password_and_finds_their_data_on_a_phone(
    world: World, browser: Any, screenshots: Path
) -> None:
    context, page = phone_page(browser)
    sign_in(page, world, world.walker_b.email, world.walker_b.password)
    page.wait_for_url("**/today")
    page.click("a:has-text('My account')")
    page.wait_for_url("**/account")
    assert page.locator("a:has-text('Download as JSON')").count() == 1
    fits(page)
    shot(page, screenshots, "phone-20-account")
    page.fill("#current_password", world.walker_b.password)
    page.fill("#password", "1234567890")
    page.fill("#password_again", "1234567890")
    page.click("button:has-text('Change my password')")
    assert "too easy to guess" in page.inner_text("#form-error")
    assert page.get_attribute("#password", "aria-invalid") == "true"
    fits(page)
    shot(page, screenshots, "phone-21-account-weak-password")
    with page.expect_download() as download:
        page.click("a:has-text('Download as JSON')")
    assert download.value.suggested_filename.startswith("my-retrowalk-data-")
    context.close()


def test_a_clinician_on_a_phone_reads_team_invitations_and_the_change_log(
    world: World, browser: Any, screenshots: Path
) -> None:
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    context, page = phone_page(browser)
    sign_in(page, world, world.clinician_a.email, world.clinician_a.password)
    page.wait_for_url("**/clinician")
    page.goto(f"{world.url}/clinician/invite")
    page.fill("#email", "waiting.walker@example.org")
    page.click("button:has-text('Create invitation link')")
    page.click("a:has-text('Invitations')")
    page.wait_for_url("**/clinician/invitations")
    assert "waiting.walker@example.org" in page.inner_text("main")
    fits(page)
    shot(page, screenshots, "phone-22-invitations")
    page.click("a:has-text('Team')")
    page.wait_for_url("**/team")
    page.locator("form[action$='/password-link'] button").first.click()
    assert "/reset?token=" in (page.get_attribute("#password-link", "href") or "")
    fits(page)
    shot(page, screenshots, "phone-23-password-link")
    page.goto(f"{world.url}/clinician/walkers/{walker_id}")
    page.click("a:has-text('Change log')")
    page.wait_for_url(f"**/clinician/walkers/{walker_id}/audit")
    assert "logged a session" in page.inner_text("table")
    page.select_option("#action", "session.log")
    page.click("button:has-text('Show')")
    assert page.locator("table tbody tr").count() >= 1
    assert set(page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.action)"))
    fits(page)
    shot(page, screenshots, "phone-24-change-log")
    context.close()


def test_a_note_typed_while_signed_out_is_kept_and_saved(
    world: World, browser: Any, screenshots: Path
) -> None:
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    context, page = phone_page(browser)
    sign_in(page, world, world.clinician_a.email, world.clinician_a.password)
    page.wait_for_url("**/clinician")
    page.goto(f"{world.url}/clinician/walkers/{walker_id}")
    page.fill("#note_text", "Typed on the phone, then the sign-in ended")
    context.clear_cookies()  # the sign-in ended while the note was being typed
    page.click("form[action$='/note'] button")
    assert "Nothing you typed is lost" in page.inner_text("main")
    assert "Typed on the phone, then the sign-in ended" in page.inner_text("main")
    fits(page)
    shot(page, screenshots, "phone-25-send-again-sign-in")
    page.fill("#email", world.clinician_a.email)
    page.fill("#password", world.clinician_a.password)
    page.click("button:has-text('Sign in')")
    page.click("button:has-text('Send again')")
    page.wait_for_url(f"**/clinician/walkers/{walker_id}")
    assert "Note saved." in page.inner_text("main")
    assert "Typed on the phone, then the sign-in ended" in page.inner_text("main")
    context.close()


def test_swagger_ui_draws_the_api_from_local_files(world: World, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    complaints: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: complaints.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{world.url}/api/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() >= 20
    assert "retrowalk" in page.inner_text(".info")
    assert complaints == [], complaints
    assert all(url.startswith(world.url) or url.startswith("data:") for url in requests), requests
    context.close()
