"""First-run setup, sign-in and sign-out, and a walker's sign-up by invitation.

Passwords are hashed here (argon2) and only the hash goes to the services. Failed sign-ins
are rate limited per account and per client address; a successful one starts a session
under a new id.
"""

from __future__ import annotations

from zoneinfo import available_timezones

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from retrowalk.services import accounts, walkers
from retrowalk.services.errors import AccessDenied, Conflict, NotFound, ServiceError
from retrowalk.services.schemas import (
    AccountIn,
    InvitationState,
    LoginAccount,
    Role,
    WalkerSignup,
)
from retrowalk.web import forms, labels
from retrowalk.web.auth import BadCredentialsError, check_csrf, current_session, sign_in, sign_out
from retrowalk.web.errors import RateLimitedError
from retrowalk.web.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from retrowalk.web.render import flash, render
from retrowalk.web.state import web_state

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

TIMEZONES = sorted(tz for tz in available_timezones() if "/" in tz and not tz.startswith("Etc/"))
TIMEZONES.insert(0, "UTC")

_DUMMY_HASH = hash_password("retrowalk-timing-equaliser")
"""Verified against when no account matches, so a wrong email costs as long as a wrong password."""


def check_new_password(password: str, again: str) -> None:
    """Policy: at least MIN_PASSWORD_LENGTH characters, typed the same twice."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise forms.FormError(
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters.",
            {"password": f"At least {MIN_PASSWORD_LENGTH} characters, please."},
        )
    if len(password) > 1024:
        raise forms.FormError(
            "The password is too long (at most 1024 characters).",
            {"password": "At most 1024 characters, please."},
        )
    if password != again:
        raise forms.FormError(
            "The two passwords are not the same.",
            {"password_again": "This is not the same as the password above."},
        )


def home_for(role: str) -> str:
    return "/today" if role == Role.WALKER.value else "/clinician"


def safe_next(target: str, role: str) -> str:
    """Only a local path may follow sign-in (never another site)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return home_for(role)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def authenticate(request: Request, email: str, password: str) -> LoginAccount:
    """The account if the password matches; rate limited per account and per address.

    Raises :class:`RateLimitedError` while either window is full, and :class:`BadCredentialsError`
    for a wrong email or password (never saying which was wrong).
    """
    state = web_state(request)
    address = client_address(request)
    wait_s = state.login_limiter.retry_after_s(email, address)
    if wait_s:
        raise RateLimitedError(wait_s)
    account = accounts.find_account_by_email(state.db, email) if email else None
    stored = account.password_hash if account is not None else None
    ok = verify_password(stored or _DUMMY_HASH, password) and stored is not None
    if account is None or not ok:
        state.login_limiter.record_failure(email, address)
        raise BadCredentialsError()
    state.login_limiter.record_success(email)
    return account


def start_session(request: Request, account: LoginAccount) -> None:
    walker_id = None
    if account.role is Role.WALKER:
        try:
            own = walkers.walker_for_account(web_state(request).db, account.actor, account.id)
        except NotFound:
            raise NotFound(
                "This walker account has no walker profile; ask your clinician."
            ) from None
        walker_id = own.id
    sign_in(
        request,
        account_id=account.id,
        role=account.role.value,
        display_name=account.display_name,
        walker_id=walker_id,
    )


# --- first-run setup ---------------------------------------------------------------------------


@router.get("/setup")
def setup_form(request: Request, token: str = "") -> Response:
    if not accounts.first_run_needed(web_state(request).db):
        flash(request, "Setup is already done. Please sign in.")
        return RedirectResponse("/login", 303)
    return render(
        request,
        "auth/setup.html",
        {
            "title": "Set up retrowalk",
            "token": token,
            "values": {},
            "min_password": MIN_PASSWORD_LENGTH,
        },
    )


@router.post("/setup")
async def setup_submit(request: Request) -> Response:
    form = await request.form()
    values = {"display_name": forms.text(form, "display_name"), "email": forms.text(form, "email")}
    token = forms.text(form, "token")
    password = str(form.get("password") or "")
    try:
        check_new_password(password, str(form.get("password_again") or ""))
        data = forms.validate(
            AccountIn,
            {**values, "role": Role.CLINICIAN.value, "password_hash": hash_password(password)},
            labels.SETUP_FIELDS,
        )
        account = accounts.complete_setup(web_state(request).db, token, data)
    except (forms.FormError, ServiceError) as exc:
        return render(
            request,
            "auth/setup.html",
            {
                "title": "Set up retrowalk",
                "token": token,
                "values": values,
                "min_password": MIN_PASSWORD_LENGTH,
                "error": str(exc),
                "errors": getattr(exc, "fields", {}),
            },
            status_code=403 if isinstance(exc, AccessDenied) else 422,
        )
    login = accounts.find_account_by_email(web_state(request).db, account.email)
    assert login is not None
    start_session(request, login)
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
    email = forms.text(form, "email")
    target = forms.text(form, "next")
    context = {"title": "Sign in", "nav": "login", "next": target, "values": {"email": email}}
    try:
        account = authenticate(request, email, str(form.get("password") or ""))
    except RateLimitedError as exc:
        return render(
            request,
            "auth/login.html",
            {**context, "error": str(exc)},
            status_code=429,
            headers={"Retry-After": str(exc.retry_after_s)},
        )
    except BadCredentialsError as exc:
        return render(request, "auth/login.html", {**context, "error": str(exc)}, status_code=401)
    start_session(request, account)
    return RedirectResponse(safe_next(target, account.role.value), 303)


@router.post("/logout")
def logout(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/login", 303)


# --- a walker joins by invitation -----------------------------------------------------------------


def _join_context(token: str, values: dict[str, object]) -> dict[str, object]:
    return {
        "title": "Create your account",
        "token": token,
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
    InvitationState.UNKNOWN: "This invitation link is not valid; check that the whole link was "
    "copied, or ask your clinician for a new one.",
}
"""Why the join page shows no form, by what :func:`accounts.invitation_status` found."""


@router.get("/join")
def join_form(request: Request, token: str = "") -> Response:
    if not token.strip():
        return _invitation_unusable(request, "The link has no invitation code in it.")
    status = accounts.invitation_status(web_state(request).db, token)
    if status is not InvitationState.VALID:
        return _invitation_unusable(request, UNUSABLE_INVITATION[status])
    return render(request, "auth/join.html", _join_context(token, {}))


@router.post("/join")
async def join_submit(request: Request) -> Response:
    form = await request.form()
    token = forms.text(form, "token")
    values: dict[str, object] = {
        name: forms.text(form, name)
        for name in ("display_name", "age_years", "sex", "knee_condition", "knee_side", "timezone")
    }
    password = str(form.get("password") or "")
    state = web_state(request)
    try:
        check_new_password(password, str(form.get("password_again") or ""))
        signup = forms.validate(
            WalkerSignup,
            {
                **{k: (v if v != "" else None) for k, v in values.items()},
                "password_hash": hash_password(password),
            },
            labels.JOIN_FIELDS,
        )
        walker = accounts.accept_invitation(state.db, token, signup)
    except AccessDenied as exc:  # wrong, used or expired link: the form cannot help any more
        return _invitation_unusable(request, str(exc))
    except (forms.FormError, ServiceError) as exc:
        return render(
            request,
            "auth/join.html",
            {
                **_join_context(token, values),
                "error": str(exc),
                "errors": getattr(exc, "fields", {}),
            },
            status_code=409 if isinstance(exc, Conflict) else 422,
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
