"""Pages for everyone: the start page (which sends each person where they belong) and the
evidence page (what is known about backward walking, and the seed's claims)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from retrowalk.clinical import evidence
from retrowalk.services import accounts
from retrowalk.web.auth import current_session
from retrowalk.web.render import render
from retrowalk.web.state import web_state

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request) -> Response:
    session = current_session(request)
    if session is not None and session.account_id is not None:
        target = "/today" if session.role == "walker" else "/clinician"
        return RedirectResponse(target, 303)
    if accounts.first_run_needed(web_state(request).ctx):
        return render(request, "auth/setup_needed.html", {"title": "Set up retrowalk"})
    return RedirectResponse("/login", 303)


@router.get("/evidence")
def evidence_page(request: Request) -> Response:
    return render(
        request,
        "evidence.html",
        {
            "title": "What the evidence says",
            "nav": "evidence",
            "bottom_line": evidence.BOTTOM_LINE,
            "claims": evidence.SEED_CLAIMS,
            "groups": evidence.by_group(),
            "catalogue": evidence.CATALOGUE,
            "status_words": {
                evidence.Status.VERIFIED: "checked in a retrieved source",
                evidence.Status.VERIFIED_PARTIAL: "partly checked (only part was readable)",
                evidence.Status.VERIFIED_SECONDARY: "checked in a summary, not the original",
                evidence.Status.UNVERIFIED: "not checked: treat with care",
            },
        },
    )
