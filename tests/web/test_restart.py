"""Restart ``retrowalk serve`` in the middle of people's work: nobody is signed out, and a
form filled in before the restart still saves after it.

Before, sign-ins lived in one process's memory: a restart signed everyone out, and a form
sent afterwards answered 403 "security token … out of date" and lost what was typed.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from retrowalk.services import history
from retrowalk.services.context import build_context
from tests.web.conftest import build_world, form_csrf, sign_in
from tests.web.serve_process import free_port, serving, sqlite_file_url


def test_a_restart_keeps_everyone_signed_in_and_a_half_filled_form_saves(
    tmp_path: Path,
) -> None:
    _, world = build_world(tmp_path)  # two clinicians, two walkers (SQLite file)
    url = sqlite_file_url(tmp_path / "web.sqlite")
    world.ctx.db.dispose()
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    port = free_port()
    api = httpx.Client(timeout=30)
    page = httpx.Client(timeout=30)
    visitor = httpx.Client(timeout=30)
    try:
        with serving(url, port=port) as server:
            base = server.url
            api.base_url = page.base_url = visitor.base_url = httpx.URL(base)
            csrf = sign_in(api, world.walker_a)
            sign_in(page, world.clinician_a)
            note_form = page.get(f"/clinician/walkers/{walker_id}")
            assert note_form.status_code == 200
            half_filled_token = form_csrf(note_form.text)
            login_form = visitor.get("/login")
            login_token = form_csrf(login_form.text)
        # ... the server is down here, and comes back on the same port and database ...
        with serving(url, port=port):
            me = api.get("/api/v1/me")
            assert me.status_code == 200, "the walker is still signed in"
            assert me.json()["email"] == world.walker_a.email
            still = api.get(f"/api/v1/walkers/{walker_id}", headers={"X-CSRF-Token": csrf})
            assert still.status_code == 200
            saved = page.post(
                f"/clinician/walkers/{walker_id}/note",
                data={"csrf_token": half_filled_token, "note_text": "Typed before the restart"},
            )
            assert saved.status_code == 303, saved.text[:300]
            signed = visitor.post(
                "/login",
                data={
                    "csrf_token": login_token,
                    "email": world.walker_b.email,
                    "password": world.walker_b.password,
                },
            )
            assert signed.status_code == 303, "a sign-in form from before the restart works"
    finally:
        for client in (api, page, visitor):
            client.close()
    ctx = build_context(url)
    try:
        notes = history.walker_history(ctx, world.admin, walker_id).notes
        assert [n.text for n in notes][-1:] == ["Typed before the restart"]
    finally:
        ctx.db.dispose()
