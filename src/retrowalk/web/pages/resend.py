"""A form whose security token is missing or out of date is shown again, never lost.

When a page form arrives without a valid CSRF token — the sign-in ended while the walker was
typing, the cookie was cleared, the form was opened in another tab before signing in again —
the request is not carried out, but what was typed is not thrown away either: the "send
again" page holds every field (passwords excepted: those are typed again) with a fresh token,
and one press sends it to where it was going. If the person is no longer signed in and the
form needs it, the same page asks them to sign in first and then offers to send it again.

The page says in plain words what pressing the button will do and to whom ("Lift the red flag
of Walt Walker, with the reason …") and lists every field it sends: a person presses it
knowing what it does. A form another website's page sent is never offered again
(:func:`render_other_site_refusal`): the person did not make it, and one press would carry it
out under their name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from starlette.datastructures import FormData

from retrowalk.present import vocabulary as vocab
from retrowalk.present.numbers import policy_text
from retrowalk.services import policies, walkers
from retrowalk.services.errors import ServiceError
from retrowalk.services.schemas.clinician import LEGACY_SCOPES
from retrowalk.web import labels
from retrowalk.web.auth import (
    CSRF_FORM_STATE_KEY,
    actor_of,
    current_session,
    from_another_site,
)
from retrowalk.web.forms import FORM_KEY_FIELD
from retrowalk.web.pages.walker_pages import CHECKIN_FLAG_STATEMENTS, NONE_FIELD, SPEED_UNITS
from retrowalk.web.render import render
from retrowalk.web.sign_in_store import CSRF_FIELD
from retrowalk.web.state import web_state

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
    **labels.ANOTHER_TODAY_FIELD,
    "speed_unit": "Speed in",
    "stopped": "You stopped before the end",
    NONE_FIELD: "None of these is new",
    "email": "Email",
    "reason": "Why",
}
"""The questions as their pages ask them, to show what was typed in the page's own words."""

NOT_SHOWN = frozenset(
    {FORM_KEY_FIELD, "asked_another", "token", "next", "account_id", "invitation_id"}
    | {"session_id", "action"}
)
"""Hidden fields of the forms that carry no answer (a one-time key, a link's secret, where to
go next, a row's number): sent again as they were, and not listed as if typed (found by the
outside-in test: a 32-character "Form number" among her answers)."""

CHOICE_WORDS: dict[str, Mapping[str, str]] = {
    "surface": {code: words.capitalize() for code, words in vocab.SURFACES.choices().items()},
    "adverse_events": vocab.ADVERSE_EVENTS.choices(),
    "new_red_flags": CHECKIN_FLAG_STATEMENTS,
    "speed_unit": SPEED_UNITS,
    "stopped": {"1": "Yes"},
}
"""A choice's words as its form shows them, never its code (found by the outside-in test:
"Where did you walk flat_clear_known_path", "Speed unit m_s")."""
YES_NO_WORDS = {"yes": "Yes", "no": "No"}


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


def _label(name: str) -> str:
    """A field's question as its page asks it; a field no page names, as the policy page
    shows it (its name in words)."""
    label = TYPED_LABELS.get(name)
    return label.rstrip("?: ") if label else name.replace("_", " ").capitalize()


def _value_words(name: str, value: str) -> str:
    """An answer as its form shows it: a choice in its words, yes or no as Yes or No."""
    bare = value.strip()
    if name == "scope" and bare:
        return vocab.RESTRICTIONS.short(LEGACY_SCOPES.get(bare, bare))
    if name in CHOICE_WORDS:
        return CHOICE_WORDS[name].get(bare, bare or "(left empty)")
    return YES_NO_WORDS.get(bare, bare or "(left empty)")


def _sent(fields: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Every answer the button sends, as (question, answer): nothing is sent unseen but the
    hidden fields that carry no answer (:data:`NOT_SHOWN`)."""
    shown: dict[str, list[str]] = {}
    for name, value in fields:
        if name in NOT_SHOWN or (name == "stopped" and not value.strip()):
            continue
        shown.setdefault(name, []).append(_value_words(name, value))
    return [(_label(name), ", ".join(values)) for name, values in shown.items()]


# --- what the button does, in words ----------------------------------------------------------

Describe = Callable[[Request, Mapping[str, str], dict[str, str]], str]


def _walker(request: Request, walker_id: str) -> str:
    """The walker's name, when the signed-in person may see it; else their number."""
    actor = actor_of(current_session(request))
    if actor is not None:
        try:
            return walkers.get_walker(web_state(request).ctx, actor, int(walker_id)).display_name
        except (ServiceError, ValueError, OverflowError):
            pass
    return f"the walker with number {walker_id}"


def _why(fields: Mapping[str, str], name: str) -> str:
    reason = fields.get(name, "").strip()
    return f', with the reason "{reason}"' if reason else ", with no reason given"


def _clear(request: Request, path: Mapping[str, str], fields: dict[str, str]) -> str:
    scope = fields.get("scope", "").strip()
    what = f"the {_value_words('scope', scope)}" if scope else "a restriction"
    return f"Lift {what} of {_walker(request, path['walker_id'])}{_why(fields, 'clear_reason')}."


def _policy(request: Request, path: Mapping[str, str], fields: dict[str, str]) -> str:
    """The policy values this would change, each from its value in force to the new one."""
    actor = actor_of(current_session(request))
    changes: list[str] = []
    if actor is not None:
        try:
            current = policies.current_policy(web_state(request).ctx, actor)
        except ServiceError:
            current = None
        for field in current.fields if current is not None else ():
            if field.name in fields:
                now, new = policy_text(field.value), fields[field.name].strip()
                if new != now:
                    changes.append(f"{_label(field.name).lower()} from {now} to {new or '(empty)'}")
    what = ": " + "; ".join(changes) if changes else ""
    return f"Change the clinic policy for every walker{what}{_why(fields, 'reason')}."


def _for_walker(words: str, reason_field: str | None = None) -> Describe:
    def describe(request: Request, path: Mapping[str, str], fields: dict[str, str]) -> str:
        why = _why(fields, reason_field) if reason_field else ""
        return words.format(walker=_walker(request, path["walker_id"])) + why + "."

    return describe


def _plain(words: str) -> Describe:
    """A sentence; ``{email}`` in it is the form's email (left out when the form has none)."""

    def describe(request: Request, path: Mapping[str, str], fields: dict[str, str]) -> str:
        email = fields.get("email", "").strip()
        return words.replace(" ({email})", f" ({email})" if email else "")

    return describe


WALKER = r"/clinician/walkers/(?P<walker_id>\d+)"
ACTIONS: tuple[tuple[re.Pattern[str], Describe], ...] = tuple(
    (re.compile(pattern + r"\Z"), describe)
    for pattern, describe in (
        (WALKER + "/clear", _clear),
        (WALKER + "/adjust", _for_walker("Change the plan of {walker}", "adjust_reason")),
        (WALKER + "/plan", _for_walker("Make the starting plan of {walker}")),
        (WALKER + "/note", _for_walker("Add a note to the record of {walker}")),
        (
            WALKER + "/clinician",
            _for_walker("Move {walker} to another clinician", "reassign_reason"),
        ),
        (WALKER + "/assess", _for_walker("Record new test results for {walker}")),
        (WALKER + "/exercises", _for_walker("Change the exercises of {walker}")),
        (WALKER + "/password-link", _for_walker("Make a new password link for {walker}")),
        ("/team/policy", _policy),
        ("/team/password-link", _plain("Make a new password link for a colleague.")),
        ("/team/invite-clinician", _plain("Invite a clinician ({email}) to the team.")),
        ("/clinician/invite", _plain("Invite a walker ({email}).")),
        ("/clinician/invitations/withdraw", _plain("Withdraw an invitation.")),
        ("/clinician/invitations/reissue", _plain("Make a new link for an invitation.")),
        ("/account/password", _plain("Change your password.")),
        ("/reset", _plain("Set a new password.")),
        ("/setup", _plain("Create the first clinician account.")),
        ("/join", _plain("Create your walker account.")),
        ("/login", _plain("Sign in.")),
        ("/logout", _plain("Sign out.")),
        ("/onboarding/screening", _plain("Save your answers to the health questions.")),
        ("/onboarding/tests", _plain("Save your test results.")),
        ("/plan", _plain("Make your starting plan.")),
        ("/log", _plain("Save the session you walked.")),
        ("/checkin", _plain("Save your morning check-in.")),
        ("/red-flags", _plain("Tell your clinician about a warning sign.")),
        ("/exercises/log", _plain("Save the exercises you did.")),
        (r"/sessions/\d+/recording", _plain("Add a recording to your session.")),
        ("/reminders", _plain("Renew your reminders.")),
    )
)
"""Each page form's action, and what sending it does in plain words."""


def action_words(request: Request, action: str, fields: Iterable[tuple[str, str]]) -> str:
    """What sending ``fields`` to ``action`` does, and to whom, in one plain sentence."""
    path = action.split("?")[0]
    values: dict[str, str] = {}
    for name, value in fields:
        # the last of a repeated field, as the form's own route reads it (``form.get``):
        # the sentence must say what the button does, not what a first copy says
        values[name] = value
    for pattern, describe in ACTIONS:
        match = pattern.match(path)
        if match:
            return describe(request, match.groupdict(), values)
    return f"Send this form to the page {path}."


def render_send_again(
    request: Request,
    action: str,
    fields: list[tuple[str, str]],
    passwords: list[tuple[str, str]],
    *,
    status_code: int = 403,
    error: str | None = None,
) -> HTMLResponse:
    """The "send again" page for ``action`` with ``fields`` carried and a fresh token (never
    for a request another website sent: that is refused)."""
    if from_another_site(request):
        return render_other_site_refusal(request)
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
        "action_words": action_words(request, action, fields),
        "sender": session.display_name if signed_in and session is not None else None,
        "sent": _sent(fields),
        "error": error,
        "values": {},
    }
    return render(request, "auth/send_again.html", context, status_code=status_code)


def send_again_after_csrf_error(request: Request) -> HTMLResponse:
    """The answer to a page form whose CSRF token was missing or out of date."""
    form = request.scope.get("state", {}).get(CSRF_FORM_STATE_KEY)
    action = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return render_send_again(request, action, carried_fields(form), password_fields(form))


def render_other_site_refusal(request: Request) -> HTMLResponse:
    """The 403 page for a form another website sent: nothing saved, nothing offered again.

    Rendered without the sign-in: no session is read, made or changed (a new one's cookie
    would sign the person out of retrowalk), and the page has no form to send."""
    response = web_state(request).templates.TemplateResponse(
        request,
        "auth/other_site.html",
        {
            "title": "Not saved: this came from another website",
            "actor": None,
            "csrf_field": lambda: Markup(""),
            "flashes": [],
            "error": None,
            "errors": {},
            "nav": None,
        },
        status_code=403,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
