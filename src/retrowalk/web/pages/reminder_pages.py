"""Reminders and the printable plan: the walker's private calendar feed and one printed page.

- ``/reminders``: the walker subscribes her phone's calendar to her planned sessions and
  morning check-ins (a ``webcal://`` link, and the https address to copy); she can make a new
  address, which stops the old one at once.
- ``/calendar/<token>.ics``: the feed itself, read by a calendar app without signing in; only
  the right secret opens it, and every wrong one gets the same plain 404.
- ``/plan/print``: the plan on one A4 page (print styles): prescription, cues, exercises and
  the clinician's name and contact.
"""

from __future__ import annotations

import calendar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from retrowalk.present import vocabulary as vocab
from retrowalk.reports.calendar_feed import calendar_ics
from retrowalk.services import reminders
from retrowalk.web import forms
from retrowalk.web.auth import check_csrf, require_walker
from retrowalk.web.render import flash, render
from retrowalk.web.state import web_state

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

FEED_TYPE = "text/calendar; charset=utf-8"
NOT_A_FEED = "There is no calendar at this address."
MADE = "Your calendar link is ready. Add it to your phone's calendar below."
RENEWED = (
    "Your new calendar link is ready. The old one has stopped working: add the new one to "
    "your phone's calendar, and remove the old retrowalk calendar there."
)


def app_url(request: Request) -> str:
    """The app's own address as this browser reaches it (behind a proxy: the proxy's)."""
    return str(request.base_url).rstrip("/")


def feed_urls(request: Request, token: str) -> tuple[str, str]:
    """(the https address to copy, the ``webcal://`` one a phone opens in its calendar)."""
    https = f"{app_url(request)}/calendar/{token}.ics"
    return https, "webcal://" + https.split("://", 1)[1]


def planned_weekdays(sessions_per_week: int) -> list[str]:
    """The weekday names the schedule puts the sessions on ("Monday", "Wednesday", "Friday")."""
    pattern = reminders.SESSION_WEEKDAYS.get(sessions_per_week, reminders.SESSION_WEEKDAYS[3])
    return [calendar.day_name[d] for d in pattern]


@router.get("/reminders")
def reminders_page(request: Request) -> Response:
    actor, walker_id = require_walker(request)
    ctx = web_state(request).ctx
    link = reminders.calendar_link(ctx, actor, walker_id)
    https, webcal = feed_urls(request, link.token) if link is not None else ("", "")
    return render(
        request,
        "walker/reminders.html",
        {
            "title": "Reminders",
            "nav": "today",
            "has_link": link is not None,
            "feed_https": https,
            "feed_webcal": webcal,
            "upcoming": reminders.upcoming(ctx, actor, walker_id),
        },
    )


@router.post("/reminders")
async def reminders_renew(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_reminders_renew, request, form)


def _reminders_renew(request: Request, form: FormData) -> Response:
    actor, walker_id = require_walker(request)
    ctx = web_state(request).ctx
    had_link = reminders.calendar_link(ctx, actor, walker_id) is not None
    reminders.renew_calendar_link(ctx, actor, walker_id)
    renewing = forms.text(form, "action") == "renew" and had_link
    flash(request, RENEWED if renewing else MADE)
    return RedirectResponse("/reminders", 303)


@router.get("/calendar/{token}.ics")
def calendar_feed(request: Request, token: str) -> Response:
    feed = reminders.calendar_feed(web_state(request).ctx, token[:200])
    if feed is None:
        return PlainTextResponse(NOT_A_FEED, status_code=404, headers={"Cache-Control": "no-store"})
    body = calendar_ics(feed, app_url=app_url(request), generated_at=web_state(request).ctx.now())
    return Response(
        body,
        media_type=FEED_TYPE,
        headers={
            "Cache-Control": "private, no-store",
            "Content-Disposition": 'inline; filename="retrowalk.ics"',
            "X-Robots-Tag": "noindex",
        },
    )


@router.get("/plan/print")
def printable_plan(request: Request) -> Response:
    actor, walker_id = require_walker(request)
    plan = reminders.printable_plan(web_state(request).ctx, actor, walker_id)
    if plan is None:
        flash(request, "There is no plan to print yet.")
        return RedirectResponse("/today", 303)
    return render(
        request,
        "walker/print_plan.html",
        {
            "title": "My plan",
            "nav": "today",
            "p": plan,
            "surface": vocab.SURFACES.long,
            "weekdays": planned_weekdays(plan.prescription.sessions_per_week),
        },
    )
