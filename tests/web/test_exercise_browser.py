"""In Debian's Chromium, at phone size (390×844) and desk size (1366×900): the walker reads an
exercise with its drawing and ticks it done; she reads the education pages; her clinician sees
adherence and switches an exercise off. axe-core runs on every new page (0 serious or critical
findings); screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from retrowalk.clinical.education import pages_for
from retrowalk.services import exercise_log, screening
from tests.web.axe import assert_accessible, enable_axe
from tests.web.conftest import CLEARED_SCREENING, Person, World, invite_walker

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}
_count = itertools.count(1)

TOO_WIDE_JS = """() => {
  const width = document.documentElement.clientWidth;
  // inside a .table-wrap a wide table scrolls within its box, which must itself fit
  return [...document.querySelectorAll("main *")]
    .filter((el) => !el.parentElement.closest(".table-wrap"))
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .map((el) => `${el.tagName}.${el.className} ends at ${el.getBoundingClientRect().right}px`)
    .slice(0, 5);
}"""

IMAGE_DRAWN_JS = """(img) => img.complete && img.naturalWidth > 0"""


def _walker(world: World, size: str, **profile: Any) -> Person:
    """A fresh walker of clinician A who has answered the safety questions."""
    n = next(_count)
    walker = invite_walker(
        world.ctx,
        world.clinician_a,
        f"exb-{size}-{n}@example.org",
        f"Brow Walker {size} {n}",
        "brow-pass-123",
        **profile,
    )
    assert walker.walker is not None
    screening.screen_walker(world.ctx, walker.actor, walker.walker.id, CLEARED_SCREENING)
    return walker


def _page(browser: Any, size: str) -> tuple[Any, Any]:
    phone = size == "phone"
    context = browser.new_context(viewport=SIZES[size], has_touch=phone, is_mobile=phone)
    enable_axe(context)
    return context, context.new_page()


def _sign_in(page: Any, world: World, email: str, password: str) -> None:
    page.goto(f"{world.url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()


def _check(page: Any, folder: Path, name: str) -> None:
    """axe, no sideways scrolling, and a screenshot of the whole page."""
    assert_accessible(page, name)
    assert page.evaluate(TOO_WIDE_JS) == [], f"{name}: wider than the screen"
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", list(SIZES))
def test_the_walker_reads_an_exercise_with_its_picture_and_ticks_it_done(
    world: World, browser: Any, screenshots: Path, size: str
) -> None:
    walker = _walker(world, size)
    context, page = _page(browser, size)
    try:
        _sign_in(page, world, walker.email, walker.password)
        page.click("a:has-text('Your strengthening exercises')")
        expect(page.locator("h1")).to_have_text("Your exercises")
        _check(page, screenshots, f"{size}-exercises-01-list")
        page.click("a:has-text('Straight-leg raise')")
        picture = page.locator("figure.exercise-figure img")
        expect(picture).to_be_visible()
        assert picture.evaluate(IMAGE_DRAWN_JS), "the drawing did not load"
        assert "lifting the other leg" in (picture.get_attribute("alt") or "")
        expect(page.locator("ol.steps li")).to_have_count(4)
        _check(page, screenshots, f"{size}-exercises-02-straight-leg-raise")
        page.goto(f"{world.url}/exercises/leg_press")
        expect(page.get_by_text("Needs a machine.")).to_be_visible()
        _check(page, screenshots, f"{size}-exercises-03-leg-press")
        page.click("a.button:has-text('Tick what you did')")
        expect(page.locator("h1")).to_have_text("Tick your exercises")
        page.select_option("#sets__straight_leg_raise", "3")
        page.select_option("#pain__straight_leg_raise", "2")
        _check(page, screenshots, f"{size}-exercises-04-tick")
        page.click("button:has-text('Save')")
        expect(page.get_by_text("your exercises are saved")).to_be_visible()
        expect(page.get_by_text("exercises on 1 of")).to_be_visible()
        _check(page, screenshots, f"{size}-exercises-05-saved")
    finally:
        context.close()
    assert walker.walker is not None
    week = exercise_log.exercise_adherence(world.ctx, walker.actor, walker.walker.id).weeks[-1]
    done = next(e for e in week.exercises if e.exercise_key == "straight_leg_raise")
    assert (done.days_done, done.sets_done, done.pain_peak_nprs) == (1, 3, 2)


@pytest.mark.parametrize("size", list(SIZES))
def test_a_wrong_tick_is_explained_next_to_the_box(
    world: World, browser: Any, screenshots: Path, size: str
) -> None:
    walker = _walker(world, size)
    context, page = _page(browser, size)
    try:
        _sign_in(page, world, walker.email, walker.password)
        page.goto(f"{world.url}/exercises/log")
        page.select_option("#sets__semi_squat", "2")
        page.click("button:has-text('Save')")
        expect(page.locator("#pain__semi_squat-error")).to_be_visible()
        expect(page.locator("#pain__semi_squat")).to_have_attribute("aria-invalid", "true")
        _check(page, screenshots, f"{size}-exercises-06-tick-error")
    finally:
        context.close()


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("condition", ["oa", "patellofemoral_pain"])
def test_the_education_pages_read_on_a_phone_and_a_desk(
    world: World, browser: Any, screenshots: Path, size: str, condition: str
) -> None:
    walker = _walker(world, size, knee_condition=condition)
    context, page = _page(browser, size)
    try:
        _sign_in(page, world, walker.email, walker.password)
        page.click("a:has-text('all pages')")
        expect(page.locator("h1")).to_have_text("Learn")
        _check(page, screenshots, f"{size}-learn-{condition}-index")
        for item in pages_for(condition):
            page.goto(f"{world.url}/learn/{item.key}")
            expect(page.locator("h1")).to_have_text(item.title)
            _check(page, screenshots, f"{size}-learn-{condition}-{item.key}")
            if size == "phone":  # about one phone screen of reading, header aside
                main = page.locator("main").bounding_box()
                assert main is not None
                assert main["height"] < 2 * SIZES["phone"]["height"], item.key
    finally:
        context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_the_clinician_sees_adherence_and_switches_an_exercise_off(
    world: World, browser: Any, screenshots: Path, size: str
) -> None:
    walker = _walker(world, size)
    assert walker.walker is not None
    walker_id = walker.walker.id
    exercise_log.log_exercises(
        world.ctx,
        walker.actor,
        walker_id,
        {
            "client_key": f"browser-{size}",
            "exercises": [{"exercise_key": "semi_squat", "sets_done": 3, "pain_nprs": 3}],
        },
    )
    context, page = _page(browser, size)
    try:
        clinician = world.clinician_a
        _sign_in(page, world, clinician.email, clinician.password)
        page.goto(f"{world.url}/clinician/walkers/{walker_id}")
        section = page.locator("section[aria-labelledby=exercises-h]")
        expect(section).to_be_visible()
        expect(section.locator("tr[data-exercise=semi_squat]")).to_contain_text("1 of")
        section.scroll_into_view_if_needed()
        _check(page, screenshots, f"{size}-clinician-exercises-01-adherence")
        row = section.locator("tr[data-exercise=leg_press]")
        row.locator("input[name=reason]").fill("No gym near her home")
        row.locator("button:has-text('Switch off')").click()
        expect(page.get_by_text("Leg press (needs a machine) is switched off")).to_be_visible()
        row = page.locator("tr[data-exercise=leg_press]")
        expect(row).to_contain_text("No gym near her home")
        expect(row.locator("button")).to_contain_text("Switch on")
        _check(page, screenshots, f"{size}-clinician-exercises-02-switched-off")
    finally:
        context.close()
