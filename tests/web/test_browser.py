"""In Debian's Chromium (Playwright): a new walker's whole first week, and the clinician.

A clinician invites a walker; the walker signs up on a phone-sized screen, answers the
screening, does the baseline tests with the built-in stopwatches, follows a guided session
on a fast clock (``?clock=fast``), logs it, checks in the next morning and sees the chart.
A second walker stops a session with "I need to stop"; the clinician sees the adverse-event
flag and clears them. Screenshots of the key pages go to test-artifacts/screenshots/.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from retrowalk.clinical.red_flags import SCREENING_RED_FLAGS, KneeRedFlag
from retrowalk.services import assessments, plans, screening, sessions
from tests.web.conftest import BASELINE, CLEARED_SCREENING, Person, World, invite_walker

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


TOO_WIDE_JS = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .map((el) => `${el.tagName}.${el.className} ends at ${el.getBoundingClientRect().right}px`)
    .slice(0, 5);
}"""


RECORD_VOICE_AND_BEEPS = """
window.__spoken = [];
window.__beeps = 0;
if (window.speechSynthesis) {
  window.speechSynthesis.speak = (u) => window.__spoken.push(u.text);
}
const RealContext = window.AudioContext;
if (RealContext) {
  const realOsc = RealContext.prototype.createOscillator;
  RealContext.prototype.createOscillator = function () {
    window.__beeps += 1;
    return realOsc.call(this);
  };
}
"""
"""Counts what the page says (speechSynthesis) and the beeps it makes (Web Audio)."""


def walker_with_a_session_yesterday(world: World) -> Person:
    """A walker with a plan and yesterday's session, waiting for this morning's check-in."""
    erin = invite_walker(world.ctx, world.clinician_a, "erin@example.org", "Erin", "erin-pass-12")
    assert erin.walker is not None
    walker_id = erin.walker.id
    yesterday = datetime.now(UTC) - timedelta(days=1)
    before = world.ctx.at(yesterday - timedelta(hours=1))
    screening.screen_walker(before, erin.actor, walker_id, CLEARED_SCREENING)
    assessments.record_assessment(before, erin.actor, walker_id, BASELINE)
    plans.make_plan(before, erin.actor, walker_id)
    sessions.log_session(
        world.ctx.at(yesterday),
        erin.actor,
        walker_id,
        {
            "client_key": "erin-yesterday",
            "performed_at": yesterday,
            "duration_min": 10,
            "speed_m_s": 0.7,
            "surface": "treadmill_with_handrails",
            "supervised": True,
            "pain_before_nprs": 2,
            "pain_peak_nprs": 2,
            "pain_after_nprs": 1,
            "effort_cr10": 3,
        },
    )
    return erin


def shot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def answer_all(page: Any, names: list[str], value: str) -> None:
    for name in names:
        page.check(f"input[name={name}][value={value}]")


HEALTH_QUESTIONS = [
    "fever_or_unwell",
    "uses_walking_aid",
    "takes_anticoagulant",
    "recent_knee_surgery",
]
NO_FLAG_QUESTIONS = [
    f"flag_{flag.value}"
    for flag in SCREENING_RED_FLAGS
    if flag is not KneeRedFlag.CANNOT_BEAR_WEIGHT
]


def answer_screening(page: Any, *, red_flag: str | None = None) -> None:
    """The whole screening, every answer the one with nothing wrong, except ``red_flag``."""
    answer_all(page, [f"parq{n}" for n in (1, 2, 3, 4, 6, 7)], "no")
    page.check("input[name=parq5][value=yes]")
    page.check("input[name=used_to_activity][value=yes]")
    answer_all(page, NO_FLAG_QUESTIONS, "no")
    page.check("input[name=flag_cannot_bear_weight][value=yes]")  # asked positively: yes is fine
    answer_all(page, HEALTH_QUESTIONS, "no")
    answer_all(page, ["fell_past_12_months", "feels_unsteady", "worries_about_falling"], "no")
    if red_flag is not None:
        page.check(f"input[name=flag_{red_flag}][value=yes]")


def sign_in(page: Any, world: World, email: str, password: str) -> None:
    page.goto(f"{world.url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button:has-text('Sign in')")


def test_new_walker_onboards_walks_logs_checks_in_and_sees_the_chart(
    world: World, browser: Any, screenshots: Path
) -> None:
    clinician = browser.new_context(viewport=DESKTOP)
    desk = clinician.new_page()
    sign_in(desk, world, world.clinician_a.email, world.clinician_a.password)
    desk.wait_for_url("**/clinician")
    desk.goto(f"{world.url}/clinician/invite")
    desk.fill("#email", "carol@example.org")
    desk.click("button:has-text('Create invitation link')")
    link = desk.get_attribute("#invitation-link", "href")
    assert link is not None
    assert "/join?token=" in link

    phone = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = phone.new_page()
    page.goto(link)
    shot(page, screenshots, "phone-01-join")
    page.fill("#display_name", "Carol Backwards")
    page.fill("#password", "carol-walks-back")
    page.fill("#password_again", "carol-walks-back")
    page.fill("#age_years", "67")
    page.check("input[name=sex][value=female]")
    page.check("input[name=knee_condition][value=oa]")
    page.check("input[name=knee_side][value=right]")
    page.select_option("#timezone", "Europe/London")
    page.click("button:has-text('Create my account')")
    page.wait_for_url("**/onboarding/screening")

    answer_screening(page)
    shot(page, screenshots, "phone-02-screening")
    page.click("button:has-text('Save my answers')")
    assert "You can go on to the baseline tests" in page.inner_text("main")
    assert page.locator(".tag.policy").count() >= 1, "the item-5 policy is labelled"
    page.click("a:has-text('Go on to the baseline tests')")
    page.wait_for_url("**/onboarding/tests")

    page.goto(f"{world.url}/onboarding/tests?clock=fast")
    watch = page.locator("[data-target=backward_walk_3m_s]")
    watch.locator("[data-action=toggle]").click()
    expect(watch.locator(".stopwatch")).not_to_have_text("0.0 s")
    watch.locator("[data-action=toggle]").click()
    timed = float(page.input_value("#backward_walk_3m_s"))
    assert timed > 0, "the stopwatch writes its time into the box"
    page.fill("#backward_walk_3m_s", "4.2")
    page.fill("#tug_s", "9.1")
    page.fill("#chair_stand_count", "13")
    page.fill("#tandem_stance_s", "10")
    shot(page, screenshots, "phone-03-tests")
    page.click("button:has-text('Save my tests and make my plan')")
    page.wait_for_url("**/today")
    assert "Your session" in page.inner_text("main")
    shot(page, screenshots, "phone-04-today")

    phone.add_init_script(RECORD_VOICE_AND_BEEPS)
    page.goto(f"{world.url}/session?clock=fast")
    shot(page, screenshots, "phone-05-session")
    page.check("input[name=metronome]")
    start = page.locator("[data-action=start]")
    expect(start).to_be_disabled()  # the first sessions are supervised: the helper comes first
    page.check("#helper-here")
    start.click()
    page.wait_for_selector("#done-form:not([hidden])", timeout=60_000)
    assert page.inner_text(".phase-name").startswith("Cool-down")
    spoken = page.evaluate("() => window.__spoken")
    assert any("Warm-up" in s for s in spoken)
    assert any("Keep your back straight" in s for s in spoken), spoken
    assert any("Cool-down" in s for s in spoken)
    assert page.evaluate("() => window.__beeps") > 20, "the step metronome beeps"
    shot(page, screenshots, "phone-06-session-done")
    page.click("#done-form button")
    page.wait_for_url("**/log?**")

    page.click("input[name=pain_peak_nprs][value='2'] >> xpath=..")
    page.click("input[name=pain_before_nprs][value='2'] >> xpath=..")
    page.click("input[name=pain_after_nprs][value='1'] >> xpath=..")
    page.click("input[name=effort_cr10][value='3'] >> xpath=..")
    # her plan needs someone there, and she says so herself: nothing is chosen for her (§7.9)
    assert page.locator("input[name=supervised]:checked").count() == 0
    page.check("input[name=supervised][value=yes]")
    shot(page, screenshots, "phone-07-log")
    page.click("button:has-text('Save')")
    assert "Session saved" in page.inner_text("h1")
    page.goto(f"{world.url}/checkin")
    assert "opens tomorrow morning" in page.inner_text("main"), "not the same day"
    assert page.locator("input[name=pain_nprs]").count() == 0

    # The next morning, as a walker whose session was yesterday (the app runs on the real clock).
    erin = walker_with_a_session_yesterday(world)
    page.click("button:has-text('Sign out')")
    page.wait_for_url("**/login")
    page.go_back()
    assert "Carol Backwards" not in page.inner_text("body"), "back after sign-out shows nothing"
    sign_in(page, world, erin.email, erin.password)
    page.wait_for_url("**/today")
    page.click("a:has-text('Do the morning check-in')")
    page.click("input[name=pain_nprs][value='2'] >> xpath=..")
    page.click("input[name=stiffness_nprs][value='1'] >> xpath=..")
    shot(page, screenshots, "phone-08-checkin")
    page.click("button:has-text('Send')")
    assert "Thank you" in page.inner_text("h1")
    assert page.locator(".reasons li").count() >= 1
    shot(page, screenshots, "phone-09-decision")

    page.click("a:has-text('See my progress')")
    page.wait_for_url("**/progress")
    assert page.locator("svg.chart").count() >= 3
    assert page.locator("svg.chart .band").count() >= 1
    assert "extrapolated" in page.inner_text("main")
    shot(page, screenshots, "phone-10-progress")
    page.goto(f"{world.url}/evidence")
    assert "Unsupported as cited" in page.inner_text("main")
    shot(page, screenshots, "phone-11-evidence")
    phone.close()

    desk.goto(f"{world.url}/clinician")
    assert "Carol Backwards" in desk.inner_text("main")
    shot(desk, screenshots, "desktop-01-walker-list")
    desk.click("a:has-text('Carol Backwards')")
    assert "Every decision and its reasons" in desk.inner_text("main")
    shot(desk, screenshots, "desktop-02-walker")
    clinician.close()


def test_walker_stops_a_session_and_the_clinician_sees_the_flag_and_clears(
    world: World, browser: Any, screenshots: Path
) -> None:
    dan = invite_walker(
        world.ctx, world.clinician_a, "dan@example.org", "Dan Stopper", "dan-pass-12"
    )
    walker_id = dan.walker.id  # type: ignore[union-attr]
    screening.screen_walker(world.ctx, dan.actor, walker_id, CLEARED_SCREENING)
    assessments.record_assessment(world.ctx, dan.actor, walker_id, BASELINE)
    plans.make_plan(world.ctx, dan.actor, walker_id)

    phone = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = phone.new_page()
    sign_in(page, world, dan.email, dan.password)
    page.wait_for_url("**/today")
    page.goto(f"{world.url}/session?clock=fast")
    start, pause = page.locator("[data-action=start]"), page.locator("[data-action=pause]")
    expect(pause).to_be_hidden()
    page.check("#helper-here")
    start.click()
    expect(start).to_be_hidden()  # a second tap on Start would run two clocks at once
    expect(pause).to_be_visible()
    expect(page.locator(".phase-name")).to_contain_text("Backward walking", timeout=20_000)
    page.wait_for_timeout(1000)  # about 2 clock-minutes of backward walking at 120x
    page.click("[data-action=stop]")
    dialog = page.locator("#stop-dialog")
    assert dialog.is_visible()
    dialog.locator("input[value=near_fall]").check()
    shot(page, screenshots, "phone-12-stop-dialog")
    dialog.locator("button:has-text('Stop and log the session')").click()
    page.wait_for_url("**/log?**")
    assert page.is_checked("input[name=adverse_events][value=near_fall]")
    page.click("button:has-text('Save')")  # nothing chosen yet: the summary is read out first
    expect(page.locator("#form-error")).to_be_focused()
    assert "Your worst knee pain during the session: please answer this" in page.inner_text(
        "#form-error"
    )
    assert "Was someone with you: please answer this" in page.inner_text("#form-error")
    page.click("input[name=pain_peak_nprs][value='4'] >> xpath=..")
    page.click("input[name=pain_before_nprs][value='3'] >> xpath=..")
    page.click("input[name=pain_after_nprs][value='3'] >> xpath=..")
    page.click("input[name=effort_cr10][value='5'] >> xpath=..")
    page.check("input[name=supervised][value=yes]")
    page.click("button:has-text('Save')")
    assert "Session saved" in page.inner_text("h1")
    assert "I nearly fell" in page.inner_text("[role=alert]")
    phone.close()

    desk_context = browser.new_context(viewport=DESKTOP)
    desk = desk_context.new_page()
    sign_in(desk, world, world.clinician_a.email, world.clinician_a.password)
    desk.wait_for_url("**/clinician")
    row = desk.locator(f"tr[data-walker-id='{walker_id}']")
    assert row.locator("[data-flag=adverse_event]").count() == 1
    desk.click("a:has-text('Dan Stopper')")
    review = desk.locator("[data-restriction=adverse_event]")
    review.locator("textarea").fill(
        "Phoned Dan: near-fall on a rug; path cleared. Carry on supervised."
    )
    review.locator("button:has-text('Clear the adverse-event review')").click()
    assert "Clearance saved" in desk.inner_text("main")
    assert "Cleared by" in desk.inner_text("main")  # the clearance is in the decision history
    desk.goto(f"{world.url}/clinician")
    row = desk.locator(f"tr[data-walker-id='{walker_id}']")
    assert row.locator("[data-flag=adverse_event]").count() == 0
    shot(desk, screenshots, "desktop-03-after-clearance")
    desk_context.close()


def test_walker_pages_reflow_at_200_percent_zoom(
    world: World, browser: Any, screenshots: Path
) -> None:
    """A 390-px phone at 200 % zoom is a 195-px wide page: nothing may need sideways scrolling."""
    context = browser.new_context(
        viewport={"width": 195, "height": 422}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    sign_in(page, world, world.walker_a.email, world.walker_a.password)
    page.wait_for_url("**/today")
    paths = ("/today", "/session", "/log", "/checkin", "/red-flags", "/progress", "/evidence")
    onboarding = ("/onboarding/screening", "/onboarding/tests")
    for path in paths + onboarding:
        page.goto(f"{world.url}{path}")
        too_wide = page.evaluate(TOO_WIDE_JS)
        assert too_wide == [], f"{path} scrolls sideways at 200 % zoom"
    shot(page, screenshots, "phone-200pct-progress")
    page.click("button:has-text('Sign out')")
    for path in ("/login", "/join?token=unknown"):
        page.goto(f"{world.url}{path}")
        assert page.evaluate(TOO_WIDE_JS) == [], f"{path} scrolls sideways at 200 % zoom"
    context.close()


def test_a_red_flag_stays_when_the_screening_is_answered_again_without_it(
    world: World, browser: Any, screenshots: Path
) -> None:
    """Persona R: calf pain and swelling, then the same screening again with clean answers."""
    rita = invite_walker(
        world.ctx, world.clinician_a, "rita@example.org", "Rita Retry", "rita-pass-12"
    )
    phone = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = phone.new_page()
    sign_in(page, world, rita.email, rita.password)
    page.goto(f"{world.url}/onboarding/screening")
    answer_screening(page, red_flag="calf_pain_swelling_warmth")
    page.click("button:has-text('Save my answers')")
    assert "a warning sign (red flag) stops it" in page.inner_text("main")
    assert page.locator("a:has-text('Go on to the baseline tests')").count() == 0

    page.goto(f"{world.url}/onboarding/screening")
    answer_screening(page)  # the same questions, now with nothing wrong
    page.click("button:has-text('Save my answers')")
    main = page.inner_text("main")
    assert "a warning sign (red flag) stops it" in main
    assert "Your answers this time name no warning sign, but an earlier one" in main
    assert "new answers cannot remove it. Only your clinician can clear it" in main
    assert "You can go on to the baseline tests" not in main  # never both at once
    assert page.locator("a:has-text('Go on to the baseline tests')").count() == 0
    shot(page, screenshots, "phone-13-red-flag-kept")

    page.goto(f"{world.url}/today")
    assert page.locator("[data-status=stopped]").count() == 1
    assert page.locator("a:has-text('Start the guided session')").count() == 0
    page.goto(f"{world.url}/session")
    page.wait_for_url("**/today")  # no guided session is offered
    phone.close()

    desk_context = browser.new_context(viewport=DESKTOP)
    desk = desk_context.new_page()
    sign_in(desk, world, world.clinician_a.email, world.clinician_a.password)
    desk.wait_for_url("**/clinician")
    row = desk.locator(f"tr[data-walker-id='{rita.walker.id}']")  # type: ignore[union-attr]
    assert row.locator("[data-flag=red_flag]").count() == 1
    assert "calf" in row.inner_text().lower()
    desk_context.close()


def test_a_hot_swollen_knee_in_the_evening_is_told_from_today_at_once(
    world: World, browser: Any, screenshots: Path
) -> None:
    """RULES.md §7.7 at any time: after the day's session, from "today", without waiting for
    the morning check-in; the walker is told what to do and her clinician sees it."""
    hana = invite_walker(
        world.ctx, world.clinician_a, "hana@example.org", "Hana Hot", "hana-pass-12"
    )
    walker_id = hana.walker.id  # type: ignore[union-attr]
    screening.screen_walker(world.ctx, hana.actor, walker_id, CLEARED_SCREENING)
    assessments.record_assessment(world.ctx, hana.actor, walker_id, BASELINE)
    plans.make_plan(world.ctx, hana.actor, walker_id)
    phone = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = phone.new_page()
    sign_in(page, world, hana.email, hana.password)
    page.wait_for_url("**/today")
    page.click("a:has-text('Tell us about a warning sign')")
    page.wait_for_url("**/red-flags")
    page.click("button:has-text('Send')")  # nothing ticked: asked again, in words
    expect(page.locator("#form-error")).to_be_focused()
    assert "None of these is new" in page.inner_text("#form-error")
    page.check("input[name=new_red_flags][value=hot_swollen_knee]")
    page.click("button:has-text('Send')")
    main = page.inner_text("main")
    assert "No backward walking for now" in main
    assert "See a doctor today" in main
    shot(page, screenshots, "phone-14-red-flag-reported")
    page.click("a:has-text('Back to today')")
    assert page.locator("[data-status=stopped]").count() == 1
    assert page.locator("a:has-text('Start the guided session')").count() == 0
    phone.close()

    desk_context = browser.new_context(viewport=DESKTOP)
    desk = desk_context.new_page()
    sign_in(desk, world, world.clinician_a.email, world.clinician_a.password)
    desk.wait_for_url("**/clinician")
    row = desk.locator(f"tr[data-walker-id='{walker_id}']")
    assert row.locator("[data-flag=red_flag]").count() == 1
    assert "hot, swollen knee" in row.inner_text().lower()  # the clinician's words
    desk_context.close()
