"""First-run setup, sign-in and sign-out, and signing up by invitation (walkers, clinicians).

Passwords are checked against the policy (:mod:`retrowalk.web.password_policy`), hashed
here (argon2) and only the hash goes to the services. Wrong passwords slow down the next try
per account + address (or per trusted device, :mod:`retrowalk.web.throttle`); a successful
sign-in starts a session under a new id, stored in the database. Everything that hashes or
touches the database runs in a worker thread, so a sign-in never stalls other requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import available_timezones

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from retrowalk.services import accounts, invitations
from retrowalk.services.errors import AccessDenied, Conflict, NotFound, ServiceError
from retrowalk.services.schemas import (
    AccountIn,
    ClinicianSignup,
    InvitationState,
    Role,
    WalkerSignup,
)
from retrowalk.web import forms, labels
from retrowalk.web.auth import (
    BadCredentialsError,
    authenticate,
    check_csrf,
    current_session,
    sign_in,
    sign_in_account,
    sign_out,
)
from retrowalk.web.errors import status_for
from retrowalk.web.pages.resend import (
    RESUME_ACTION,
    RESUME_PREFIX,
    carried_fields,
    render_send_again,
    safe_action,
)
from retrowalk.web.password_policy import WeakPasswordError, check_new_password
from retrowalk.web.passwords import MIN_PASSWORD_LENGTH, hash_password
from retrowalk.web.render import flash, render
from retrowalk.web.state import web_state
from retrowalk.web.throttle import RateLimitedError

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

TIMEZONES = sorted(tz for tz in available_timezones() if "/" in tz and not tz.startswith("Etc/"))
TIMEZONES.insert(0, "UTC")


def new_password(form: FormData, *personal: str, name: str = "password") -> str:
    """The new password of a form (``name`` and ``name_again``), checked against the policy;
    else :class:`forms.FormError` naming the box."""
    password = str(form.get(name) or "")
    again = str(form.get(f"{name}_again") or "")
    try:
        return check_new_password(password, again, personal)
    except WeakPasswordError as exc:
        box = f"{name}_again" if exc.field == "password_again" else name
        raise forms.FormError(str(exc), {box: str(exc)}) from None


def home_for(role: str) -> str:
    return "/today" if role == Role.WALKER.value else "/clinician"


def safe_next(target: str, role: str) -> str:
    """Only a local path may follow sign-in (never another site)."""
    return safe_action(target) or home_for(role)


# --- first-run setup ---------------------------------------------------------------------------


def _setup_context(token: str, values: Mapping[str, object]) -> dict[str, object]:
    return {
        "title": "Set up retrowalk",
        "token": token,
        "values": values,
        "min_password": MIN_PASSWORD_LENGTH,
    }


@router.get("/setup")
def setup_form(request: Request, token: str = "") -> Response:
    if not accounts.first_run_needed(web_state(request).ctx):
        flash(request, "Setup is already done. Please sign in.")
        return RedirectResponse("/login", 303)
    return render(request, "auth/setup.html", _setup_context(token, {}))


@router.post("/setup")
async def setup_submit(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_setup, request, form)


def _setup(request: Request, form: FormData) -> Response:
    values = {"display_name": forms.text(form, "display_name"), "email": forms.text(form, "email")}
    token = forms.text(form, "token")
    try:
        password = new_password(form, values["email"], values["display_name"])
        data = forms.validate(
            AccountIn,
            # The first person is the clinic's administrator: without one, nobody could set
            # the clinic's policy or invite a colleague on the web (found by the
            # outside-in test). They are a clinician too: they invite and see walkers.
            {**values, "role": Role.ADMIN.value, "password_hash": hash_password(password)},
            labels.SETUP_FIELDS,
        )
        account = accounts.complete_setup(web_state(request).ctx, token, data)
    except (forms.FormError, ServiceError) as exc:
        return render(
            request,
            "auth/setup.html",
            {
                **_setup_context(token, values),
                "error": str(exc),
                "errors": forms.field_errors(exc),
            },
            status_code=403 if isinstance(exc, AccessDenied) else 422,
        )
    login = accounts.find_account_by_email(web_state(request).ctx, account.email)
    assert login is not None
    sign_in_account(request, login)
    flash(request, "Your account is ready. Invite your first walker below.")
    return RedirectResponse("/clinician/invite", 303)


# --- sign in / out ---------------------------------------------------------------------


@router.get("/login")
def login_form(request: Request, next: str = "") -> Response:
    session = current_session(request)
    if session is not None and session.role is not None:
        return RedirectResponse(safe_next(next, session.role), 303)
    return render(
        request,
        "auth/login.html",
        {"title": "Sign in", "nav": "login", "next": next, "values": {}},
    )


@router.post("/login")
async def login_submit(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_login, request, form)


def _login(request: Request, form: FormData) -> Response:
    email = forms.text(form, "email")
    target = forms.text(form, "next")
    resume = safe_action(forms.text(form, RESUME_ACTION))
    context = {"title": "Sign in", "nav": "login", "next": target, "values": {"email": email}}
    try:
        account = authenticate(request, email, str(form.get("password") or ""))
        sign_in_account(request, account)
    except (RateLimitedError, BadCredentialsError, NotFound) as exc:
        code = 429 if isinstance(exc, RateLimitedError) else 401
        if isinstance(exc, NotFound):
            code = 404
        headers = (
            {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, RateLimitedError) else None
        )
        if resume is not None:  # signing in again to send a kept form: keep it once more
            fields = carried_fields(form, prefix=RESUME_PREFIX)
            response = render_send_again(request, resume, fields, [], status_code=code)
            response.headers.update(headers or {})
            return response
        return render(
            request,
            "auth/login.html",
            {**context, "error": str(exc)},
            status_code=code,
            headers=headers,
        )
    if resume is not None:
        fields = carried_fields(form, prefix=RESUME_PREFIX)
        return render_send_again(request, resume, fields, [], status_code=200)
    return RedirectResponse(safe_next(target, account.role.value), 303)


@router.post("/logout")
def logout(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/login", 303)


# --- signing up by invitation -----------------------------------------------------------------


def _join_context(token: str, values: dict[str, object], email: str | None) -> dict[str, object]:
    return {
        "title": "Create your account",
        "token": token,
        "email": email,
        "values": {"timezone": "UTC", **values},
        "timezones": TIMEZONES,
        "min_password": MIN_PASSWORD_LENGTH,
    }


def _invitation_unusable(request: Request, sentence: str) -> Response:
    """A link that cannot make an account: say why and what to do, instead of the form."""
    return render(
        request,
        "auth/invitation_unusable.html",
        {"title": "This invitation link cannot be used", "reason": sentence},
        status_code=403,
    )


UNUSABLE_INVITATION: dict[InvitationState, str] = {
    InvitationState.USED: "This invitation has already been used to make an account; sign in "
    "instead, or ask your clinician for a new invitation.",
    InvitationState.EXPIRED: "This invitation has expired; ask your clinician for a new one.",
    InvitationState.WITHDRAWN: "This invitation was withdrawn; ask your clinician for a new one "
    "if you still need it.",
    InvitationState.UNKNOWN: "This invitation link is not valid; check that the whole link was "
    "copied, or ask your clinician for a new one.",
}
"""Why the join page shows no form, by what :func:`invitations.invitation_preview` found."""


@router.get("/join")
def join_form(request: Request, token: str = "") -> Response:
    if not token.strip():
        return _invitation_unusable(request, "The link has no invitation code in it.")
    preview = invitations.invitation_preview(web_state(request).ctx, token)
    if preview.state is not InvitationState.VALID:
        return _invitation_unusable(request, UNUSABLE_INVITATION[preview.state])
    template = "auth/join_clinician.html" if preview.role is Role.CLINICIAN else "auth/join.html"
    return render(request, template, _join_context(token, {}, preview.email))


@router.post("/join")
async def join_submit(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_join, request, form)


def _join(request: Request, form: FormData) -> Response:
    token = forms.text(form, "token")
    state = web_state(request)
    preview = invitations.invitation_preview(state.ctx, token)
    if preview.state is InvitationState.VALID and preview.role is Role.CLINICIAN:
        return _join_clinician(request, form, token, preview.email)
    # A walker's invitation (or a link that no longer works: the service says why).
    values: dict[str, object] = {
        name: forms.text(form, name)
        for name in ("display_name", "age_years", "sex", "knee_condition", "knee_side", "timezone")
    }
    try:
        password = new_password(form, preview.email or "", str(values["display_name"]))
        signup = forms.validate(
            WalkerSignup,
            {
                **{k: (v if v != "" else None) for k, v in values.items()},
                "password_hash": hash_password(password),
            },
            labels.JOIN_FIELDS,
        )
        walker = accounts.accept_invitation(state.ctx, token, signup)
    except AccessDenied as exc:  # wrong, used or expired link: the form cannot help any more
        return _invitation_unusable(request, str(exc))
    except (forms.FormError, ServiceError) as exc:
        return render(
            request,
            "auth/join.html",
            {
                **_join_context(token, values, preview.email),
                "error": _already_yours(exc),
                "errors": forms.field_errors(exc),
            },
            status_code=status_for(exc),
        )
    sign_in(
        request,
        account_id=walker.account_id,
        role=Role.WALKER.value,
        display_name=walker.display_name,
        walker_id=walker.id,
    )
    flash(request, f"Welcome, {walker.display_name}. First, a few safety questions.")
    return RedirectResponse("/onboarding/screening", 303)


def _already_yours(exc: Exception) -> str:
    """An invitation to an email that has an account already: tell its holder to sign in."""
    if isinstance(exc, Conflict):  # the only conflict of a sign-up: the email is taken
        return (
            "You already have a retrowalk account with this email: please sign in instead. "
            "If you forgot your password, ask your clinician for a password link."
        )
    return str(exc)


def _join_clinician(request: Request, form: FormData, token: str, email: str | None) -> Response:
    state = web_state(request)
    values: dict[str, object] = {"display_name": forms.text(form, "display_name")}
    try:
        password = new_password(form, email or "", str(values["display_name"]))
        signup = forms.validate(
            ClinicianSignup,
            {**values, "password_hash": hash_password(password)},
            labels.SETUP_FIELDS,
        )
        account = invitations.accept_clinician_invitation(state.ctx, token, signup)
    except AccessDenied as exc:
        return _invitation_unusable(request, str(exc))
    except (forms.FormError, ServiceError) as exc:
        return render(
            request,
            "auth/join_clinician.html",
            {
                **_join_context(token, values, email),
                "error": _already_yours(exc),
                "errors": forms.field_errors(exc),
            },
            status_code=status_for(exc),
        )
    sign_in(
        request,
        account_id=account.id,
        role=account.role.value,
        display_name=account.display_name,
    )
    flash(request, f"Welcome, {account.display_name}. Invite your first walker below.")
    return RedirectResponse("/clinician/invite", 303)
