"""A form whose security token is missing or out of date is shown again with what was typed
and a fresh token — never a bare 403 that loses it.

Before: "The security token of this form is missing or out of date. Reload the page and try
again." and everything typed was gone.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

import httpx

from retrowalk.services import history
from tests.web.conftest import World, form_csrf, sign_in


def hidden_fields(html: str) -> list[tuple[str, str]]:
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    return [(unescape(n), unescape(v)) for n, v in found]


def post_form(client: httpx.Client, action: str, fields: list[tuple[str, str]]) -> httpx.Response:
    return client.post(
        action,
        content=urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def send_again(client: httpx.Client, html: str) -> httpx.Response:
    """Press "Send again" (or "Sign in"): the page's form, as a browser would post it."""
    action = re.search(r'<form class="stack" method="post" action="([^"]+)"', html)
    assert action is not None
    return post_form(client, action.group(1), hidden_fields(html))


def test_an_out_of_date_token_shows_the_note_again_and_it_saves(world: World) -> None:
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    with world.client() as client:
        sign_in(client, world.clinician_a)
        refused = client.post(
            f"/clinician/walkers/{walker_id}/note",
            data={"csrf_token": "from-an-old-page", "note_text": "Knee better after rest"},
        )
        assert refused.status_code == 403
        assert "Please send this again" in refused.text
        assert "Nothing you typed is lost" in refused.text
        assert ("note_text", "Knee better after rest") in hidden_fields(refused.text)
        assert "Knee better after rest" in refused.text
        fresh = form_csrf(refused.text)
        assert fresh != "from-an-old-page"
        saved = send_again(client, refused.text)
        assert saved.status_code == 303
    notes = history.walker_history(world.ctx, world.admin, walker_id).notes
    assert notes[-1].text == "Knee better after rest"


def test_signed_out_while_typing_signs_in_again_and_keeps_the_form(world: World) -> None:
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    with world.client() as client:
        sign_in(client, world.clinician_a)
        token = form_csrf(client.get(f"/clinician/walkers/{walker_id}").text)
        client.cookies.clear()  # the sign-in ended (expired, or signed out elsewhere)
        refused = client.post(
            f"/clinician/walkers/{walker_id}/note",
            data={"csrf_token": token, "note_text": "Typed while signed out"},
        )
        assert refused.status_code == 403
        assert "You were signed out before this could be saved" in refused.text
        assert 'action="/login"' in refused.text
        fields = dict(hidden_fields(refused.text))
        assert fields["resume:note_text"] == "Typed while signed out"
        again = client.post(
            "/login",
            data={
                **fields,
                "email": world.clinician_a.email,
                "password": world.clinician_a.password,
            },
        )
        assert again.status_code == 200
        assert "Press the button to send it again" in again.text
        saved = send_again(client, again.text)
        assert saved.status_code == 303
    notes = history.walker_history(world.ctx, world.admin, walker_id).notes
    assert notes[-1].text == "Typed while signed out"


def test_a_sign_in_form_without_a_cookie_asks_only_for_the_password_again(
    world: World,
) -> None:
    with world.client() as client:
        refused = client.post(
            "/login", data={"email": world.walker_b.email, "password": world.walker_b.password}
        )
        assert refused.status_code == 403
        assert world.walker_b.password not in refused.text, "a password is never sent back"
        assert ("email", world.walker_b.email) in hidden_fields(refused.text)
        assert 'type="password"' in refused.text
        fields = hidden_fields(refused.text)
        done = post_form(client, "/login", [*fields, ("password", world.walker_b.password)])
        assert done.status_code == 303


def test_the_api_still_answers_403_with_a_sentence(world: World) -> None:
    with world.client() as client:
        sign_in(client, world.walker_a)
        response = client.post("/api/v1/walkers/1/notes", json={"text": "x"})
    assert response.status_code == 403
    assert "security token" in response.json()["detail"]


def _typed(html: str) -> dict[str, str]:
    """The "What will be sent" list, as (question → answer)."""
    block = html.split('<dl class="typed">')[1].split("</dl>")[0]
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block, re.S)
    return {unescape(q): unescape(a) for q, a in pairs}


def test_the_log_sent_again_lists_the_answers_in_the_forms_words(world: World) -> None:
    """Found by the outside-in test: "Did anything go wrong sharp_knee_pain", "Where did you
    walk flat_clear_known_path", "Speed unit m_s" and a 32-character "Form number"."""
    with world.client() as client:
        sign_in(client, world.walker_a)
        fields = [
            ("csrf_token", "from-an-old-page"),
            ("client_key", "0123456789abcdef0123456789abcdef"),
            ("stopped", "1"),
            ("pain_before_nprs", "2"),
            ("adverse_events", "sharp_knee_pain"),
            ("supervised", "yes"),
            ("duration_min", "4"),
            ("speed_unit", "km_h"),
            ("surface", "flat_clear_known_path"),
        ]
        refused = post_form(client, "/log", fields)
    assert refused.status_code == 403
    typed = _typed(refused.text)
    assert typed == {
        "You stopped before the end": "Yes",
        "Knee pain just before you started": "2",
        "Did anything go wrong": "Sharp pain in my knee",
        "Was someone with you": "Yes",
        "Minutes of backward walking": "4",
        "Speed in": "km/h (as a treadmill shows it)",
        "Where did you walk": "A flat, clear path you know",
    }
    assert "0123456789abcdef0123456789abcdef" not in str(typed)
    # the one-time key is still sent with the rest: the session is saved only once
    assert ("client_key", "0123456789abcdef0123456789abcdef") in hidden_fields(refused.text)
