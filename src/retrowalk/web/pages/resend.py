"""A form whose security token is missing or out of date is shown again, never lost.

When a page form arrives without a valid CSRF token — the sign-in ended while the walker was
typing, the cookie was cleared, the form was opened in another tab before signing in again —
the request is not carried out, but what was typed is not thrown away either: the "send
again" page holds every field (passwords excepted: those are typed again) with a fresh token,
and one press sends it to where it was going. If the person is no longer signed in and the
form needs it, the same page asks them to sign in first and then offers to send it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from retrowalk.web import labels
from retrowalk.web.auth import CSRF_FORM_STATE_KEY, current_session
from retrowalk.web.render import render
from retrowalk.web.sign_in_store import CSRF_FIELD

RESUME_ACTION = "resume_action"
RESUME_PREFIX = "resume:"
PUBLIC_FORMS = ("/login", "/setup", "/join", "/reset")
"""Form actions that work without signing in (everything else needs it)."""
FIELD_LIMIT = 200
"""At most this many fields are carried (a real form has fewer than 60)."""

PASSWORD_LABELS = {
    "password": "Password",
    "password_again": "The same password again",
    "current_password": "Your current password",
    "new_password": "Your new password",
    "new_password_again": "Your new password again",
}
TYPED_LABELS: dict[str, str] = {
    **labels.CLINICIAN_FIELDS,
    **labels.TEST_FIELDS,
    **labels.CHECKIN_FIELDS,
    **labels.LOG_FIELDS,
    **labels.JOIN_FIELDS,
    **labels.SETUP_FIELDS,
    "email": "Email",
}
"""The questions as their pages ask them, to show what was typed in the page's own words."""


def is_password(name: str) -> bool:
    return "password" in name


def safe_action(target: str) -> str | None:
    """A local path to send a form to (never another site), or None."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def carried_fields(form: FormData | None, prefix: str = "") -> list[tuple[str, str]]:
    """The text fields of ``form`` to carry (names starting with ``prefix``, which is removed),
    without the old token and without passwords."""
    if form is None:
        return []
    kept: list[tuple[str, str]] = []
    for name, value in form.multi_items():
        if not isinstance(value, str) or not name.startswith(prefix):
            continue
        bare = name[len(prefix) :]
        if (
            bare in (CSRF_FIELD, RESUME_ACTION)
            or is_password(bare)
            or bare.startswith(RESUME_PREFIX)
        ):
            continue
        kept.append((bare, value))
    return kept[:FIELD_LIMIT]


def password_fields(form: FormData | None, prefix: str = "") -> list[tuple[str, str]]:
    """(name, label) of the password boxes the form had: they are typed again."""
    if form is None:
        return []
    names = [
        n[len(prefix) :] for n in form if n.startswith(prefix) and is_password(n[len(prefix) :])
    ]
    return [(n, PASSWORD_LABELS.get(n, "Password")) for n in dict.fromkeys(names)]


def _typed(fields: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    shown: dict[str, list[str]] = {}
    for name, value in fields:
        if name in TYPED_LABELS and value.strip():
            shown.setdefault(TYPED_LABELS[name].rstrip("?: "), []).append(value.strip())
    return [(label, ", ".join(values)) for label, values in shown.items()]


def render_send_again(
    request: Request,
    action: str,
    fields: list[tuple[str, str]],
    passwords: list[tuple[str, str]],
    *,
    status_code: int = 403,
    error: str | None = None,
) -> HTMLResponse:
    """The "send again" page for ``action`` with ``fields`` carried and a fresh token."""
    session = current_session(request)
    signed_in = session is not None and session.account_id is not None
    needs_sign_in = not signed_in and not action.split("?")[0].startswith(PUBLIC_FORMS)
    context: dict[str, Any] = {
        "title": "Please send this again",
        "action": "/login" if needs_sign_in else action,
        "resume_action": action if needs_sign_in else None,
        "hidden": [(RESUME_PREFIX + n if needs_sign_in else n, v) for n, v in fields],
        "passwords": [] if needs_sign_in else passwords,
        "needs_sign_in": needs_sign_in,
        "typed": _typed(fields),
        "error": error,
        "values": {},
    }
    return render(request, "auth/send_again.html", context, status_code=status_code)


def send_again_after_csrf_error(request: Request) -> HTMLResponse:
    """The answer to a page form whose CSRF token was missing or out of date."""
    form = request.scope.get("state", {}).get(CSRF_FORM_STATE_KEY)
    action = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return render_send_again(request, action, carried_fields(form), password_fields(form))
