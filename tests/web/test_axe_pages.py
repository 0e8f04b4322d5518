"""axe-core on every walker and clinician page, in each state a person meets, at phone size
(390×844) and at a desk (1366×900): 0 serious or critical violations (issue 12).

States, not just addresses: a form empty, a form sent back with its errors, a result, the
guided session before Start, running (its fixed bar) and with the stop dialog open, today
in each status a walker meets (screening first, ready, done, stopped, warning-sign questions
unasked), the warning-sign report (empty, with errors, a flag, none), the reminders page
before and after the link is made, the clinician's list, a walker with an adverse event, the
change log, a reassessment sent back part-answered, invitations, team and policy, and the pages
before sign-in. Every state is run through axe before the test fails, so one run lists
everything to fix; a screenshot of each goes to test-artifacts/screenshots/axe/.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from retrowalk.services import assessments, plans, screening, sessions
from tests.web.axe import FAILING_IMPACTS, axe_violations, enable_axe
from tests.web.conftest import (
    BASELINE,
    CLEARED_SCREENING,
    SESSION_BODY,
    Person,
    World,
    invite_walker,
    web_admin,
)
from tests.web.own_world import world

pytestmark = pytest.mark.browser
__all__ = ["world"]  # this module's own app (tests/web/own_world.py)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
_serial = count(1)


def person(world: World, label: str, *, stage: str) -> Person:
    """A walker of clinician A at ``stage``: new, planned, yesterday (a session yesterday),
    today (a session today) or stopped (a fall reported)."""
    n = next(_serial)
    walker = invite_walker(
        world.ctx,
        world.clinician_a,
        f"axe-{label}{n}@example.org",
        f"Axe {label} {n}",
        "axe-pass-123",
    )
    assert walker.walker is not None
    walker_id = walker.walker.id
    if stage == "new":
        return walker
    screening.screen_walker(world.ctx, walker.actor, walker_id, CLEARED_SCREENING)
    assessments.record_assessment(world.ctx, walker.actor, walker_id, BASELINE)
    plans.make_plan(world.ctx, walker.actor, walker_id)
    body: dict[str, Any] = {**SESSION_BODY, "client_key": f"axe-{n}"}
    if stage == "yesterday":
        body["performed_at"] = datetime.now(UTC) - timedelta(days=1)
    if stage == "stopped":
        body["adverse_events"] = ["fall"]
    if stage != "planned":
        # logged when walked: a session logged on a later day opens its check-in the morning
        # after the log (policy), and this state shows the check-in form
        when = body.get("performed_at")
        ctx = world.ctx.at(when) if isinstance(when, datetime) else world.ctx
        sessions.log_session(ctx, walker.actor, walker_id, body)
    return walker


class Checker:
    """Runs axe on each state and keeps what it finds, with a screenshot of the state."""

    def __init__(self, folder: Path, viewport: str) -> None:
        self.folder = folder / "axe"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.viewport = viewport
        self.found: list[str] = []
        self.states: list[str] = []
        self.blind_spot_found = False

    def __call__(self, page: Any, state: str) -> None:
        page.wait_for_load_state()
        self.states.append(state)
        for v in axe_violations(page):
            if v["impact"] in FAILING_IMPACTS:
                self.found.append(
                    f"{state} ({page.url}): {v['impact']} {v['id']} — {v['help']} at {v['targets']}"
                )
        name = state.replace(" ", "-").replace("/", "-")
        page.screenshot(path=str(self.folder / f"{self.viewport}-{name}.png"), full_page=True)


def signed_in(browser: Any, world: World, who: Person, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport)
    enable_axe(context)
    page = context.new_page()
    page.goto(f"{world.url}/login")
    page.fill("#email", who.email)
    page.fill("#password", who.password)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()
    return page


def visit(page: Any, world: World, check: Checker) -> Callable[[str, str], None]:
    def go(path: str, state: str) -> None:
        page.goto(f"{world.url}{path}")
        check(page, state)

    return go


def walker_states(browser: Any, world: World, check: Checker, viewport: dict[str, int]) -> None:
    fresh = person(world, "new", stage="new")
    assert fresh.walker is not None
    new = signed_in(browser, world, fresh, viewport)
    go = visit(new, world, check)
    go("/today", "today needs screening")
    go("/onboarding/screening", "screening")
    new.click("button:has-text('Save my answers')")
    check(new, "screening with errors")
    screening.screen_walker(world.ctx, fresh.actor, fresh.walker.id, CLEARED_SCREENING)
    go("/today", "today needs tests")
    go("/onboarding/tests", "tests")
    new.click("button:has-text('Save my tests')")
    check(new, "tests with errors")
    go("/log", "report only log")
    # tests recorded, no plan yet (as when a red flag stopped it and was cleared since)
    assessments.record_assessment(world.ctx, fresh.actor, fresh.walker.id, BASELINE)
    go("/today", "today make my plan")
    new.context.close()

    page = signed_in(browser, world, person(world, "planned", stage="planned"), viewport)
    go = visit(page, world, check)
    go("/today", "today ready")
    go("/session?clock=fast", "session before start")
    page.check("#helper-here")
    page.click("[data-action=start]")
    page.wait_for_timeout(300)
    check(page, "session running")
    page.click("[data-action=stop]")
    check(page, "session stop dialog")
    page.click("#stop-dialog button:has-text('Go back to the session')")
    check(page, "session paused")
    page.click("[data-action=pause]")
    page.wait_for_selector("#done-form:not([hidden])", timeout=60_000)
    check(page, "session finished")
    page.click("#done-form button")
    check(page, "log")
    page.click("button:has-text('Save')")
    check(page, "log with errors")
    for name, value in (("pain_peak_nprs", "2"), ("pain_before_nprs", "2")):
        page.click(f"input[name={name}][value='{value}'] >> xpath=..")
    page.click("input[name=pain_after_nprs][value='1'] >> xpath=..")
    page.click("input[name=effort_cr10][value='3'] >> xpath=..")
    page.check("input[name=supervised][value=yes]")
    page.click("button:has-text('Save')")
    check(page, "logged")
    page.click("a:has-text('See this session')")
    check(page, "recorded session")
    go("/today", "today done")
    go("/log", "log another session today")
    go("/checkin", "checkin too early")
    go("/reminders", "reminders before the link")
    page.click("button:has-text('Make my calendar link')")
    check(page, "reminders with the link")
    go("/plan/print", "printable plan")
    go("/progress", "progress")
    go("/exercises", "exercises")
    page.locator("main h3 a[href^='/exercises/']").first.click()
    check(page, "exercise how-to")
    go("/exercises/log", "exercise log")
    page.click("main form button[type=submit]")
    check(page, "exercise log sent back")
    go("/learn", "learn")
    page.locator("main a[href^='/learn/']").first.click()
    check(page, "learn page")
    go("/account", "account")
    go("/evidence", "evidence")
    go("/no-such-page", "not found")
    page.context.close()

    page = signed_in(browser, world, person(world, "yesterday", stage="yesterday"), viewport)
    go = visit(page, world, check)
    go("/today", "today morning check-in due")
    go("/checkin", "checkin")
    page.click("button:has-text('Send')")
    check(page, "checkin with errors")
    page.click("input[name=pain_nprs][value='2'] >> xpath=..")
    page.click("input[name=stiffness_nprs][value='1'] >> xpath=..")
    page.click("button:has-text('Send')")
    check(page, "checkin result")
    page.context.close()

    page = signed_in(browser, world, person(world, "stopped", stage="stopped"), viewport)
    go = visit(page, world, check)
    go("/today", "today stopped")
    go("/log", "tell us what went wrong")
    go("/red-flags", "warning signs")
    page.click("button:has-text('Send')")
    check(page, "warning signs with errors")
    page.check("input[name=new_red_flags][value=hot_swollen_knee]")
    page.click("button:has-text('Send')")
    check(page, "warning signs result")
    page.context.close()

    # a session the clinic logged closed yesterday's check-in: its red-flag questions wait
    unasked = person(world, "unasked", stage="yesterday")
    assert unasked.walker is not None
    body = {**SESSION_BODY, "client_key": f"axe-clinic-{next(_serial)}"}
    sessions.log_session(world.ctx, world.clinician_a.actor, unasked.walker.id, body)
    page = signed_in(browser, world, unasked, viewport)
    go = visit(page, world, check)
    go("/today", "today warning-sign questions unasked")
    go("/red-flags", "warning signs unasked")
    page.check("input[name=none_of_these]")
    page.click("button:has-text('Send')")
    check(page, "warning signs none")
    page.context.close()


def clinician_states(browser: Any, world: World, check: Checker, viewport: dict[str, int]) -> None:
    flagged = person(world, "flagged", stage="stopped")
    assert flagged.walker is not None
    page = signed_in(browser, world, world.clinician_a, viewport)
    go = visit(page, world, check)
    go("/clinician", "clinician list")
    go(f"/clinician/walkers/{flagged.walker.id}", "clinician walker with a fall")
    page.click("button:has-text('Clear the adverse-event review')")
    check(page, "clinician clearance with errors")
    go(f"/clinician/walkers/{world.walker_a.walker.id}", "clinician walker with history")  # type: ignore[union-attr]
    page.click("summary:has-text('Record a reassessment')")
    page.check("input[name='fell_past_12_months'][value='no']")
    page.click("button:has-text('Save reassessment')")  # part-answered: refused, nothing kept
    check(page, "clinician reassessment with the questions about falls part-answered")
    go(f"/clinician/walkers/{flagged.walker.id}/audit", "clinician change log")
    go("/clinician/invite", "clinician invite")
    page.fill("#email", f"axe-invite{next(_serial)}@example.org")
    page.click("button:has-text('Create invitation link')")
    check(page, "clinician invitation made")
    go("/clinician/invitations", "clinician invitations")
    go("/team", "team")
    go("/team/policy", "policy")
    go("/account", "clinician account")
    go("/evidence", "clinician evidence")
    page.context.close()

    no_plan = person(world, "noplan", stage="new")
    assert no_plan.walker is not None
    screening.screen_walker(world.ctx, no_plan.actor, no_plan.walker.id, CLEARED_SCREENING)
    assessments.record_assessment(world.ctx, no_plan.actor, no_plan.walker.id, BASELINE)
    admin = web_admin(world, f"axe-admin{next(_serial)}@example.org")
    page = signed_in(browser, world, admin, viewport)
    go = visit(page, world, check)
    go(f"/clinician/walkers/{no_plan.walker.id}", "administrator walker without a plan")
    page.click("summary:has-text('Move to another clinician')")
    page.click("button:has-text('Move the walker')")
    check(page, "move to another clinician with errors")
    page.context.close()

    context = browser.new_context(viewport=viewport)
    enable_axe(context)
    anonymous = context.new_page()
    go = visit(anonymous, world, check)
    go("/login", "sign in")
    # The checker is not blind: a planted image without alt text is a critical finding.
    anonymous.evaluate(
        "() => document.querySelector('main').append(Object.assign("
        "document.createElement('img'), {src: '/static/favicon.svg'}))"
    )
    check.blind_spot_found = any(v["id"] == "image-alt" for v in axe_violations(anonymous))
    anonymous.reload()
    anonymous.click("button:has-text('Sign in')")
    check(anonymous, "sign in with errors")
    go("/join?token=unknown", "join with an unknown link")
    go("/evidence", "evidence signed out")
    context.close()


@pytest.mark.parametrize(
    "viewport",
    # every state at phone size on each run; the desktop pass (a minute) with ``make test-all``
    ["phone", pytest.param("desktop", marks=pytest.mark.slow)],
)
def test_axe_finds_nothing_serious_on_any_page(
    world: World, browser: Any, screenshots: Path, viewport: str
) -> None:
    check = Checker(screenshots, viewport)
    walker_states(browser, world, check, VIEWPORTS[viewport])
    clinician_states(browser, world, check, VIEWPORTS[viewport])
    assert len(check.states) >= 51, check.states
    assert check.blind_spot_found, "axe found the planted image without alt text"
    assert check.found == [], f"{len(check.found)} serious or critical:\n" + "\n".join(check.found)
