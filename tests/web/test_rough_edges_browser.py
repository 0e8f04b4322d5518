"""Issue 12's rough edges that only a browser shows (Debian's Chromium, Playwright).

- The top menu is compact on a phone (it took 170 px at 390 px wide).
- The 0–10 pain scale is one line, or two rows whose ends line up with "0 = …" and "10 = …"
  (it wrapped 5/5/1, so "10 = worst" stood under nothing).
- A long unbroken word (a 4,000-letter note) wraps: it never widens the clinician's table
  (it made it 43,203 px wide).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from retrowalk.services import sessions
from retrowalk.services.schemas.base import TEXT_MAX_CHARS
from tests.web.conftest import SESSION_BODY, Person, World
from tests.web.own_world import world
from tests.web.test_walker_usability import new_walker_with_plan

pytestmark = pytest.mark.browser
__all__ = ["world"]  # this module's own app (tests/web/own_world.py)

SCALE_JS = """(name) => {
  const boxes = [...document.querySelectorAll(`input[name=${name}]`)]
    .map((i) => i.closest("label").getBoundingClientRect());
  const ends = [...document.querySelector(`input[name=${name}]`).closest("fieldset")
    .querySelectorAll(".scale-ends span")].map((s) => s.getBoundingClientRect());
  const rows = [...new Set(boxes.map((b) => Math.round(b.top)))].length;
  return {rows, first: boxes[0], last: boxes[boxes.length - 1], low: ends[0], high: ends[1]};
}"""


WIDTHS_JS = """() => {
  const widest = (selector, key) => Math.max(...[...document.querySelectorAll(selector)]
    .map((el) => el[key]));
  return {
    page: document.documentElement.scrollWidth,
    view: document.documentElement.clientWidth,
    table: widest("table", "scrollWidth"),
    wrap: widest(".table-wrap", "clientWidth"),
  };
}"""


def sign_in(page: Any, world: World, person: Person) -> None:
    page.goto(f"{world.url}/login")
    page.fill("#email", person.email)
    page.fill("#password", person.password)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()


@pytest.mark.parametrize(
    ("width", "walker_px", "staff_px"), [(390, 130, 170), (320, 170, 220), (1366, 70, 70)]
)
def test_the_top_menu_is_compact(
    world: World, browser: Any, width: int, walker_px: int, staff_px: int
) -> None:
    """The walker's menu (five items) in two rows at 390 px; the clinician's (seven) in three."""
    for person, most in ((world.walker_a, walker_px), (world.clinician_a, staff_px)):
        context = browser.new_context(viewport={"width": width, "height": 844})
        page = context.new_page()
        sign_in(page, world, person)
        height = page.evaluate("() => document.querySelector('header').offsetHeight")
        assert height <= most, f"{person.name}'s menu is {height} px tall at {width} px"
        links = page.locator("header nav a, header nav button")
        for i in range(links.count()):
            box = links.nth(i).bounding_box()
            assert box["height"] >= 44, "every menu item keeps a 44-px tap target"
        context.close()


@pytest.mark.parametrize(
    ("width", "scale", "rows"), [(1366, 1, 1), (390, 1, 2), (320, 1, 2), (195, 2, 2)]
)
def test_the_pain_scale_keeps_its_ends_in_line(
    world: World, browser: Any, screenshots: Path, width: int, scale: int, rows: int
) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": 844}, device_scale_factor=scale
    )
    page = context.new_page()
    sign_in(page, world, new_walker_with_plan(world))
    page.goto(f"{world.url}/log")
    found = page.evaluate(SCALE_JS, "pain_peak_nprs")
    assert found["rows"] == rows, f"{found['rows']} rows at {width} px"
    assert abs(found["first"]["left"] - found["low"]["left"]) <= 1, "0 sits over '0 = …'"
    assert abs(found["last"]["right"] - found["high"]["right"]) <= 1, "10 ends over '10 = …'"
    page.locator("fieldset:has(input[name=pain_peak_nprs])").screenshot(
        path=str(screenshots / f"pain-scale-{width}px@{scale}x.png")
    )
    context.close()


def test_a_long_unbroken_note_wraps_in_the_clinicians_table(
    world: World, browser: Any, screenshots: Path
) -> None:
    person = new_walker_with_plan(world)
    assert person.walker is not None
    word = "knee" * (TEXT_MAX_CHARS // 4)
    sessions.log_session(
        world.ctx,
        person.actor,
        person.walker.id,
        {**SESSION_BODY, "client_key": "long-word", "note": word},
    )
    for width in (1366, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        sign_in(page, world, world.clinician_a)
        page.goto(f"{world.url}/clinician/walkers/{person.walker.id}")
        widths = page.evaluate(WIDTHS_JS)
        assert widths["page"] <= widths["view"], f"the page scrolls sideways at {width} px"
        assert widths["table"] <= max(widths["view"], 1100), widths
        if width == 1366:
            assert widths["table"] <= widths["wrap"] + 1, "the table is no wider than its box"
            page.screenshot(path=str(screenshots / "desktop-long-note.png"))
        context.close()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, world, person)
    for path in ("/progress", "/today"):
        page.goto(f"{world.url}{path}")
        assert page.evaluate(
            "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ), f"{path} scrolls sideways"
    context.close()
