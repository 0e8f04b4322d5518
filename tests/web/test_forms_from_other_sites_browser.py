"""Another website's page submits a form to retrowalk in a real browser (Debian's Chromium):
nothing is stored, and the person is told the form came from another website.

The page is served by a second server on another port of the same machine: to the browser
another origin of the same site, so the ``SameSite=Lax`` sign-in cookie goes with its form —
the case the cookie alone does not stop. The clinician's own form still works afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from retrowalk.services import history, policies
from tests.web.conftest import Person, World, web_admin
from tests.web.own_world import world
from tests.web.planned_walkers import text_of
from tests.web.test_forms_from_other_sites import REFUSED, active_kinds, audit_rows, red_flagged

pytestmark = pytest.mark.browser
__all__ = ["world"]  # this module's own app (tests/web/own_world.py)


def forged_page(action: str, fields: dict[str, str]) -> bytes:
    """A page that posts ``fields`` to ``action`` as soon as it opens (no click needed)."""
    inputs = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in fields.items()
    )
    return (
        "<!doctype html><title>You won a prize</title>"
        f'<form id="f" method="post" action="{escape(action)}">{inputs}</form>'
        "<script>document.getElementById('f').submit()</script>"
    ).encode()


class OtherSite:
    """A tiny web server on another port, serving one forged page per path."""

    def __init__(self, pages: dict[str, bytes]) -> None:
        served = pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = served.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the test's output is the test's."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> OtherSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@contextmanager
def signed_in_page(browser: Any, world: World, person: Person) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{world.url}/login")
    page.fill("#email", person.email)
    page.fill("#password", person.password)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()
    try:
        yield page
    finally:
        context.close()


def land(page: Any, world: World, forged_url: str, action: str) -> str:
    """Open the other site's page; its form sends the browser to ``action``: that page's text."""
    page.goto(forged_url)
    page.wait_for_url(f"{world.url}{action}")
    page.wait_for_load_state()
    assert page.locator("button:has-text('Send again')").count() == 0
    assert page.locator("input[type=password]").count() == 0
    return text_of(page.content())


def test_another_sites_page_cannot_lift_a_red_flag_or_change_the_policy(
    browser: Any, world: World
) -> None:
    person = red_flagged(world)
    admin = web_admin(world)
    assert person.walker is not None
    clear = f"/clinician/walkers/{person.walker.id}/clear"
    version = policies.current_policy(world.ctx, world.admin).version
    rows = audit_rows(world)
    pages = {
        "/clear": forged_page(
            world.url + clear, {"scope": "red_flag", "clear_reason": "All fine, says the page"}
        ),
        "/policy": forged_page(
            world.url + "/team/policy",
            {
                "supervised_first_sessions_low_risk": "0",
                "rest_day_pain_from_nprs": "10",
                "reason": "Faster progress",
            },
        ),
    }
    with OtherSite(pages) as other:
        with signed_in_page(browser, world, world.clinician_a) as page:
            assert REFUSED in land(page, world, other.url + "/clear", clear)
            # still signed in, and her own form on retrowalk's page still saves
            page.goto(f"{world.url}/clinician/walkers/{person.walker.id}")
            page.fill("textarea[name=note_text]", "Rang her: knee less hot")
            page.locator("form[action$='/note'] button[type=submit]").click()
            page.wait_for_load_state()
        with signed_in_page(browser, world, admin) as page:
            assert REFUSED in land(page, world, other.url + "/policy", "/team/policy")
    record = history.walker_history(world.ctx, world.admin, person.walker.id)
    assert record.clearances == ()
    assert "red_flag" in active_kinds(world, person)
    assert policies.current_policy(world.ctx, world.admin).version == version
    assert [n.text for n in record.notes] == ["Rang her: knee less hot"]
    assert audit_rows(world) == rows + 1, "only her own note"
