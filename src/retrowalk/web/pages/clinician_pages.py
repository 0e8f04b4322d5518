"""The clinician's pages: the walker list with flags, one page per walker, and invitations.

A clinician reaches only their own walkers: the services refuse anyone else's (403/404), so
a walker id typed into the address bar shows an error page, never someone else's record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from retrowalk.clinical.errors import ClinicalError
from retrowalk.clinical.fall_risk import Surface
from retrowalk.clinical.measures.koos import KOOS_ITEMS, SUBSCALE_LABELS
from retrowalk.clinical.norms import NPRS_MAX
from retrowalk.clinical.screening import STEADI_QUESTIONS
from retrowalk.present import vocabulary as vocab
from retrowalk.present.progress_charts import progress_charts
from retrowalk.reports.build import DEFAULT_WEEKS
from retrowalk.reports.decisions import red_flag_report_reasons, red_flag_report_words
from retrowalk.services import (
    accounts,
    assessments,
    clinician,
    history,
    plans,
    session_recordings,
    team,
    walkers,
)
from retrowalk.services.errors import InvalidRequest, ServiceError
from retrowalk.services.numbers import WholeNumberText, whole_number_or_none
from retrowalk.services.schemas import (
    ID_MAX,
    AdjustmentIn,
    AssessmentIn,
    ClearanceIn,
    Flag,
    NoteIn,
    ReassignIn,
    RestrictionsOut,
    Role,
    TimezoneIn,
    WalkerFlags,
)
from retrowalk.services.schemas.recordings import RecordingOut
from retrowalk.services.walking_tests_gate import (
    HOLDS_TESTS_FOR_CLINICIAN,
    held_by_for_clinician,
    tests_wait,
)
from retrowalk.web import forms, labels
from retrowalk.web.auth import check_csrf, require_clinician
from retrowalk.web.errors import status_for
from retrowalk.web.pages import exercise_pages
from retrowalk.web.pages.auth_pages import TIMEZONES
from retrowalk.web.pages.team_pages import INVITATION_ALREADY_MADE
from retrowalk.web.render import flash, render
from retrowalk.web.state import web_state

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

WalkerId = Annotated[WholeNumberText, Path(ge=1, le=ID_MAX, description="The walker's id")]

URGENCY: tuple[Flag, ...] = (
    Flag.RED_FLAG,
    Flag.ADVERSE_EVENT,
    Flag.NO_CLINICIAN,
    Flag.RED_FLAGS_UNASKED,
    Flag.WALKED_AGAINST_RESTRICTION,
    Flag.WALKED_OUTSIDE_SUPERVISION,
    Flag.PAIN_FLARE,
    Flag.MORNING_PAIN_UP,
    Flag.ABOVE_PLAN,
    Flag.REST_DAY,
    Flag.WAITING_FOR_CLEARANCE,
    Flag.FALL_RISK,
    Flag.WALKING_AID,
    Flag.MORE_SESSIONS_THAN_PLANNED,
    Flag.MISSED_SESSIONS,
    Flag.REASSESSMENT_DUE,
    Flag.NOT_SCREENED,
    Flag.NO_PLAN,
)
"""The list's "Flags" order, most urgent first (a retrowalk policy for the order of the list,
not a clinical ranking): a red flag whose advice is emergency care comes before everything, then
the walker's most urgent flag in this order, then how many flags. Found by the outside-in test:
counting flags put a possible DVT below "missed sessions" and "reassessment due"."""

_RANK = {flag: i for i, flag in enumerate(URGENCY)}


def _by_urgency(row: WalkerFlags) -> tuple[bool, int, int, str]:
    emergency = any(r.emergency for r in row.restrictions)
    most = min((_RANK.get(flag, len(URGENCY)) for flag in row.flags), default=len(URGENCY) + 1)
    return (not emergency, most, -len(row.flags), row.walker.display_name.casefold())


SORT_KEYS = {
    "name": lambda row: row.walker.display_name.casefold(),
    "flags": _by_urgency,
    "last_session": lambda row: (row.last_session_on is None, row.last_session_on or 0),
}


@router.get("/clinician")
def walker_list(request: Request, sort: str = "flags", order: str = "asc") -> Response:
    actor = require_clinician(request)
    rows: list[WalkerFlags] = clinician.walker_flags(web_state(request).ctx, actor)
    key = sort if sort in SORT_KEYS else "flags"
    rows.sort(key=SORT_KEYS[key], reverse=order == "desc")
    return render(
        request,
        "clinician/walkers.html",
        {
            "title": "My walkers",
            "nav": "walkers",
            "rows": rows,
            "sort": key,
            "order": "desc" if order == "desc" else "asc",
            "labels": labels,
        },
    )


def _restrictions_added(restrictions: RestrictionsOut | None) -> dict[tuple[str, int], list[str]]:
    """Which record added which restriction the walker did not have, by (source, id)."""
    found: dict[tuple[str, int], list[str]] = {}
    for added in restrictions.added if restrictions is not None else ():
        found.setdefault((added.entity, added.entity_id), []).extend(
            vocab.RESTRICTIONS.short(kind) for kind in added.kinds
        )
    return found


def _walker_context(request: Request, walker_id: int) -> dict[str, Any]:
    actor = require_clinician(request)
    db = web_state(request).ctx
    walker = walkers.get_walker(db, actor, walker_id)
    record = history.walker_history(db, actor, walker_id, weeks=52)
    flags = clinician.walker_flag(db, actor, walker_id)
    restrictions = record.restrictions
    added = _restrictions_added(restrictions)
    decisions: list[dict[str, Any]] = []
    for s in record.screenings:
        titles = added.get(("screening", s.id), [])
        decisions.append(
            {
                "when": s.created_at,
                "what": f"Screening: {s.outcome.replace('_', ' ')}"
                + (f" — added: {'; '.join(titles)}" if titles else ""),
                "reasons": s.reasons,
            }
        )
    for a in record.assessments:
        risk = vocab.FALL_RISKS.short(a.fall_risk) if a.fall_risk else "no fall-risk test"
        titles = added.get(("assessment", a.id), [])
        decisions.append(
            {
                "when": a.local_date,
                "what": f"Assessment ({a.kind}): {risk}"
                + (f" — added: {'; '.join(titles)}" if titles else ""),
                "reasons": a.reasons,
            }
        )
    for lifted in restrictions.lifted if restrictions is not None else ():
        by = lifted.cleared_by_name or "a clinician"
        decisions.append(
            {
                "when": lifted.at,
                "what": (
                    f"Cleared by {by}: {vocab.RESTRICTIONS.short(lifted.kind)} — {lifted.reason}"
                ),
                "reasons": tuple(r for t in lifted.triggers for r in t.reasons),
            }
        )
    for p in record.prescriptions:
        decisions.append(
            {
                "when": p.created_at,
                "what": f"Plan v{p.version}: {vocab.DECISIONS.short(p.decision)} — "
                f"{p.duration_min:g} min at {p.speed_m_s:.2f} m/s",
                "reasons": p.reasons,
                "rule_version": p.rule_version,
            }
        )
    for c in record.checkins:
        decisions.append(
            {
                "when": c.local_date,
                "what": f"Check-in: next-morning pain {c.pain_nprs}/{NPRS_MAX} → "
                f"{vocab.DECISIONS.short(c.decision)}"
                + (
                    f" — added: {'; '.join(added[('checkin', c.id)])}"
                    if ("checkin", c.id) in added
                    else ""
                ),
                "reasons": c.reasons,
            }
        )
    for r in record.red_flag_reports:
        decisions.append(
            {
                "when": r.created_at,
                "what": red_flag_report_words(r),
                "reasons": red_flag_report_reasons(r),
            }
        )
    for d in decisions:
        when = d["when"]
        d["when_text"] = (
            when.strftime("%Y-%m-%d %H:%M UTC") if isinstance(when, datetime) else when.isoformat()
        )
    decisions.sort(key=lambda d: str(d["when"]), reverse=True)
    return {
        "title": walker.display_name,
        "nav": "walkers",
        "walker": walker,
        "report_weeks": DEFAULT_WEEKS,
        "record": record,
        "flags": flags,
        "plan": plans.current_prescription(db, actor, walker_id),
        "restrictions": restrictions,
        "for_clinician": clinician.FOR_THE_CLINICIAN,  # titles in the clinician's words
        # the walking tests wait with the sessions (walking_tests_gate): the form says so
        "tests_held": restrictions is not None and tests_wait(restrictions.active, by_walker=False),
        "tests_held_by": held_by_for_clinician(restrictions.active) if restrictions else (),
        "holds_tests": HOLDS_TESTS_FOR_CLINICIAN,
        "reassessment": assessments.reassessment_status(db, actor, walker_id),
        "decisions": decisions,
        "charts": progress_charts(record),
        "recordings_by_session": _recordings_by_session(
            session_recordings.walker_recordings(db, actor, walker_id)
        ),
        "labels": labels,
        "surfaces": vocab.SURFACES.choices("short"),  # the clinician's words, not "beside you"
        # under a restriction that names its surfaces only those are offered (found by the
        # outside-in test: the form offered a path the service then refused)
        "surface_values": _allowed_surfaces(restrictions),
        "koos_items": [(SUBSCALE_LABELS[sub], codes) for sub, codes in KOOS_ITEMS.items()],
        "fall_questions": FALL_QUESTIONS,
        "values": {},
        "clinicians": (team.list_colleagues(db, actor) if actor.role is Role.ADMIN else None),
        "timezones": TIMEZONES,
        **exercise_pages.clinician_context(db, actor, walker_id),
    }


def _recordings_by_session(recordings: list[RecordingOut]) -> dict[int, list[RecordingOut]]:
    """Each session's recordings (newest sessions first on the page, as the table)."""
    grouped: dict[int, list[RecordingOut]] = {}
    for recording in recordings:
        grouped.setdefault(recording.session_id, []).append(recording)
    return grouped


@router.get("/clinician/walkers/{walker_id}")
def walker_page(request: Request, walker_id: WalkerId) -> Response:
    return render(request, "clinician/walker.html", _walker_context(request, walker_id))


def _allowed_surfaces(restrictions: RestrictionsOut | None) -> list[str]:
    """The surfaces the plan may be moved to: all, or those every active restriction allows."""
    allowed = [s.value for s in Surface]
    for restriction in restrictions.active if restrictions is not None else ():
        if restriction.surfaces:
            allowed = [s for s in allowed if Surface(s) in restriction.surfaces]
    return allowed


def _rerender(request: Request, walker_id: int, exc: Exception, values: dict[str, Any]) -> Response:
    context = _walker_context(request, walker_id)
    fields = forms.field_errors(exc)
    # A rule of the services names its field by its code ("incline_pct: …"): the page says
    # it in the form's own words (found by the outside-in test).
    error = (
        forms.summary(fields, labels.CLINICIAN_FIELDS)
        if fields and not isinstance(exc, forms.FormError)
        else str(exc)
    )
    context.update({"error": error, "errors": fields, "values": values})
    code = status_for(exc)
    return render(request, "clinician/walker.html", context, status_code=code)


CLEARANCE_SAVED = "Clearance saved: the walker sees the change on their next visit."
CLEARANCE_ALREADY_SAVED = "This clearance was already saved."
"""The same clearance form sent again (a double click, a resend): nothing new is stored, and
the clinician never reads "no active restriction to clear" about the one just lifted."""
PLAN_CHANGED = "The plan was changed; the walker sees it on their next session."
PLAN_CHANGE_ALREADY_SAVED = "This change to the plan was already saved."
"""The same adjust form sent again: one new version, never "nothing to change"."""


@router.post("/clinician/walkers/{walker_id}/clear")
async def clear(request: Request, walker_id: WalkerId) -> Response:
    form = await request.form()
    return await run_in_threadpool(_clear, request, form, walker_id)


def _clear(request: Request, form: FormData, walker_id: WalkerId) -> Response:
    actor = require_clinician(request)
    values = {"scope": forms.text(form, "scope"), "clear_reason": forms.text(form, "clear_reason")}
    values[f"clear_reason_{values['scope']}"] = values["clear_reason"]
    try:
        data = forms.validate(
            ClearanceIn,
            {
                "scope": values["scope"] or None,
                "reason": values["clear_reason"],
                "client_key": forms.form_key(form),
                "seen_through": _seen_through(form),
            },
            {**labels.CLINICIAN_FIELDS, "reason": labels.CLINICIAN_FIELDS["clear_reason"]},
        )
        saved = clinician.clear_walker(web_state(request).ctx, actor, walker_id, data)
    except forms.FormError as exc:
        if "reason" in exc.fields:
            exc.fields["clear_reason"] = exc.fields.pop("reason")
        return _rerender(request, walker_id, exc, values)
    except (ServiceError, ClinicalError) as exc:
        return _rerender(request, walker_id, exc, values)
    flash(request, CLEARANCE_SAVED if saved.created else CLEARANCE_ALREADY_SAVED)
    return RedirectResponse(f"/clinician/walkers/{walker_id}", 303)


def _seen_through(form: FormData) -> int | str | None:
    """The page's ``seen_through`` (how far the clinician had read the record), as a number;
    anything else goes on as typed, for the model to name."""
    text = forms.text(form, "seen_through")
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else text


@router.post("/clinician/walkers/{walker_id}/adjust")
async def adjust(request: Request, walker_id: WalkerId) -> Response:
    form = await request.form()
    return await run_in_threadpool(_adjust, request, form, walker_id)


def _adjust(request: Request, form: FormData, walker_id: WalkerId) -> Response:
    actor = require_clinician(request)
    names = ("duration_min", "speed_m_s", "incline_pct", "surface", "sessions_per_week")
    values: dict[str, Any] = {name: forms.optional(form, name) for name in names}
    values["adjust_reason"] = forms.text(form, "adjust_reason")
    values["confirm_speed"] = forms.checked(form, "confirm_speed")
    try:
        data = forms.validate(
            AdjustmentIn,
            {
                **{k: v for k, v in values.items() if k != "adjust_reason"},
                "reason": values["adjust_reason"],
                "client_key": forms.form_key(form),
            },
            {**labels.CLINICIAN_FIELDS, "reason": labels.CLINICIAN_FIELDS["adjust_reason"]},
        )
        saved = clinician.adjust_prescription(web_state(request).ctx, actor, walker_id, data)
    except forms.FormError as exc:
        if "reason" in exc.fields:
            exc.fields["adjust_reason"] = exc.fields.pop("reason")
        return _rerender(request, walker_id, exc, values)
    except (ServiceError, ClinicalError) as exc:
        return _rerender(request, walker_id, exc, values)
    flash(request, PLAN_CHANGED if saved.created else PLAN_CHANGE_ALREADY_SAVED)
    return RedirectResponse(f"/clinician/walkers/{walker_id}", 303)


@router.post("/clinician/walkers/{walker_id}/plan")
def make_plan(request: Request, walker_id: WalkerId) -> Response:
    """The starting plan from the walker's recorded tests (found by the outside-in test: once
    a red flag that stopped it was cleared, nobody could make it from the web)."""
    actor = require_clinician(request)
    try:
        plans.make_plan(web_state(request).ctx, actor, walker_id)
    except (ServiceError, ClinicalError) as exc:
        return _rerender(request, walker_id, exc, {})
    flash(request, "The starting plan is made; the walker sees it on their next visit.")
    return RedirectResponse(f"/clinician/walkers/{walker_id}", 303)


@router.post("/clinician/walkers/{walker_id}/note")
async def note(request: Request, walker_id: WalkerId) -> Response:
    form = await request.form()
    return await run_in_threadpool(_note, request, form, walker_id)


NOTE_ALREADY_SAVED = "This note was already saved."
"""The same note form sent again (a double tap, a resend): nothing new is stored."""
REASSESSMENT_ALREADY_SAVED = "This reassessment was already saved."


def _note(request: Request, form: FormData, walker_id: WalkerId) -> Response:
    actor = require_clinician(request)
    values = {"note_text": forms.text(form, "note_text")}
    try:
        data = forms.validate(
            NoteIn,
            {"text": values["note_text"], "client_key": forms.form_key(form)},
            {"text": labels.CLINICIAN_FIELDS["note_text"]},
        )
        saved = clinician.add_note(web_state(request).ctx, actor, walker_id, data)
    except forms.FormError as exc:
        if "text" in exc.fields:
            exc.fields["note_text"] = exc.fields.pop("text")
        return _rerender(request, walker_id, exc, values)
    except (ServiceError, ClinicalError) as exc:
        return _rerender(request, walker_id, exc, values)
    flash(request, "Note saved." if saved.created else NOTE_ALREADY_SAVED)
    return RedirectResponse(f"/clinician/walkers/{walker_id}", 303)


@router.post("/clinician/walkers/{walker_id}/clinician")
async def reassign(request: Request, walker_id: WalkerId) -> Response:
    """An administrator moves the walker to another clinician (the form only admins see)."""
    form = await request.form()
    return await run_in_threadpool(_reassign, request, form, walker_id)


def _reassign(request: Request, form: FormData, walker_id: WalkerId) -> Response:
    actor = require_clinician(request)
    values = {
        "clinician_id": forms.text(form, "clinician_id"),
        "reassign_reason": forms.text(form, "reassign_reason"),
    }
    try:
        data = forms.validate(
            ReassignIn,
            {"clinician_id": values["clinician_id"] or None, "reason": values["reassign_reason"]},
            {
                "clinician_id": labels.CLINICIAN_FIELDS["clinician_id"],
                "reason": labels.CLINICIAN_FIELDS["reassign_reason"],
            },
        )
        moved = walkers.reassign_walker(web_state(request).ctx, actor, walker_id, data)
    except forms.FormError as exc:
        if "reason" in exc.fields:
            exc.fields["reassign_reason"] = exc.fields.pop("reason")
        return _rerender(request, walker_id, exc, values)
    except (ServiceError, ClinicalError) as exc:
        return _rerender(request, walker_id, exc, values)
    flash(request, f"{moved.display_name} is now looked after by the clinician you chose.")
    return RedirectResponse(f"/clinician/walkers/{walker_id}", 303)


@router.post("/clinician/walkers/{walker_id}/timezone")
async def timezone(request: Request, walker_id: WalkerId) -> Response:
    """The clinician corrects the walker's time zone (she may live elsewhere than it says)."""
    form = await request.form()
    return await run_in_threadpool(_timezone, request, form, walker_id)


def _timezone(request: Request, form: FormData, walker_id: WalkerId) -> Response:
    actor = require_clinician(request)
    values = {"timezone": forms.text(form, "timezone")}
    try:
        data = forms.validate(TimezoneIn, values, {"timezone": labels.CLINICIAN_FIELDS["timezone"]})
        walker = walkers.set_timezone(web_state(request).ctx, actor, walker_id, data.timezone)
    except (forms.FormError, ServiceError) as exc:
        return _rerender(request, walker_id, exc, values)
    flash(
        request,
        f"{walker.display_name}'s time zone is now {walker.timezone}: her days are counted on "
        "this clock from now on; what is stored keeps its dates.",
    )
    return RedirectResponse(f"/clinician/walkers/{walker_id}", 303)


REASSESSMENT_FIELDS = (
    "tug_s",
    "tandem_stance_s",
    "chair_stand_count",
    "backward_walk_3m_s",
    "gait_speed_m_s",
)
FALL_QUESTIONS = dict(STEADI_QUESTIONS)
"""The questions about falls, in the words the walker's screening page asks them (the
clinician asks them again at a reassessment: RULES.md §7.3 wants them for a low fall risk)."""
FALL_QUESTIONS_PART_ANSWERED = (
    "Questions about falls: answer all three, or leave all three empty (then the walker's "
    "screening answers are used). Not answered yet: {missing}"
)
FALL_QUESTION_UNANSWERED = "Please choose an answer, as for the other questions about falls."


def _fall_answers(values: dict[str, bool | None]) -> dict[str, bool] | None:
    """The three answers as the service's ``steadi``; none answered → None (the service then
    takes the screening's); some answered → :class:`forms.FormError` naming the others."""
    missing = [name for name, answer in values.items() if answer is None]
    if len(missing) == len(values):
        return None
    if missing:
        raise forms.FormError(
            FALL_QUESTIONS_PART_ANSWERED.format(
                missing=" ".join(FALL_QUESTIONS[name] for name in missing)
            ),
            dict.fromkeys(missing, FALL_QUESTION_UNANSWERED),
        )
    return {name: bool(answer) for name, answer in values.items()}


def _whole_number_or_text(answer: str) -> int | str:
    """``"3"`` → 3; anything else (``"²"``, 5,000 digits, ``"x"``) stays text for scoring to name.

    ``str.isdigit`` accepts characters ``int`` refuses (superscripts), and ``int`` refuses
    over 4,300 digits: both crashed the page with a 500 before.
    """
    number = whole_number_or_none(answer)
    return answer if number is None else number


@router.post("/clinician/walkers/{walker_id}/assess")
async def reassess(request: Request, walker_id: WalkerId) -> Response:
    """Record a reassessment: the tests, the questions about falls and, from the paper form,
    the KOOS item answers."""
    form = await request.form()
    return await run_in_threadpool(_reassess, request, form, walker_id)


def _reassess(request: Request, form: FormData, walker_id: WalkerId) -> Response:
    actor = require_clinician(request)
    values: dict[str, Any] = {name: forms.optional(form, name) for name in REASSESSMENT_FIELDS}
    values["chair_stand_used_arms"] = forms.checked(form, "chair_stand_used_arms")
    falls = {name: forms.yes_no(form, name) for name in FALL_QUESTIONS}
    koos: dict[str, object] = {}
    for codes in KOOS_ITEMS.values():
        for code in codes:
            answer = forms.optional(form, f"koos_{code}")
            if answer is not None:  # whole numbers as numbers; anything else is named by scoring
                koos[code] = _whole_number_or_text(answer)
    try:
        steadi = _fall_answers(falls)
        data = forms.validate(
            AssessmentIn,
            {
                "kind": "reassessment",
                **values,
                "steadi": steadi,
                "koos_answers": koos or None,
                "client_key": forms.form_key(form),
            },
            labels.CLINICIAN_FIELDS,
        )
        saved = assessments.record_assessment(web_state(request).ctx, actor, walker_id, data)
    except (forms.FormError, ServiceError, ClinicalError) as exc:
        shown = {**values, **falls, **{f"koos_{k}": v for k, v in koos.items()}}
        if isinstance(exc, InvalidRequest) and exc.field == "tests":
            # nothing (or the questions about falls alone) filled in: the service's sentence
            # says so, where the summary of its one field read "Tests: please answer this."
            return _rerender(
                request, walker_id, forms.FormError(str(exc), {"tests": str(exc)}), shown
            )
        return _rerender(request, walker_id, exc, shown)
    flash(request, "Reassessment saved." if saved.created else REASSESSMENT_ALREADY_SAVED)
    return RedirectResponse(f"/clinician/walkers/{walker_id}", 303)


# --- invitations ---------------------------------------------------------------------


@router.get("/clinician/invite")
def invite_form(request: Request) -> Response:
    require_clinician(request)
    return render(
        request,
        "clinician/invite.html",
        {"title": "Invite a walker", "nav": "invite", "values": {}},
    )


@router.post("/clinician/invite")
async def invite_submit(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_invite_submit, request, form)


def _invite_submit(request: Request, form: FormData) -> Response:
    actor = require_clinician(request)
    email = forms.text(form, "email")
    context: dict[str, Any] = {
        "title": "Invite a walker",
        "nav": "invite",
        "values": {"email": email},
    }
    try:
        invitation = accounts.create_invitation(
            web_state(request).ctx, actor, email, client_key=forms.form_key(form)
        )
    except (ServiceError, ClinicalError) as exc:
        return render(
            request,
            "clinician/invite.html",
            {**context, "error": str(exc), "errors": {"email": str(exc)}},
            status_code=status_for(exc),
        )
    if invitation.token is None:  # sent again: the first one stands, its link shown then
        flash(request, INVITATION_ALREADY_MADE)
        return RedirectResponse("/clinician/invitations", 303)
    link = str(request.url_for("join_form").include_query_params(token=invitation.token))
    return render(
        request,
        "clinician/invite.html",
        {**context, "invitation": invitation, "link": link, "values": {}},
    )
