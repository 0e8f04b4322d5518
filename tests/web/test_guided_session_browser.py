"""The guided session on a phone, in Debian's Chromium (Playwright), on the fast clock.

What a 65-year-old walker needs from it, each shown here: the time left and "I need to stop"
on screen together at 320, 390 and 430 px and at 200 % zoom; a reload (or a closed tab) comes
back where it was; leaving a started session asks first; the stop dialog says the timer is
paused and how to go on; a metronome rate out of range is answered with a sentence; speech
in the page's language; and the ``retrowalk:phase`` events the motion recorder listens to.

200 % zoom is emulated as the browser does it: a 390-px phone at 200 % lays the page out in
195 CSS pixels (and 422 high) drawn at 2 device pixels each, so the viewport is halved and
``device_scale_factor`` doubled.
"""

from __future__ import annotations

from itertools import count
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from retrowalk.services import assessments, plans, screening
from tests.web.conftest import BASELINE, CLEARED_SCREENING, Person, World, invite_walker
from tests.web.own_world import world

pytestmark = pytest.mark.browser
__all__ = ["world"]  # this module's own app (tests/web/own_world.py)

_serial = count(1)

RECORD = """
window.__spoken = [];
window.__events = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = (u) => window.__spoken.push({text: u.text, lang: u.lang});
}
document.addEventListener("retrowalk:phase", (e) => window.__events.push(e.detail));
"""
"""Records what the page says (with its language) and the phase events it sends."""

IN_VIEW_JS = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return box.width > 0 && box.top >= 0 && box.left >= 0
    && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
}"""


def walker_with_plan(world: World) -> Person:
    """A new walker, screened, tested, with a plan and no session yet (so: supervised)."""
    n = next(_serial)
    person = invite_walker(
        world.ctx,
        world.clinician_a,
        f"guided{n}@example.org",
        f"Guided Walker {n}",
        "guided-pass-1",
    )
    assert person.walker is not None
    screening.screen_walker(world.ctx, person.actor, person.walker.id, CLEARED_SCREENING)
    assessments.record_assessment(world.ctx, person.actor, person.walker.id, BASELINE)
    plans.make_plan(world.ctx, person.actor, person.walker.id)
    return person


def phone(browser: Any, world: World, person: Person, **options: Any) -> tuple[Any, Any]:
    """A signed-in phone context and its page, with what it says and sends recorded."""
    settings = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
    context = browser.new_context(**{**settings, **options})
    context.add_init_script(RECORD)
    page = context.new_page()
    page.goto(f"{world.url}/login")
    page.fill("#email", person.email)
    page.fill("#password", person.password)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/today")
    return context, page


def start_session(page: Any, world: World) -> None:
    page.goto(f"{world.url}/session?clock=fast")
    page.check("#helper-here")
    page.click("[data-action=start]")


def timer_and_stop_on_screen(page: Any) -> None:
    for selector in (".countdown", "[data-action=stop]"):
        assert page.evaluate(IN_VIEW_JS, selector), f"{selector} is off screen at {page.url}"


def test_a_reload_mid_session_comes_back_where_it_was(
    world: World, browser: Any, screenshots: Path
) -> None:
    context, page = phone(browser, world, walker_with_plan(world))
    start_session(page, world)
    expect(page.locator(".phase-name")).to_contain_text("Backward walking", timeout=20_000)
    page.click("[data-action=pause]")
    before = page.inner_text(".countdown")
    page.reload()  # as a phone does when the tab was closed or the browser restarted
    expect(page.locator("#resume-notice")).to_be_visible()
    assert page.inner_text(".phase-name").startswith("Backward walking (2 of 3)")
    assert page.inner_text(".countdown") == before, "not back to Warm-up 5:00"
    assert "Backward walking" in page.inner_text("#resume-notice")
    carry_on = page.locator("[data-action=pause]")
    expect(carry_on).to_have_text("Carry on")
    expect(page.locator("[data-action=start]")).to_be_hidden()
    page.screenshot(path=str(screenshots / "guided-01-resumed-after-reload.png"))
    expect(carry_on).to_be_disabled()  # the helper is confirmed again on a fresh page
    page.check("#helper-here")
    carry_on.click()
    expect(page.locator("#resume-notice")).to_be_hidden()
    expect(page.locator(".countdown")).not_to_have_text(before)
    kinds = [e["kind"] for e in page.evaluate("() => window.__events")]
    assert kinds[0] == "resumed"

    # A closed tab: a new page of the same phone offers to log what was done instead.
    page.click("[data-action=pause]")
    page.close()
    page = context.new_page()
    page.goto(f"{world.url}/session?clock=fast")
    expect(page.locator("#resume-notice")).to_be_visible()
    page.click("#resume-notice button:has-text('Log what I did')")
    page.wait_for_url("**/log?**")
    minutes = float(page.input_value("#duration_min"))
    assert minutes > 0, "the minutes walked so far go to the log"
    assert "You stopped early" in page.inner_text("main")
    context.close()


def test_a_finished_session_after_a_reload_offers_the_log(world: World, browser: Any) -> None:
    context, page = phone(browser, world, walker_with_plan(world))
    start_session(page, world)
    page.wait_for_selector("#done-form:not([hidden])", timeout=60_000)
    page.reload()
    expect(page.locator("#done-form")).to_be_visible()
    expect(page.locator("#session-bar")).to_be_hidden()
    events = page.evaluate("() => window.__events")
    assert events == [], "nothing starts again by itself"
    context.close()


@pytest.mark.parametrize(
    ("width", "height", "scale"),
    [(320, 640, 1), (390, 844, 1), (430, 932, 1), (195, 422, 2), (160, 320, 2)],
    ids=["320px", "390px", "430px", "390px-at-200pct", "320px-at-200pct"],
)
def test_the_time_left_and_stop_are_on_screen_together_while_the_timer_runs(
    world: World, browser: Any, screenshots: Path, width: int, height: int, scale: int
) -> None:
    context, page = phone(
        browser,
        world,
        walker_with_plan(world),
        viewport={"width": width, "height": height},
        device_scale_factor=scale,
    )
    start_session(page, world)
    expect(page.locator("[data-action=pause]")).to_have_text("Pause")
    for where in ("0", "document.body.scrollHeight / 2", "document.body.scrollHeight"):
        page.evaluate(f"() => window.scrollTo(0, {where})")
        timer_and_stop_on_screen(page)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshots / f"guided-02-bar-{width}x{height}@{scale}x.png"))
    # The page leaves room for the bar: the last words of the page can be scrolled above it.
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    covered = page.evaluate(
        """() => {
          const bar = document.getElementById("session-bar").getBoundingClientRect();
          const last = document.querySelector("footer p:last-child").getBoundingClientRect();
          return last.bottom > bar.top + 1;
        }"""
    )
    assert not covered, "the bar hides the end of the page"
    context.close()


def test_leaving_a_started_session_asks_first(world: World, browser: Any) -> None:
    context, page = phone(browser, world, walker_with_plan(world))
    page.goto(f"{world.url}/session?clock=fast")
    page.click("a:has-text('Today')")  # not started: leaves without a question
    page.wait_for_url("**/today")
    start_session(page, world)
    seen: list[str] = []

    def stay(dialog: Any) -> None:
        seen.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.click("header a:has-text('Today')")
    page.wait_for_timeout(500)
    assert seen == ["beforeunload"]
    assert page.url.split("?")[0].endswith("/session"), "she stayed on the session"
    expect(page.locator("[data-action=pause]")).to_be_visible()
    page.remove_listener("dialog", stay)
    page.click("[data-action=stop]")
    page.click("#stop-dialog button:has-text('Stop and log the session')")
    page.wait_for_url("**/log?**")  # the stop form leaves without a question
    context.close()


def test_the_stop_dialog_says_the_timer_is_paused_and_how_to_go_on(
    world: World, browser: Any, screenshots: Path
) -> None:
    context, page = phone(browser, world, walker_with_plan(world))
    start_session(page, world)
    expect(page.locator(".phase-name")).to_contain_text("Backward walking", timeout=20_000)
    page.click("[data-action=stop]")
    dialog = page.locator("#stop-dialog")
    expect(dialog).to_be_visible()
    text = dialog.inner_text()
    assert "The timer is paused" in text
    assert "Backward walking" in text
    assert "left" in text
    assert "Go back to the session" in text
    assert "Carry on" in text
    page.screenshot(path=str(screenshots / "guided-03-stop-dialog.png"))
    shown = page.inner_text(".countdown")
    page.wait_for_timeout(600)
    assert page.inner_text(".countdown") == shown, "paused while the dialog is open"
    dialog.locator("button:has-text('Go back to the session')").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".run-state")).to_have_text("Paused")
    expect(page.locator("[data-action=pause]")).to_have_text("Carry on")
    expect(page.locator("[data-action=pause]")).to_be_focused()
    page.click("[data-action=pause]")
    page.wait_for_selector("#done-form:not([hidden])", timeout=60_000)
    events = page.evaluate("() => window.__events")
    kinds = [e["kind"] for e in events]
    assert kinds == ["warmup", "backward", "stopped", "resumed", "cooldown", "finished"], kinds
    assert events[1] == {
        "kind": "backward",
        "index": 1,
        "name": "Backward walking",
        "walking": True,
    }
    assert events[0]["walking"] is False
    spoken = page.evaluate("() => window.__spoken")
    assert spoken, "the reminders are spoken"
    assert {s["lang"] for s in spoken} == {"en"}, "in the page's language"
    context.close()


def test_pause_and_carry_on_send_their_events(world: World, browser: Any) -> None:
    context, page = phone(browser, world, walker_with_plan(world))
    start_session(page, world)
    page.click("[data-action=pause]")
    expect(page.locator("[data-action=pause]")).to_have_text("Carry on")
    page.click("[data-action=pause]")
    expect(page.locator("[data-action=pause]")).to_have_text("Pause")
    kinds = [e["kind"] for e in page.evaluate("() => window.__events")]
    assert kinds[:3] == ["warmup", "paused", "resumed"]
    context.close()


def test_a_metronome_rate_out_of_range_is_answered_with_a_sentence(
    world: World, browser: Any
) -> None:
    context, page = phone(browser, world, walker_with_plan(world))
    page.goto(f"{world.url}/session?clock=fast")
    bpm = page.locator("#bpm")
    assert bpm.input_value() == "80", "no step rate of her own yet: the starting value"
    assert "from 30 to 180" in page.inner_text("#bpm-hint")
    error = page.locator("#bpm-error")
    expect(error).to_be_hidden()
    for wrong in ("500", "12", "85.5"):
        bpm.fill(wrong)
        expect(error).to_be_visible()
        assert "from 30 to 180" in error.inner_text()
        expect(bpm).to_have_attribute("aria-invalid", "true")
    bpm.fill("96")
    expect(error).to_be_hidden()
    context.close()


FAKE_WAKE_LOCK = """
window.__locks = 0;
Object.defineProperty(navigator, "wakeLock", {configurable: true, value: {request: (kind) => {
  window.__locks += 1;
  const lock = new EventTarget();
  lock.type = kind;
  lock.release = () => { lock.dispatchEvent(new Event("release")); return Promise.resolve(); };
  window.__lock = lock;
  return Promise.resolve(lock);
}}});
"""
"""A Screen Wake Lock that counts requests (headless Chromium refuses the real one)."""


def test_the_screen_is_kept_awake_while_the_timer_runs(world: World, browser: Any) -> None:
    context, page = phone(browser, world, walker_with_plan(world))
    context.add_init_script(FAKE_WAKE_LOCK)
    start_session(page, world)
    page.wait_for_function("() => window.__locks === 1")
    assert page.evaluate("() => window.__lock.type") == "screen"
    expect(page.locator("#wake-hint")).to_be_hidden()
    # The browser drops the lock when the page is hidden; back in view, it is asked for again.
    page.evaluate("() => window.__lock.dispatchEvent(new Event('release'))")
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_function("() => window.__locks === 2")
    page.click("[data-action=pause]")
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__locks") == 2, "paused: the screen may sleep"
    context.close()


def test_a_field_reached_with_the_keyboard_is_not_hidden_under_the_bar(
    world: World, browser: Any
) -> None:
    context, page = phone(
        browser, world, walker_with_plan(world), viewport={"width": 390, "height": 500}
    )
    start_session(page, world)
    page.click("[data-action=pause]")
    page.evaluate("() => window.scrollTo(0, 0)")
    page.focus("#helper-here")
    for _ in range(40):  # Tab on until the steps-a-minute box, as a keyboard user would
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "bpm":
            break
    assert page.evaluate("() => document.activeElement.id") == "bpm"
    hidden = page.evaluate(
        """() => document.getElementById("bpm").getBoundingClientRect().bottom
              > document.getElementById("session-bar").getBoundingClientRect().top"""
    )
    assert not hidden, "the focused box is under the bar"
    context.close()
