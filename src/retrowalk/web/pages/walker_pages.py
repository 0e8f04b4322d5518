"""The walker's pages: onboarding (screening, baseline tests), today, the guided session,
the 30-second log, the next-morning check-in, a warning sign reported at any time and
progress.

A walker's pages never take a walker id from the address: the id comes from their own
session, and the services check it again. Every form re-renders with a sentence next to the
wrong field instead of failing.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from retrowalk.clinical import red_flags
from retrowalk.clinical import screening as clinical_screening
from retrowalk.clinical.errors import ClinicalError
from retrowalk.clinical.fall_risk import BACKWARD_SPEED_MAX_M_S, SPEED_MIN_M_S
from retrowalk.clinical.norms import KM_H_PER_M_S
from retrowalk.clinical.restriction_models import RestrictionKind
from retrowalk.clinical.restrictions import SERIOUS_ADVERSE_EVENTS
from retrowalk.clinical.session_records import AdverseEvent
from retrowalk.present import vocabulary as vocab
from retrowalk.present.days import checkin_opens_words
from retrowalk.present.progress_charts import progress_charts
from retrowalk.services import (
    assessments,
    checkins,
    history,
    plans,
    policies,
    red_flag_reports,
    reminders,
    screening,
    session_recordings,
    sessions,
)
from retrowalk.services.clock import local_date
from retrowalk.services.context import AppContext
from retrowalk.services.errors import (
    CheckinAlreadyGiven,
    KeyReused,
    NotReadyToWalk,
    ServiceError,
)
from retrowalk.services.numbers import NumberTextError, decimal_number
from retrowalk.services.schemas import (
    Actor,
    AssessmentIn,
    CheckinIn,
    HistoryOut,
    PrescriptionOut,
    RedFlagReportIn,
    RedFlagReportOut,
    ScreeningIn,
    SessionIn,
    TodayOut,
)
from retrowalk.services.schemas.base import TEXT_MAX_CHARS
from retrowalk.services.speed_note import speed_note
from retrowalk.services.walking_tests_gate import tests_wait
from retrowalk.web import forms, labels
from retrowalk.web.auth import check_csrf, require_walker
from retrowalk.web.errors import status_for
from retrowalk.web.render import flash, render
from retrowalk.web.state import web_state

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

FAST_CLOCK_SPEED = 120
"""With ``?clock=fast`` the on-screen timers run 120× faster (a 10-minute phase takes 5 s)."""

WARM_UP_CUES = (
    "Walk forwards at an easy pace to warm up.",
    "Breathe steadily and let your arms swing.",
)
COOL_DOWN_CUES = (
    "Turn around and walk forwards slowly to cool down.",
    "Let your breathing settle.",
)


def clock_speed(request: Request) -> int:
    """The timer speed factor: 1, or FAST_CLOCK_SPEED when ``?clock=fast`` is allowed."""
    if request.query_params.get("clock") == "fast" and web_state(request).allow_fast_clock:
        return FAST_CLOCK_SPEED
    return 1


# --- onboarding: screening ---------------------------------------------------------------------

PARQ_FIELDS = {f"parq{n}": q for n, q in enumerate(clinical_screening.PARQ_QUESTIONS, start=1)}
STEADI_FIELDS = dict(clinical_screening.STEADI_QUESTIONS)
USED_TO_ACTIVITY = clinical_screening.USED_TO_ACTIVITY_QUESTION
RED_FLAG_FIELDS = {
    f"flag_{flag.value}": flag.info.question for flag in red_flags.SCREENING_RED_FLAGS
}
"""Each red flag as its own yes/no question, asked positively (RULES.md §7.6)."""


def health_fields(request: Request) -> dict[str, str]:
    """The other health questions; the knee-surgery one names the clinic's weeks (policy)."""
    surgery = clinical_screening.recent_surgery_question(
        policies.clinic_policy(web_state(request).ctx)
    )
    return {
        "fever_or_unwell": red_flags.FEVER_QUESTION,
        "uses_walking_aid": clinical_screening.WALKING_AID_QUESTION,
        "takes_anticoagulant": clinical_screening.ANTICOAGULANT_QUESTION,
        "recent_knee_surgery": surgery,
    }


CHECKIN_FLAG_STATEMENTS = {flag.value: flag.info.statement for flag in red_flags.CHECKIN_RED_FLAGS}


def _screening_context(request: Request, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "Safety questions",
        "parq": PARQ_FIELDS,
        "steadi": STEADI_FIELDS,
        "used_to_activity_question": USED_TO_ACTIVITY,
        "red_flags": RED_FLAG_FIELDS,
        "health": health_fields(request),
        "values": values,
    }


@router.get("/onboarding/screening")
def screening_form(request: Request) -> Response:
    require_walker(request)
    return render(request, "walker/screening.html", _screening_context(request, {}))


@router.post("/onboarding/screening")
async def screening_submit(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_screening_submit, request, form)


def _screening_submit(request: Request, form: FormData) -> Response:
    actor, walker_id = require_walker(request)
    health = health_fields(request)
    questions = {
        **PARQ_FIELDS,
        "used_to_activity": USED_TO_ACTIVITY,
        **RED_FLAG_FIELDS,
        **health,
        **STEADI_FIELDS,
    }
    answers: dict[str, Any] = {name: forms.yes_no(form, name) for name in questions}
    values = dict(answers)
    try:
        forms.require_answers(answers, questions)
        flags = [
            flag
            for flag in red_flags.SCREENING_RED_FLAGS
            if red_flags.red_flag_from_answer(flag, answers[f"flag_{flag.value}"])
        ]
        data = forms.validate(
            ScreeningIn,
            {
                "used_to_activity": answers["used_to_activity"],
                "parq": tuple(answers[name] for name in PARQ_FIELDS),
                "red_flags": tuple(flags),
                "steadi": {name: answers[name] for name in STEADI_FIELDS},
                **{name: answers[name] for name in health},
                "client_key": forms.form_key(form),
            },
        )
        result = screening.screen_walker(web_state(request).ctx, actor, walker_id, data)
    except (forms.FormError, ServiceError, ClinicalError) as exc:
        return render(
            request,
            "walker/screening.html",
            {
                **_screening_context(request, values),
                "error": str(exc),
                "errors": forms.field_errors(exc),
            },
            status_code=status_for(exc),
        )
    if not result.created:  # sent again: the first answers stand, and are shown
        flash(request, SCREENING_ALREADY_SAVED)
    return render(
        request,
        "walker/screening_result.html",
        {
            "title": "Your screening result",
            "result": result,
            "actions": result.result.get("actions", ()),
            "red_flag": any(r.kind is RestrictionKind.RED_FLAG for r in result.restrictions),
            "needs_clearance": any(
                r.kind is RestrictionKind.CLEARANCE_REQUIRED for r in result.restrictions
            ),
            "labels": labels,
        },
    )


SCREENING_ALREADY_SAVED = "Your answers were already saved. Here is what they mean."
"""The same screening form sent again (a double tap, a resend): nothing new is stored."""


# --- onboarding: baseline tests -------------------------------------------------------------------

TESTS_ALREADY_SAVED = "Your tests were already saved."

TEST_FIELDS = (
    "tug_s",
    "tandem_stance_s",
    "chair_stand_count",
    "backward_walk_3m_s",
    "treadmill_speed_up_m_s",
    "treadmill_speed_down_m_s",
)


TREADMILL_SPEEDS = ("treadmill_speed_up_m_s", "treadmill_speed_down_m_s")
"""The treadmill speed test's two speeds, in m/s or in km/h as the treadmill shows them."""


def _tests_context(request: Request, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "Baseline tests",
        "values": values,
        "speed": clock_speed(request),
        "speed_units": SPEED_UNITS,
    }


@router.get("/onboarding/tests")
def tests_form(request: Request) -> Response:
    actor, walker_id = require_walker(request)
    held = assessments.walking_tests_held(web_state(request).ctx, actor, walker_id)
    return render(request, "walker/tests.html", {**_tests_context(request, {}), "held": held})


@router.post("/onboarding/tests")
async def tests_submit(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_tests_submit, request, form)


def _tests_submit(request: Request, form: FormData) -> Response:
    actor, walker_id = require_walker(request)
    values: dict[str, Any] = {name: forms.optional(form, name) for name in TEST_FIELDS}
    values["chair_stand_used_arms"] = forms.checked(form, "chair_stand_used_arms")
    values["treadmill_speed_unit"] = forms.optional(form, "treadmill_speed_unit")
    checked, speed_problems = _speed_as_m_s(values, TREADMILL_SPEEDS, "treadmill_speed_unit")
    db = web_state(request).ctx
    had_plan = plans.current_prescription(db, actor, walker_id) is not None
    try:
        try:
            data = forms.validate(
                AssessmentIn,
                {
                    "kind": "reassessment" if had_plan else "baseline",
                    **checked,
                    "client_key": forms.form_key(form),
                },
                labels.TEST_FIELDS,
            )
        except forms.FormError as exc:
            if not speed_problems:
                raise
            speed_problems = {**(exc.fields or {}), **speed_problems}
        if speed_problems:
            raise forms.FormError(forms.summary(speed_problems, labels.TEST_FIELDS), speed_problems)
        saved = assessments.record_assessment(db, actor, walker_id, data)
    except (forms.FormError, ServiceError, ClinicalError) as exc:
        return render(
            request,
            "walker/tests.html",
            {
                **_tests_context(request, values),
                # a held test (a red flag, say) is said once, where the tests would be
                "held": str(exc) if isinstance(exc, NotReadyToWalk) else None,
                "error": None if isinstance(exc, NotReadyToWalk) else str(exc),
                "errors": forms.field_errors(exc),
            },
            status_code=status_for(exc),
        )
    if not saved.created:  # sent again: the first tests stand (and made the plan, if any)
        flash(request, TESTS_ALREADY_SAVED)
        return RedirectResponse("/today", 303)
    if had_plan:
        flash(request, TESTS_SAVED_PLAN_KEPT)
        return RedirectResponse("/today", 303)
    try:
        plans.make_plan(db, actor, walker_id)
    except (ServiceError, ClinicalError) as exc:
        # The tests are saved; no safe start could be made from them: say what to do.
        flash(request, f"Thank you, your tests are saved. {exc}")
        return RedirectResponse("/today", 303)
    flash(request, "Thank you. Your tests are saved and your plan is ready.")
    return RedirectResponse("/today", 303)


@router.post("/plan")
def make_my_plan(request: Request) -> Response:
    """The starting plan from the tests already recorded (today's "Make my plan": the tests
    were saved while a restriction stopped the plan, and a clinician has cleared it since)."""
    actor, walker_id = require_walker(request)
    try:
        plans.make_plan(web_state(request).ctx, actor, walker_id)
    except (ServiceError, ClinicalError) as exc:
        flash(request, f"No plan yet. {exc}")
        return RedirectResponse("/today", 303)
    flash(request, "Your plan is ready.")
    return RedirectResponse("/today", 303)


TESTS_SAVED_PLAN_KEPT = (
    "Thank you, your tests are saved. Your plan stays as it is: once a plan exists only the "
    "progression rules or your clinician change it. If a test showed a higher fall risk, "
    "every session now needs someone with you."
)


# --- today ---------------------------------------------------------------------


def _pending_checkin(record: HistoryOut) -> Any:
    """The newest session without a next-morning check-in, or None."""
    reported = {c.session_id for c in record.checkins}
    pending = [s for s in record.sessions if s.id not in reported]
    return pending[-1] if pending else None


@router.get("/today")
def today_page(request: Request) -> Response:
    actor, walker_id = require_walker(request)
    db = web_state(request).ctx
    today = plans.todays_prescription(db, actor, walker_id)
    record = history.walker_history(db, actor, walker_id, weeks=2)
    pending = _pending_checkin(record)
    rest = next((r for r in today.restrictions if r.kind is RestrictionKind.REST_DAY), None)
    rest_began = local_date(rest.since, record.walker.timezone) if rest is not None else None
    return render(
        request,
        "walker/today.html",
        {
            "title": "Today",
            "nav": "today",
            "today": today,
            "plan": today.prescription,
            "speed_note": speed_note(db, today.prescription),
            "pending_checkin": pending,
            "pending_is_today": pending is not None and pending.local_date == today.local_date,
            "tests_held": tests_wait(today.restrictions, by_walker=True),
            # a rest day begun on an earlier day says since when, never "today"
            "rest_day_since": rest_began
            if rest_began is not None and rest_began < today.local_date
            else None,
            "upcoming": reminders.upcoming(db, actor, walker_id),
            "labels": labels,
        },
    )


# --- the guided session ---------------------------------------------------------------------


METRONOME_BPM_RANGE = (30, 180)
"""The step rates the metronome accepts: a sentence names them when another number is typed."""
METRONOME_DEFAULT_BPM = 80
"""A starting value only (policy) when the plan gives no step rate of the walker's own."""


def metronome_start(today: TodayOut) -> int:
    """The metronome's first rate: the plan's step rate (RULES.md §7.10), else the default."""
    low, high = METRONOME_BPM_RANGE
    if today.step_rate_per_min:
        return int(min(high, max(low, round(today.step_rate_per_min))))
    return METRONOME_DEFAULT_BPM


def _phases(plan: PrescriptionOut) -> list[dict[str, Any]]:
    """The session's phases for guided-session.js; ``kind`` is what its events report."""
    details = plan.details
    cues = [*details.get("posture_cues", ()), *details.get("safety_cues", ())]
    phases: list[dict[str, Any]] = []
    warm_up = float(details.get("warm_up_min") or 0)
    cool_down = float(details.get("cool_down_min") or 0)
    if warm_up > 0:
        phases.append(
            {
                "kind": "warmup",
                "name": "Warm-up",
                "minutes": warm_up,
                "cues": list(WARM_UP_CUES),
                "walking": False,
            }
        )
    phases.append(
        {
            "kind": "backward",
            "name": "Backward walking",
            "minutes": plan.duration_min,
            "cues": cues or ["Walk slowly and deliberately."],
            "walking": True,
        }
    )
    if cool_down > 0:
        phases.append(
            {
                "kind": "cooldown",
                "name": "Cool-down",
                "minutes": cool_down,
                "cues": list(COOL_DOWN_CUES),
                "walking": False,
            }
        )
    return phases


@router.get("/session")
def guided_session(request: Request) -> Response:
    actor, walker_id = require_walker(request)
    today = plans.todays_prescription(web_state(request).ctx, actor, walker_id)
    if today.status not in ("ready", "done_today") or today.prescription is None:
        flash(request, today.message)
        return RedirectResponse("/today", 303)
    plan = today.prescription
    phases = _phases(plan)
    return render(
        request,
        "walker/session.html",
        {
            "title": "Guided session",
            "nav": "today",
            "today": today,
            "plan": plan,
            "speed_note": speed_note(web_state(request).ctx, plan),
            "phases": phases,
            "phases_json": json.dumps(phases),
            "speed": clock_speed(request),
            "state_key": f"{walker_id}:{today.local_date.isoformat()}:{plan.id}",
            "bpm_min": METRONOME_BPM_RANGE[0],
            "bpm_max": METRONOME_BPM_RANGE[1],
            "bpm_default": metronome_start(today),
            "cue_every_s": policies.current_policy(web_state(request).ctx, actor).value(
                "spoken_cue_every_s"
            ),
            "labels": labels,
            "adverse_events": vocab.ADVERSE_EVENTS.choices(),
        },
    )


# --- the 30-second log -------------------------------------------------------------------------

LOG_SCALES = ("pain_before_nprs", "pain_peak_nprs", "pain_after_nprs", "effort_cr10")
SPEED_NEEDED = (
    "Please write the speed you walked at. The speed of your plan is on the Today page; "
    "retrowalk never guesses it."
)


def _log_context(today: Any, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "Log your session",
        "nav": "today",
        "today": today,
        "values": values,
        "surfaces": vocab.SURFACES.choices(),
        "speed_units": SPEED_UNITS,
        "adverse_events": vocab.ADVERSE_EVENTS.choices(),
        "note_max": TEXT_MAX_CHARS,
    }


@router.get("/log")
def log_form(request: Request) -> Response:
    actor, walker_id = require_walker(request)
    today = plans.todays_prescription(web_state(request).ctx, actor, walker_id)
    query = request.query_params
    events = [e for e in query.getlist("adverse_events") if e in vocab.ADVERSE_EVENTS.choices()]
    plan = today.prescription
    if today.status == "needs_screening":
        flash(request, today.message)  # the safety questions come first
        return RedirectResponse("/today", 303)
    if today.status not in ("ready", "done_today") or plan is None:
        # No session today: the page still takes a report of what went wrong (a fall must
        # always reach the clinician), as a 0-minute session stopped before walking.
        report: dict[str, Any] = {
            "client_key": uuid.uuid4().hex,
            "duration_min": 0,
            "speed_m_s": None,
            "incline_pct": 0,
            "surface": plan.surface.value
            if plan is not None
            else next(iter(vocab.SURFACES.choices())),
            "supervised": None,
            "adverse_events": events,
            "note": "",
            "stopped": True,
        }
        context = _log_context(today, report)
        context.update(title="Tell us what went wrong", report_only=True)
        return render(request, "walker/log.html", context)
    values: dict[str, Any] = {
        "client_key": uuid.uuid4().hex,
        "duration_min": query.get("done_min") or plan.duration_min,
        "speed_m_s": round(plan.speed_m_s, 2),  # the box shows 0.71, not 0.7142857142857143
        "incline_pct": plan.incline_pct,
        "surface": plan.surface.value,
        # never pre-answered, not even from the plan: whether someone was there is hers to say
        # (RULES.md §7.9; found by the outside-in test: a plan needing a helper came with Yes
        # chosen, and a session walked alone was stored as supervised, with no flag)
        "supervised": None,
        "adverse_events": events,
        "note": "",  # never from the address: health notes stay out of URLs and histories
        "stopped": query.get("stopped") == "1",
    }
    return render(request, "walker/log.html", _log_context(today, values))


NOT_ANOTHER = (
    "Nothing new was saved: today's session is already logged. Thank you. If something went "
    "wrong since, log it as another session today, with what happened."
)


SPEED_UNITS: dict[str, str] = {"m_s": "m/s", "km_h": "km/h (as a treadmill shows it)"}
"""The units the log's speed box takes: a treadmill's console shows km/h, and a walker is never
asked to divide (found by the outside-in test: the box said "divide by 3.6")."""

KM_H_RANGE = (
    f"In km/h, a number from {SPEED_MIN_M_S * KM_H_PER_M_S:.2f} to "
    f"{BACKWARD_SPEED_MAX_M_S * KM_H_PER_M_S:g}, as your treadmill shows it."
)


def _speed_as_m_s(
    data: dict[str, Any], fields: tuple[str, ...] = ("speed_m_s",), unit_field: str = "speed_unit"
) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's fields with each speed in m/s, and the problems of a km/h speed in km/h words.

    The stored record is in m/s (one unit in the data); the box keeps what was typed, so a
    refused form shows the walker her own number and unit again."""
    checked = dict(data)
    unit = checked.pop(unit_field, None) or "m_s"
    if unit not in SPEED_UNITS:
        return checked, {fields[0]: "Choose m/s or km/h for the speed."}
    problems: dict[str, str] = {}
    for field in fields:
        if unit == "m_s" or checked.get(field) is None:
            continue
        try:
            km_h = decimal_number(checked[field])
        except NumberTextError:
            continue  # the model says what is wrong with the text itself
        if not SPEED_MIN_M_S * KM_H_PER_M_S <= km_h <= BACKWARD_SPEED_MAX_M_S * KM_H_PER_M_S:
            problems[field] = KM_H_RANGE
        else:
            checked[field] = f"{km_h / KM_H_PER_M_S:.4f}"
    return checked, problems


def _validate_log(data: dict[str, Any]) -> SessionIn:
    """The log as :class:`SessionIn`; an empty speed box is asked for in words.

    The page has no distance box, so the model's "give speed_m_s or distance_m" would name
    two fields the walker never saw: the speed box gets a sentence of its own instead.
    """
    checked, speed_problems = _speed_as_m_s(data)
    errors: dict[str, str] = {}
    try:
        session_in = forms.validate(SessionIn, checked, labels.LOG_FIELDS)
    except forms.FormError as exc:
        errors = exc.fields or {"form": str(exc)}
    if data["speed_m_s"] is None and _walked(data["duration_min"]):
        errors.pop("form", None)
        errors["speed_m_s"] = SPEED_NEEDED
    else:
        errors.update(speed_problems)
    if "duration_min" in errors and _nothing_to_report(data):
        errors["duration_min"] = ZERO_MINUTES_ON_THE_FORM
    if errors:
        raise forms.FormError(forms.summary(errors, labels.LOG_FIELDS), errors)
    return session_in


KM_H_LIKELY_MIN = 1.5
"""A speed in m/s is checked for a km/h number only above this many times the plan's."""
KM_H_MATCH = 0.1
"""... and when it is within this fraction of the plan's speed in km/h."""


def _not_km_h_typed_as_m_s(
    ctx: AppContext, actor: Actor, walker_id: int, data: dict[str, Any], session_in: SessionIn
) -> None:
    """Refuse, asking about the unit, a speed typed in m/s that is the plan's speed in km/h.

    Her plan reads "0.75 m/s (2.7 km/h)" and her treadmill shows 2.7: typed with the unit
    left on m/s, that was stored as 2.7 m/s — 9.7 km/h, and flagged to her clinician as far
    above her plan. A form check of the unit, not a clinical rule: nobody walks backward at
    more than one and a half times her plan and at exactly its number in km/h by chance."""
    typed = session_in.speed_m_s
    if typed is None or (data.get("speed_unit") or "m_s") != "m_s":
        return
    plan = plans.todays_prescription(ctx, actor, walker_id).prescription
    if plan is None or typed <= KM_H_LIKELY_MIN * plan.speed_m_s:
        return
    plan_km_h = plan.speed_m_s * KM_H_PER_M_S
    if abs(typed - plan_km_h) <= KM_H_MATCH * plan_km_h:
        problem = {
            "speed_m_s": (
                f"You typed {typed:g} m/s, but your plan's speed is {plan.speed_m_s:.2f} m/s, "
                f"which a treadmill shows as {plan_km_h:.1f} km/h. If {typed:g} is what your "
                "treadmill showed, choose km/h next to the speed and send again."
            )
        }
        raise forms.FormError(forms.summary(problem, labels.LOG_FIELDS), problem)


ZERO_MINUTES_ON_THE_FORM = (
    "0 is only for a session stopped before any backward walking: tick what went wrong "
    "above, or write the minutes you walked."
)
"""The 0-minute rule in the log form's own words: the model's "say that the session was
stopped early" names what only the timer's stop button sends (found by the outside-in test:
"mark the session not completed", and the form had no such control)."""


def _nothing_to_report(data: dict[str, Any]) -> bool:
    """0 minutes, nothing ticked as gone wrong, and not sent by the stop button."""
    try:
        zero = data["duration_min"] is not None and decimal_number(data["duration_min"]) == 0
    except NumberTextError:
        return False
    return zero and bool(data["completed"]) and not data["adverse_events"]


def _walked(duration_min: str | None) -> bool:
    """Some backward walking was done (a number above 0 in the minutes box)."""
    try:
        return duration_min is not None and decimal_number(duration_min) > 0
    except NumberTextError:
        return False


def _session_data(form: FormData) -> dict[str, Any]:
    data: dict[str, Any] = {
        "client_key": forms.text(form, "client_key"),
        "duration_min": forms.optional(form, "duration_min"),
        "speed_m_s": forms.optional(form, "speed_m_s"),
        "speed_unit": forms.optional(form, "speed_unit"),
        "incline_pct": forms.optional(form, "incline_pct") or 0,
        "surface": forms.optional(form, "surface"),
        "supervised": forms.yes_no(form, "supervised"),
        "adverse_events": tuple(
            v for v in form.getlist("adverse_events") if isinstance(v, str) and v
        ),
        "note": forms.optional(form, "note"),
        "another_today": forms.yes_no(form, "another_today"),
        # The timer's "stop" button sends stopped=1: the session was not completed.
        "completed": forms.text(form, "stopped") != "1",
    }
    for name in LOG_SCALES:
        data[name] = forms.optional(form, name)
    return data


@router.post("/log")
async def log_submit(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_log_submit, request, form)


def _log_submit(request: Request, form: FormData) -> Response:
    actor, walker_id = require_walker(request)
    data = _session_data(form)
    db = web_state(request).ctx
    asked_another = forms.text(form, "asked_another") == "1"
    if asked_another and data["another_today"] is False:
        flash(request, NOT_ANOTHER)
        return RedirectResponse("/today", 303)
    try:
        if asked_another and data["another_today"] is None:
            problem = {"another_today": "Please choose Yes or No."}
            raise forms.FormError(forms.summary(problem, labels.ANOTHER_TODAY_FIELD), problem)
        session_in = _validate_log(data)
        _not_km_h_typed_as_m_s(db, actor, walker_id, data, session_in)
        saved = sessions.log_session(db, actor, walker_id, session_in)
    except (forms.FormError, ServiceError, ClinicalError) as exc:
        today = plans.todays_prescription(db, actor, walker_id)
        report_only = today.status not in ("ready", "done_today") or today.prescription is None
        if isinstance(exc, KeyReused):  # the form shown again is a new form, with its own key
            data = {**data, "client_key": uuid.uuid4().hex}
        return render(
            request,
            "walker/log.html",
            {
                **_log_context(today, {**data, "stopped": forms.text(form, "stopped") == "1"}),
                "report_only": report_only,
                "error": str(exc),
                "errors": forms.field_errors(exc),
            },
            status_code=status_for(exc),
        )
    if not saved.created:  # sent again: the first log stands, and is shown
        flash(request, SESSION_ALREADY_SAVED)
    return render(
        request,
        "walker/logged.html",
        {
            "title": "Session saved",
            "nav": "today",
            "saved": saved,
            "events": [vocab.ADVERSE_EVENTS.long(e) for e in saved.adverse_events],
            "stops": bool(set(saved.adverse_events) & SERIOUS_EVENTS),
            "chest_pain": AdverseEvent.CHEST_PAIN.value in saved.adverse_events,
        },
    )


SERIOUS_EVENTS = frozenset(e.value for e in SERIOUS_ADVERSE_EVENTS)
SESSION_ALREADY_SAVED = "This session was already saved."
"""The same log sent again (a double tap, a resend): nothing new is stored."""
RED_FLAGS_ALREADY_SAVED = "Your answer was already saved."


# --- next-morning check-in ------------------------------------------------------------------------


NOT_YET_MORNING = (
    "The morning check-in for a session opens the next day: how your knee feels the "
    "morning after is what decides your next session. Please come back tomorrow morning."
)


def _checkin_context(request: Request, values: dict[str, Any]) -> dict[str, Any]:
    """The pending session and whether its next morning has come (the walker's own date)."""
    actor, walker_id = require_walker(request)
    db = web_state(request).ctx
    record = history.walker_history(db, actor, walker_id, weeks=2)
    pending = _pending_checkin(record)
    today = plans.todays_prescription(db, actor, walker_id)
    local_today = today.local_date
    opens_at = today.checkin_opens_at if pending is not None else None
    # not open yet: logged on a later day, or this morning's opening hour has not come
    # (policy; found by the outside-in test: a report at 00:33 after a session at 23:50)
    waits = opens_at is not None and not today.checkin_open
    return {
        "title": "Morning check-in",
        "nav": "today",
        "pending": pending,
        "local_today": local_today,
        "opens_on": opens_at.date() if opens_at is not None else None,
        "opens_at": opens_at,
        "too_early": pending is not None and (pending.local_date >= local_today or waits),
        "late": waits,
        "logged_late": today.checkin_logged_late,
        "todays_session_ids": {str(s.id) for s in record.sessions if s.local_date >= local_today},
        "red_flag_statements": CHECKIN_FLAG_STATEMENTS,
        # a check-in closed without its report left red-flag questions unasked: this one
        # asks them since that earlier session (RULES.md §7.7)
        "red_flags_since": today.red_flags_unasked_since,
        "values": values,
    }


@router.get("/checkin")
def checkin_form(request: Request) -> Response:
    return render(request, "walker/checkin.html", _checkin_context(request, {}))


@router.post("/checkin")
async def checkin_submit(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_checkin_submit, request, form)


ALREADY_CHECKED_IN = "Your check-in was already saved. Here is what it means for today."


def _checkin_submit(request: Request, form: FormData) -> Response:
    actor, walker_id = require_walker(request)
    db = web_state(request).ctx
    values: dict[str, Any] = {
        "session_id": forms.optional(form, "session_id"),
        "pain_nprs": forms.optional(form, "pain_nprs"),
        "stiffness_nprs": forms.optional(form, "stiffness_nprs"),
        "new_red_flags": [v for v in form.getlist("new_red_flags") if isinstance(v, str) and v],
    }
    context = _checkin_context(request, values)
    try:
        chosen = values["session_id"]
        pending = context["pending"]
        # logged on a later day (policy): the check-in waits, and the page says why; a
        # warning sign ticked in it goes on, to be kept as a red-flag report
        if context["late"] and chosen == str(pending.id) and not values["new_red_flags"]:
            raise forms.FormError(
                checkin_opens_words(
                    pending.local_date,
                    context["opens_at"],
                    context["local_today"],
                    late=context["logged_late"],
                )
            )
        if chosen in context["todays_session_ids"] or (chosen is None and context["too_early"]):
            if values["new_red_flags"]:
                # Too early for the check-in, never for a warning sign (RULES.md §7.7).
                data_flags = forms.validate(
                    RedFlagReportIn,
                    {"new_red_flags": values["new_red_flags"], "client_key": forms.form_key(form)},
                    labels.RED_FLAG_FIELDS,
                )
                report = red_flag_reports.report_red_flags(db, actor, walker_id, data_flags)
                return _red_flags_result(request, report, NOT_YET_MORNING)
            raise forms.FormError(NOT_YET_MORNING)
        data = forms.validate(CheckinIn, values, labels.CHECKIN_FIELDS)
        result = checkins.morning_checkin(db, actor, walker_id, data)
    except CheckinAlreadyGiven:
        # a second tap or another tab: the first check-in decided, and today's page says
        # what it decided (a rest day first) — never a refusal page (found by the outside-in
        # test: a double-tapped rest day left the walker on "already exists")
        flash(request, ALREADY_CHECKED_IN)
        return RedirectResponse("/today", 303)
    except red_flag_reports.RedFlagsKeptWithoutCheckin as kept:
        # The check-in was closed meanwhile (or given in another tab): the warning sign
        # ticked in it is kept, and what to do now comes first.
        return _red_flags_result(
            request, kept.report, str(kept.refused), status_code=status_for(kept)
        )
    except (forms.FormError, ServiceError, ClinicalError) as exc:
        context = _checkin_context(request, values)
        context.update({"error": str(exc), "errors": forms.field_errors(exc)})
        return render(
            request,
            "walker/checkin.html",
            context,
            status_code=status_for(exc),
        )
    return render(
        request,
        "walker/checkin_result.html",
        {
            "title": "Thank you",
            "nav": "today",
            "result": result,
            "decision_words": vocab.DECISIONS.long(result.decision),
            "labels": labels,
            "blocked": any(r.effect.value == "no_sessions" for r in result.restrictions),
        },
    )


# --- a warning sign (red flag), at any time ---------------------------------------------------

NOTHING_TICKED = "Tick each warning sign that is new, or tick “None of these is new”, then send."
BOTH_TICKED = (
    "You ticked a warning sign and also “None of these is new”: please tick only what is true."
)
NONE_FIELD = "none_of_these"


def _red_flags_context(request: Request, values: dict[str, Any]) -> dict[str, Any]:
    """The questions, and since when they ask (a check-in closed without its report)."""
    actor, walker_id = require_walker(request)
    today = plans.todays_prescription(web_state(request).ctx, actor, walker_id)
    return {
        "title": "Tell us about a warning sign",
        "nav": "today",
        "today": today,
        "unasked_since": today.red_flags_unasked_since,
        # "since your last session" needs one (found by the outside-in test: asked before any)
        "had_session": bool(sessions.session_days(web_state(request).ctx, actor, walker_id)),
        "red_flag_statements": CHECKIN_FLAG_STATEMENTS,
        "values": values,
    }


@router.get("/red-flags")
def red_flags_form(request: Request) -> Response:
    """The morning check-in's red-flag questions, open at any time (RULES.md §7.7)."""
    return render(request, "walker/red_flags.html", _red_flags_context(request, {}))


@router.post("/red-flags")
async def red_flags_submit(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_red_flags_submit, request, form)


def _red_flags_submit(request: Request, form: FormData) -> Response:
    actor, walker_id = require_walker(request)
    ticked = [v for v in form.getlist("new_red_flags") if isinstance(v, str) and v]
    values: dict[str, Any] = {"new_red_flags": ticked, NONE_FIELD: forms.checked(form, NONE_FIELD)}
    try:
        if not ticked and not values[NONE_FIELD]:
            raise forms.FormError(NOTHING_TICKED, {"new_red_flags": NOTHING_TICKED})
        if ticked and values[NONE_FIELD]:
            raise forms.FormError(BOTH_TICKED, {"new_red_flags": BOTH_TICKED})
        data = forms.validate(
            RedFlagReportIn,
            {"new_red_flags": ticked, "client_key": forms.form_key(form)},
            labels.RED_FLAG_FIELDS,
        )
        result = red_flag_reports.report_red_flags(web_state(request).ctx, actor, walker_id, data)
    except (forms.FormError, ServiceError, ClinicalError) as exc:
        context = _red_flags_context(request, values)
        context.update({"error": str(exc), "errors": forms.field_errors(exc)})
        return render(request, "walker/red_flags.html", context, status_code=status_for(exc))
    return _red_flags_result(request, result)


def _red_flags_result(
    request: Request,
    result: RedFlagReportOut,
    checkin_refused: str | None = None,
    status_code: int = 200,
) -> Response:
    """What a red-flag report set, and what to do; ``checkin_refused``: why the morning
    check-in it was sent with could not be stored (its warning signs are kept all the same)."""
    if not result.created:  # sent again: the first answer stands, and is shown
        flash(request, RED_FLAGS_ALREADY_SAVED)
    return render(
        request,
        "walker/red_flags_result.html",
        {
            "title": "Warning sign reported" if result.new_red_flags else "Thank you",
            "nav": "today",
            "result": result,
            "reported": [CHECKIN_FLAG_STATEMENTS[f.value] for f in result.new_red_flags],
            "checkin_refused": checkin_refused,
        },
        status_code=status_code,
    )


# --- progress ---------------------------------------------------------------------


@router.get("/progress")
def progress_page(request: Request) -> Response:
    actor, walker_id = require_walker(request)
    ctx = web_state(request).ctx
    record = history.walker_history(ctx, actor, walker_id, weeks=12)
    steps: dict[int, int] = {}
    for recording in session_recordings.walker_recordings(ctx, actor, walker_id):
        if recording.steps is not None:
            steps[recording.session_id] = steps.get(recording.session_id, 0) + recording.steps
    return render(
        request,
        "walker/progress.html",
        {
            "title": "Your progress",
            "nav": "progress",
            "record": record,
            "charts": progress_charts(record),
            "recorded_steps": steps,
        },
    )
