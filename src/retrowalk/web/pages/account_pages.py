"""A person's own account: change the password, download one's data; and password links.

- ``/account``: who is signed in; change the password (with the current one; wrong current
  passwords are throttled like sign-ins); a walker downloads all their data (JSON or CSV)
  and corrects her time zone (``/account/timezone``: it decides which day is her "today").
- ``/reset?token=…``: a one-time password link (from a clinician, an administrator or
  ``retrowalk account``) lets its holder choose a new password.

A new password ends every other sign-in of the account; the browser that changed it stays
signed in under a new session id.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from retrowalk.services import accounts, my_data, passwords, reset_links, walkers
from retrowalk.services.errors import AccessDenied, ServiceError
from retrowalk.services.schemas import ResetLinkState, Role, TimezoneIn
from retrowalk.web import forms, labels
from retrowalk.web.auth import (
    check_csrf,
    current_session,
    require_actor,
    require_walker,
    sign_in,
    sign_out,
)
from retrowalk.web.downloads import download
from retrowalk.web.errors import status_for
from retrowalk.web.pages.auth_pages import TIMEZONES, new_password
from retrowalk.web.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from retrowalk.web.render import flash, render
from retrowalk.web.state import web_state
from retrowalk.web.throttle import RateLimitedError, wait_words

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


def _account_context(request: Request) -> dict[str, object]:
    actor = require_actor(request)
    ctx = web_state(request).ctx
    account = accounts.get_account(ctx, actor, actor.account_id)
    is_walker = actor.role is Role.WALKER
    timezone = None
    if is_walker:
        _, walker_id = require_walker(request)
        timezone = walkers.get_walker(ctx, actor, walker_id).timezone
    return {
        "title": "My account",
        "nav": "account",
        "account": account,
        "is_walker": is_walker,
        "timezone": timezone,
        "timezones": TIMEZONES,
        "min_password": MIN_PASSWORD_LENGTH,
        "values": {},
    }


@router.get("/account")
def account_page(request: Request) -> Response:
    return render(request, "account/account.html", _account_context(request))


@router.post("/account/password")
async def change_password(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_change_password, request, form)


def _change_password(request: Request, form: FormData) -> Response:
    actor = require_actor(request)
    state = web_state(request)
    own = passwords.own_login(state.ctx, actor)
    current = str(form.get("current_password") or "")
    try:
        state.guard.check(request, own.email)
        if own.password_hash is None or not verify_password(own.password_hash, current):
            wait = state.guard.failed(request, own.email)
            sentence = "That is not your current password."
            if wait:
                sentence += f" For your safety, the next try can be made in {wait_words(wait)}."
            raise forms.FormError(sentence, {"current_password": sentence})
        password = new_password(form, own.email, own.display_name)
        if verify_password(own.password_hash, password):
            same = "The new password is the same as the current one: please choose another."
            raise forms.FormError(same, {"password": same})
        passwords.change_own_password(state.ctx, actor, hash_password(password))
    except (forms.FormError, RateLimitedError, ServiceError) as exc:
        return render(
            request,
            "account/account.html",
            {**_account_context(request), "error": str(exc), "errors": forms.field_errors(exc)},
            status_code=429 if isinstance(exc, RateLimitedError) else 422,
        )
    state.guard.succeeded(request, own.email)
    session = current_session(request)
    assert session is not None
    state.sessions.drop_account(actor.account_id, keep=session)
    sign_in(  # a new session id here: a copy of the old cookie stops working too
        request,
        account_id=actor.account_id,
        role=actor.role.value,
        display_name=own.display_name,
        walker_id=session.walker_id,
    )
    flash(
        request,
        "Your password is changed. You stay signed in here; everywhere else you were signed out.",
    )
    return RedirectResponse("/account", 303)


@router.post("/account/timezone")
async def change_timezone(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_change_timezone, request, form)


def _change_timezone(request: Request, form: FormData) -> Response:
    """The walker corrects her own time zone (found by the outside-in test: without
    JavaScript the join form left it on UTC, and nothing could change it afterwards)."""
    actor, walker_id = require_walker(request)
    typed = forms.text(form, "timezone")
    try:
        data = forms.validate(TimezoneIn, {"timezone": typed}, labels.JOIN_FIELDS)
        walker = walkers.set_timezone(web_state(request).ctx, actor, walker_id, data.timezone)
    except (forms.FormError, ServiceError) as exc:
        return render(
            request,
            "account/account.html",
            {
                **_account_context(request),
                "error": str(exc),
                "errors": forms.field_errors(exc),
                "values": {"timezone": typed},
            },
            status_code=status_for(exc),
        )
    zone = walker.timezone.replace("_", " ")
    flash(
        request,
        f"Your time zone is now {zone}. From now on “today” and your morning check-in follow "
        "this clock; what you saved before keeps its dates.",
    )
    return RedirectResponse("/account", 303)


def _filename(extension: str) -> str:
    return f"my-retrowalk-data-{datetime.now(UTC):%Y-%m-%d}.{extension}"


@router.get("/account/my-data.json")
def my_data_json(request: Request) -> Response:
    actor, _ = require_walker(request)
    data = my_data.my_data(web_state(request).ctx, actor)
    return download(my_data.as_json(data), "application/json", _filename("json"))


@router.get("/account/my-data.zip")
def my_data_csv(request: Request) -> Response:
    actor, _ = require_walker(request)
    data = my_data.my_data(web_state(request).ctx, actor)
    return download(my_data.as_csv_zip(data), "application/zip", _filename("zip"))


# --- a one-time password link -------------------------------------------------------------------


RESET_UNUSABLE = reset_links.RESET_UNUSABLE


def _reset_unusable(request: Request, sentence: str) -> Response:
    return render(
        request,
        "account/reset_unusable.html",
        {"title": "This password link cannot be used", "reason": sentence},
        status_code=403,
    )


@router.get("/reset")
def reset_form(request: Request, token: str = "") -> Response:
    preview = reset_links.reset_link_preview(web_state(request).ctx, token)
    if preview.state is not ResetLinkState.VALID:
        return _reset_unusable(request, RESET_UNUSABLE[preview.state])
    return render(
        request,
        "account/reset.html",
        {
            "title": "Choose a new password",
            "token": token,
            "preview": preview,
            "min_password": MIN_PASSWORD_LENGTH,
            "values": {},
        },
    )


@router.post("/reset")
async def reset_submit(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_reset, request, form)


def _reset(request: Request, form: FormData) -> Response:
    state = web_state(request)
    token = forms.text(form, "token")
    preview = reset_links.reset_link_preview(state.ctx, token)
    if preview.state is not ResetLinkState.VALID:
        return _reset_unusable(request, RESET_UNUSABLE[preview.state])
    try:
        password = new_password(form, preview.email or "", preview.display_name or "")
        account = reset_links.use_reset_link(state.ctx, token, hash_password(password))
    except AccessDenied as exc:
        return _reset_unusable(request, str(exc))
    except (forms.FormError, ServiceError) as exc:
        return render(
            request,
            "account/reset.html",
            {
                "title": "Choose a new password",
                "token": token,
                "preview": preview,
                "min_password": MIN_PASSWORD_LENGTH,
                "values": {},
                "error": str(exc),
                "errors": forms.field_errors(exc),
            },
            status_code=status_for(exc),
        )
    session = current_session(request)
    if session is not None and session.account_id == account.id:
        sign_out(request)
    state.sessions.drop_account(account.id)
    flash(request, "Your new password is set. Please sign in with it.")
    return RedirectResponse("/login", 303)
