"""Staff pages for accounts: password links, waiting invitations, inviting clinicians.

- ``/team``: the clinician's own walkers, each with "Make a password link" (a forgotten or
  leaked password), and their colleagues (an administrator makes their links: a link comes
  back to whoever makes it, so a clinician never makes one for a colleague);
  an administrator also invites clinicians here.
- ``/clinician/invitations``: invitations not used yet, to withdraw or send again.

A link is shown once, on the page that made it (never stored, never in a message for a
later page); who may make which link is decided by the services (:mod:`.reset_links`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from retrowalk.services import invitations, reset_links, team, walkers
from retrowalk.services.errors import ServiceError
from retrowalk.services.numbers import WholeNumberText, whole_number_or_none
from retrowalk.services.schemas import ID_MAX, Actor, InvitationOut, ResetLinkOut, Role
from retrowalk.services.schemas.codes import ResetLinkState
from retrowalk.web import forms
from retrowalk.web.auth import check_csrf, require_clinician
from retrowalk.web.errors import status_for
from retrowalk.web.render import flash, render
from retrowalk.web.state import web_state

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

WalkerId = Annotated[WholeNumberText, Path(ge=1, le=ID_MAX, description="The walker's id")]

INVITATION_ALREADY_MADE = (
    "This invitation was already made: its link was shown once, when it was made. If you "
    "did not keep the link, choose “Send a new link” below."
)
"""The same invitation form sent again (a double tap, a resend): nothing new is made."""

PASSWORD_LINK_ALREADY_MADE = (
    "This password link for {name} was already made: it was shown once, when it was made, "
    "and it still works. If you did not keep it, choose “Make a password link” again."
)
"""The same password-link button sent again: nothing new is made (a second link would
replace the first, which may already be on its way to the person)."""


def reset_url(request: Request, link: ResetLinkOut) -> str:
    return str(request.url_for("reset_form").include_query_params(token=link.token))


def join_url(request: Request, invitation: InvitationOut) -> str:
    return str(request.url_for("join_form").include_query_params(token=invitation.token))


def _form_id(form: FormData, name: str) -> int:
    """A record id from a hidden field, else a FormError (never a crash)."""
    number = whole_number_or_none(forms.text(form, name))
    if number is None or not 1 <= number <= ID_MAX:
        raise forms.FormError(
            "That invitation was not recognised: please reload the list and try again.",
            {name: "Not recognised."},
        )
    return number


# --- the team page ------------------------------------------------------------------------------


def _team_context(request: Request, actor: Actor, **extra: Any) -> dict[str, Any]:
    db = web_state(request).ctx
    own = walkers.list_walkers(db, actor)
    colleagues = [
        c
        for c in team.list_colleagues(db, actor)
        if c.id != actor.account_id and (actor.role is Role.ADMIN or c.role is Role.CLINICIAN)
    ]
    return {
        "title": "Team and password links",
        "nav": "team",
        "walkers": sorted(own, key=lambda w: w.display_name.casefold()),
        "colleagues": colleagues,
        "is_admin": actor.role is Role.ADMIN,
        "values": {},
        **extra,
    }


@router.get("/team")
def team_page(request: Request) -> Response:
    actor = require_clinician(request)
    return render(request, "team/team.html", _team_context(request, actor))


PASSWORD_LINK_NO_LONGER_WORKS = {
    ResetLinkState.USED: "has been used since",
    ResetLinkState.EXPIRED: "has expired or a newer link replaced it",
}
"""Why the link a resent button made first no longer works, for its message."""


def _show_link(request: Request, actor: Actor, link: ResetLinkOut) -> Response:
    if link.token is None:  # sent again: the first link stands, shown when it was made
        why = PASSWORD_LINK_NO_LONGER_WORKS.get(link.state)
        if why is None:
            flash(request, PASSWORD_LINK_ALREADY_MADE.format(name=link.display_name))
        else:
            flash(
                request,
                f"This password link for {link.display_name} was already made, and it {why}: "
                "it no longer works. To set a password, choose “Make a password link” again.",
            )
        return RedirectResponse("/team", 303)
    return render(
        request,
        "team/team.html",
        _team_context(request, actor, made_link=link, made_url=reset_url(request, link)),
    )


@router.post("/team/password-link")
async def colleague_password_link(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_colleague_link, request, form)


def _colleague_link(request: Request, form: FormData) -> Response:
    actor = require_clinician(request)
    try:
        account_id = _form_id(form, "account_id")
        link = reset_links.issue_reset_link(
            web_state(request).ctx, actor, account_id, client_key=forms.form_key(form)
        )
    except (forms.FormError, ServiceError) as exc:
        code = status_for(exc)
        return render(
            request,
            "team/team.html",
            _team_context(request, actor, error=str(exc)),
            status_code=code,
        )
    return _show_link(request, actor, link)


@router.post("/clinician/walkers/{walker_id}/password-link")
async def walker_password_link(request: Request, walker_id: WalkerId) -> Response:
    """A password link for one of the clinician's own walkers (the services check whose)."""
    form = await request.form()
    return await run_in_threadpool(_walker_link, request, form, walker_id)


def _walker_link(request: Request, form: FormData, walker_id: int) -> Response:
    actor = require_clinician(request)
    db = web_state(request).ctx
    walker = walkers.get_walker(db, actor, walker_id)
    link = reset_links.issue_reset_link(
        db, actor, walker.account_id, client_key=forms.form_key(form)
    )
    return _show_link(request, actor, link)


@router.post("/team/invite-clinician")
async def invite_clinician(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_invite_clinician, request, form)


def _invite_clinician(request: Request, form: FormData) -> Response:
    actor = require_clinician(request)
    email = forms.text(form, "email")
    try:
        invitation = invitations.invite_clinician(
            web_state(request).ctx, actor, email, client_key=forms.form_key(form)
        )
    except ServiceError as exc:
        return render(
            request,
            "team/team.html",
            _team_context(
                request,
                actor,
                error=str(exc),
                errors={"email": str(exc)},
                values={"email": email},
            ),
            status_code=status_for(exc),
        )
    if invitation.token is None:  # sent again: the first one stands, its link shown then
        flash(request, INVITATION_ALREADY_MADE)
        return RedirectResponse("/clinician/invitations", 303)
    return render(
        request,
        "team/team.html",
        _team_context(
            request, actor, invitation=invitation, invitation_url=join_url(request, invitation)
        ),
    )


# --- invitations waiting to be used ----------------------------------------------------------


def _invitations_context(request: Request, actor: Actor, **extra: Any) -> dict[str, Any]:
    rows = invitations.list_invitations(web_state(request).ctx, actor)
    return {"title": "Invitations waiting", "nav": "invitations", "rows": rows, **extra}


@router.get("/clinician/invitations")
def invitation_list(request: Request) -> Response:
    actor = require_clinician(request)
    return render(request, "team/invitations.html", _invitations_context(request, actor))


@router.post("/clinician/invitations/withdraw")
async def withdraw(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_withdraw, request, form)


def _withdraw(request: Request, form: FormData) -> Response:
    actor = require_clinician(request)
    try:
        row = invitations.withdraw_invitation(
            web_state(request).ctx, actor, _form_id(form, "invitation_id")
        )
    except (forms.FormError, ServiceError) as exc:
        code = status_for(exc)
        return render(
            request,
            "team/invitations.html",
            _invitations_context(request, actor, error=str(exc)),
            status_code=code,
        )
    flash(request, f"The invitation for {row.email} was withdrawn: its link no longer works.")
    return RedirectResponse("/clinician/invitations", 303)


@router.post("/clinician/invitations/reissue")
async def reissue(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_reissue, request, form)


def _reissue(request: Request, form: FormData) -> Response:
    actor = require_clinician(request)
    try:
        invitation = invitations.reissue_invitation(
            web_state(request).ctx, actor, _form_id(form, "invitation_id")
        )
    except (forms.FormError, ServiceError) as exc:
        code = status_for(exc)
        return render(
            request,
            "team/invitations.html",
            _invitations_context(request, actor, error=str(exc)),
            status_code=code,
        )
    return render(
        request,
        "team/invitations.html",
        _invitations_context(
            request, actor, invitation=invitation, invitation_url=join_url(request, invitation)
        ),
    )
