"""In Debian's Chromium: a walker records her guided session's movement and sees her steps.

Synthetic DeviceMotion events (a walking-like signal at about 50 Hz, the shape of
tests/motion/synth.py) are fed from page script while a fast-clock session runs; the walker
logs the session, the page sends the recording, and the log shows the steps and cadence. The
server holds it with the session's phase labels and the consent it was made under. A second
run with the network refused keeps the recording in the browser and sends it on the next page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from retrowalk.services import assessments, plans, screening, session_recordings
from tests.web.axe import assert_accessible, enable_axe
from tests.web.conftest import BASELINE, CLEARED_SCREENING, Person, World, invite_walker

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CADENCE_SPM = 100

FEED_MOTION = """
(() => {
  if (location.pathname !== "/session") return;
  const G = 9.80665, f = __CADENCE__ / 60, t0 = performance.now();
  window.__motionEvents = 0;
  setInterval(() => {
    const t = (performance.now() - t0) / 1000;
    const phase = 2 * Math.PI * f * t - Math.PI / 2;
    const vertical = 2.5 * (Math.sin(phase) + 0.3 * Math.sin(2 * phase + 0.4));
    const noise = () => (Math.random() - 0.5) * 0.1;
    window.dispatchEvent(new DeviceMotionEvent("devicemotion", {
      accelerationIncludingGravity: {x: noise(), y: noise(), z: G + vertical + noise()},
      rotationRate: {alpha: 1 + noise(), beta: 0.5 + noise(), gamma: noise()},
      interval: 20,
    }));
    window.__motionEvents += 1;
  }, 20);
})();
""".replace("__CADENCE__", str(CADENCE_SPM))
"""Steady walking from the moment the guided session page opens (the recorder keeps only
what comes after Start)."""


def planned_walker(world: World, email: str, name: str) -> Person:
    person = invite_walker(world.ctx, world.clinician_a, email, name, f"{name.lower()}-pass-12")
    assert person.walker is not None
    walker_id = person.walker.id
    screening.screen_walker(world.ctx, person.actor, walker_id, CLEARED_SCREENING)
    assessments.record_assessment(world.ctx, person.actor, walker_id, BASELINE)
    plans.make_plan(world.ctx, person.actor, walker_id)
    return person


def _sign_in(page: Any, world: World, person: Person) -> None:
    page.goto(f"{world.url}/login")
    page.fill("#email", person.email)
    page.fill("#password", person.password)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/today")


def _walk_the_session(page: Any, world: World, *, research: bool) -> None:
    page.goto(f"{world.url}/session?clock=fast")
    consent = page.locator("#motion-consent")
    expect(consent).to_be_visible()
    expect(page.locator("#record-motion")).not_to_be_checked()  # off by default
    expect(page.locator("#research-use")).to_be_disabled()
    page.check("#record-motion")
    if research:
        page.check("#research-use")
    assert_accessible(page, "guided session with the recording consent")
    if page.locator("#helper-here").count():
        page.check("#helper-here")
    page.click("[data-action=start]")
    expect(page.locator("#motion-status")).to_contain_text("Recording your movement")
    page.wait_for_selector("#done-form:not([hidden])", timeout=90_000)
    assert page.evaluate("() => window.__motionEvents") > 100


def _log(page: Any) -> None:
    page.click("#done-form button")
    page.wait_for_url("**/log?**")
    page.click("input[name=pain_peak_nprs][value='2'] >> xpath=..")
    page.click("input[name=pain_before_nprs][value='2'] >> xpath=..")
    page.click("input[name=pain_after_nprs][value='1'] >> xpath=..")
    page.click("input[name=effort_cr10][value='3'] >> xpath=..")
    page.check("input[name=supervised][value=yes]")
    page.click("button:has-text('Save')")
    assert "Session saved" in page.inner_text("h1")


def test_a_recorded_guided_session_shows_its_steps_and_keeps_its_phases(
    world: World, browser: Any, screenshots: Path
) -> None:
    mia = planned_walker(world, "mia@example.org", "Mia")
    phone = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    enable_axe(phone)
    phone.add_init_script(FEED_MOTION)
    page = phone.new_page()
    _sign_in(page, world, mia)
    _walk_the_session(page, world, research=True)
    _log(page)
    status = page.locator("#motion-upload [data-motion-status]")
    expect(status).to_contain_text("steps a minute", timeout=60_000)
    assert_accessible(page, "session saved, with the recording's steps")
    page.screenshot(path=str(screenshots / "phone-motion-01-logged.png"), full_page=True)

    assert mia.walker is not None
    (recording,) = session_recordings.walker_recordings(world.ctx, mia.actor, mia.walker.id)
    assert recording.origin == "guided"
    assert recording.research_use
    labels = [p.label for p in recording.phases]
    assert "backward" in labels
    assert labels[0] == "warmup"
    assert recording.steps is not None
    assert recording.steps > 5
    assert recording.cadence_spm is not None
    assert abs(recording.cadence_spm - CADENCE_SPM) < 10
    assert f"Your recording: {recording.steps} steps" in status.inner_text()
    assert (
        page.evaluate(
            """() => new Promise((resolve) => {
             const req = indexedDB.open("retrowalk-motion");
             req.onsuccess = () => {
               const get = req.result.transaction("recordings").objectStore("recordings").count();
               get.onsuccess = () => resolve(get.result);
             };
           })"""
        )
        == 0
    ), "the browser forgets the recording once the server has it"

    page.click("a:has-text('See this session')")
    page.wait_for_url("**/sessions/*")
    expect(page.locator('[data-phase="backward"]').first).to_be_visible()
    expect(page.locator('dd[data-field="steps"]')).to_have_text(str(recording.steps))
    assert_accessible(page, "the walker's session page")
    page.screenshot(path=str(screenshots / "phone-motion-02-session.png"), full_page=True)
    phone.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    enable_axe(desk)
    staff = desk.new_page()
    staff.goto(f"{world.url}/login")
    staff.fill("#email", world.clinician_a.email)
    staff.fill("#password", world.clinician_a.password)
    staff.click("button:has-text('Sign in')")
    staff.wait_for_url("**/clinician")
    staff.goto(f"{world.url}/clinician/walkers/{mia.walker.id}")
    expect(staff.locator('dd[data-field="steps"]')).to_have_text(str(recording.steps))
    assert_accessible(staff, "the clinician's walker page with a recording")
    desk.close()


def test_a_recording_the_network_dropped_is_sent_on_the_next_page(
    world: World, browser: Any
) -> None:
    noa = planned_walker(world, "noa@example.org", "Noa")
    phone = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    enable_axe(phone)
    phone.add_init_script(FEED_MOTION)
    page = phone.new_page()
    _sign_in(page, world, noa)
    _walk_the_session(page, world, research=False)
    page.route("**/api/v1/sessions/*/recording", lambda route: route.abort())
    _log(page)
    status = page.locator("#motion-upload [data-motion-status]")
    expect(status).to_contain_text("could not be sent yet", timeout=30_000)
    assert noa.walker is not None
    assert session_recordings.walker_recordings(world.ctx, noa.actor, noa.walker.id) == []
    page.unroute("**/api/v1/sessions/*/recording")
    page.goto(f"{world.url}/today")
    for _ in range(100):  # a bounded wait for the background upload, not a timing assertion
        found = session_recordings.walker_recordings(world.ctx, noa.actor, noa.walker.id)
        if found:
            break
        page.wait_for_timeout(200)
    (recording,) = found
    assert not recording.research_use
    assert "backward" in [p.label for p in recording.phases]
    phone.close()


def _ios_permission(answer: str) -> str:
    """DeviceMotionEvent.requestPermission as iOS has it, answering ``answer``; it records
    whether it was asked from a tap (user activation), as iOS requires."""
    return (
        """
    window.__asked = [];
    DeviceMotionEvent.requestPermission = () => {
      window.__asked.push(navigator.userActivation ? navigator.userActivation.isActive : null);
      return Promise.resolve("__ANSWER__");
    };
    """
    ).replace("__ANSWER__", answer)


def test_i_need_to_stop_sends_what_was_recorded_with_its_phases(world: World, browser: Any) -> None:
    """iOS asks for the permission from the tap on Start; the walker stops in the backward
    phase, logs the stopped session, and the recording arrives with the phases until then."""
    ida = planned_walker(world, "ida@example.org", "Ida")
    phone = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    enable_axe(phone)
    phone.add_init_script(FEED_MOTION)
    phone.add_init_script(_ios_permission("granted"))
    page = phone.new_page()
    _sign_in(page, world, ida)
    page.goto(f"{world.url}/session?clock=fast")
    page.check("#record-motion")
    if page.locator("#helper-here").count():
        page.check("#helper-here")
    page.click("[data-action=start]")
    expect(page.locator(".phase-name")).to_contain_text("Backward walking", timeout=60_000)
    page.wait_for_timeout(1500)  # a few backward steps (the fast clock runs the timer only)
    page.click("[data-action=stop]")
    assert page.evaluate("() => window.__asked") == [True], "asked once, from the tap"
    page.click("#stop-dialog button:has-text('Stop and log the session')")
    page.wait_for_url("**/log?**")
    page.click("input[name=pain_peak_nprs][value='2'] >> xpath=..")
    page.click("input[name=pain_before_nprs][value='2'] >> xpath=..")
    page.click("input[name=pain_after_nprs][value='2'] >> xpath=..")
    page.click("input[name=effort_cr10][value='3'] >> xpath=..")
    page.check("input[name=supervised][value=yes]")
    page.click("button:has-text('Save')")
    assert "Session saved" in page.inner_text("h1")
    expect(page.locator("#motion-upload [data-motion-status]")).to_contain_text(
        "Your recording", timeout=60_000
    )
    assert ida.walker is not None
    (recording,) = session_recordings.walker_recordings(world.ctx, ida.actor, ida.walker.id)
    labels = [p.label for p in recording.phases]
    assert labels[:2] == ["warmup", "backward"]
    assert "cooldown" not in labels, "nothing is labelled after 'I need to stop'"
    assert not recording.research_use
    phone.close()


def test_when_the_phone_says_no_nothing_is_recorded(world: World, browser: Any) -> None:
    eva = planned_walker(world, "eva@example.org", "Eva")
    phone = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    phone.add_init_script(FEED_MOTION)
    phone.add_init_script(_ios_permission("denied"))
    page = phone.new_page()
    _sign_in(page, world, eva)
    page.goto(f"{world.url}/session?clock=fast")
    page.check("#record-motion")
    if page.locator("#helper-here").count():
        page.check("#helper-here")
    page.click("[data-action=start]")
    expect(page.locator("#motion-status")).to_contain_text("not allowed")
    page.wait_for_selector("#done-form:not([hidden])", timeout=90_000)
    kept = page.evaluate(
        """() => new Promise((resolve) => {
             const req = indexedDB.open("retrowalk-motion");
             req.onsuccess = () => {
               const get = req.result.transaction("recordings").objectStore("recordings").count();
               get.onsuccess = () => resolve(get.result);
             };
           })"""
    )
    assert kept == 0
    phone.close()
