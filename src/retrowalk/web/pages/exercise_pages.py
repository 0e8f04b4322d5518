"""The strengthening exercises: the walker's programme, one exercise with its drawing, the
tick after a session, and the clinician's switches and adherence table.

The walker's pages take the walker from her own sign-in, never from the address; an
exercise page names only content (an exercise key), so anyone signed in may read it. The
clinician's switch posts to the walker's own address and the services check that she is
that walker's clinician.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from retrowalk.clinical.errors import ClinicalError
from retrowalk.clinical.exercises import EXERCISES
from retrowalk.clinical.norms import NPRS_MAX
from retrowalk.clinical.pain_monitoring import PAIN_ACCEPTABLE_MAX_NPRS
from retrowalk.services import exercise_log, exercises, restrictions
from retrowalk.services.context import AppContext
from retrowalk.services.errors import FieldProblem, NotFound, ServiceError, problems_from
from retrowalk.services.exercise_gate import EXERCISES_WAIT, exercises_wait
from retrowalk.services.numbers import NumberTextError, WholeNumberText, whole_number
from retrowalk.services.schemas import ID_MAX, Actor, Role
from retrowalk.services.schemas.exercises import (
    ExerciseLogIn,
    ExerciseSwitchIn,
    ProgrammeOut,
)
from retrowalk.web import forms
from retrowalk.web.auth import check_csrf, require_actor, require_clinician, require_walker
from retrowalk.web.errors import FormError, problems_for, status_for
from retrowalk.web.render import flash, render
from retrowalk.web.state import web_state

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

WalkerId = Annotated[WholeNumberText, Path(ge=1, le=ID_MAX, description="The walker's id")]
ExerciseKeyPath = Annotated[str, Path(max_length=48, description="An exercise's key")]

ADHERENCE_WEEKS = 4
"""Weeks of adherence on the clinician's page (this week and the three before)."""

NOTHING_TICKED = "Choose how many sets you did of at least one exercise."


def _stopped(ctx: AppContext, actor: Actor, walker_id: int) -> tuple[str, ...]:
    """The titles of restrictions that stop every session (a red flag, a rest day...): the
    exercises then wait for the clinician too (held by the services: :mod:`exercise_gate`)."""
    found = restrictions.walker_restrictions(ctx, actor, walker_id).active
    return tuple(r.title for r in found if exercises_wait([r]))


def _programme(request: Request) -> tuple[Actor, int, ProgrammeOut]:
    actor, walker_id = require_walker(request)
    return actor, walker_id, exercises.walker_programme(web_state(request).ctx, actor, walker_id)


@router.get("/exercises")
def programme_page(request: Request) -> Response:
    actor, walker_id, programme = _programme(request)
    adherence = exercise_log.exercise_adherence(web_state(request).ctx, actor, walker_id, weeks=1)
    return render(
        request,
        "walker/exercises.html",
        {
            "title": "Your exercises",
            "nav": "today",
            "programme": programme,
            "this_week": adherence.weeks[-1],
            "stopped": _stopped(web_state(request).ctx, actor, walker_id),
            "exercises_wait": EXERCISES_WAIT,
        },
    )


@router.get("/exercises/log")
def log_form(request: Request) -> Response:
    actor, walker_id, programme = _programme(request)
    if _stopped(web_state(request).ctx, actor, walker_id):
        return RedirectResponse("/exercises", 303)  # the page says why they wait
    return render(request, "walker/exercise_log.html", _log_context(programme, {}))


def _log_context(programme: ProgrammeOut, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "Tick your exercises",
        "nav": "today",
        "programme": programme,
        "items": [i for i in programme.items if i.enabled],
        "values": {"client_key": uuid.uuid4().hex, **values},
    }


def _field(key: str, name: str) -> str:
    return f"{name}__{key}"


def _ticked(form: FormData, programme: ProgrammeOut) -> tuple[dict[str, Any], list[str]]:
    """The form as the tick's data (only exercises with a number of sets chosen), and the
    exercise keys in that order (to name a wrong field back on the page)."""
    rows, keys = [], []
    for item in programme.items:
        if not item.enabled:
            continue
        sets = forms.optional(form, _field(item.key, "sets"))
        pain = forms.optional(form, _field(item.key, "pain"))
        if sets in (None, "0") and pain is None:
            continue
        row: dict[str, Any] = {
            "exercise_key": item.key,
            "sets_done": _whole(sets),
            "pain_nprs": _whole(pain),
        }
        done_as = forms.optional(form, _field(item.key, "done_as"))
        if done_as is not None:
            row["done_as"] = done_as
        rows.append(row)
        keys.append(item.key)
    return {"client_key": forms.text(form, "client_key"), "exercises": rows}, keys


def _whole(text: str | None) -> int | str | None:
    """A chosen number as a number (the one grammar); anything else stays text, for the
    model to refuse with its sentence next to the box."""
    if text is None:
        return None
    try:
        return whole_number(text)
    except NumberTextError:
        return text


def _form_fields(problems: tuple[FieldProblem, ...], keys: list[str]) -> dict[str, str]:
    """``exercises.2.pain_nprs`` → ``pain__<third key>``: each problem next to its box."""
    names = {"sets_done": "sets", "pain_nprs": "pain", "done_as": "done_as"}
    fields: dict[str, str] = {}
    for problem in problems:
        if problem.field == "exercises" and len(problems) > 1:
            continue  # pydantic's "at least 1 item" after an item was refused: not news
        parts = problem.field.split(".")
        if len(parts) >= 2 and parts[0] == "exercises" and parts[1].isdigit():
            key = keys[int(parts[1])] if int(parts[1]) < len(keys) else None
            name = names.get(parts[2] if len(parts) > 2 else "", "sets")
            if problem.message.startswith("pain_nprs:"):
                name = "pain"
            if key is not None:
                text = forms.field_message(problem, problem.given)
                fields.setdefault(_field(key, name), text.removeprefix("pain_nprs: "))
                continue
        fields.setdefault("form", forms.field_message(problem, problem.given))
    return fields


@router.post("/exercises/log")
async def log_submit(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_log_submit, request, form)


def _log_submit(request: Request, form: FormData) -> Response:
    actor, walker_id, programme = _programme(request)
    data, keys = _ticked(form, programme)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        if not data["exercises"]:
            raise FormError(NOTHING_TICKED, {"form": NOTHING_TICKED})
        try:
            tick = ExerciseLogIn.model_validate(data)
        except ValidationError as exc:
            fields = _form_fields(problems_from(exc.errors()), keys)
            raise FormError(_summary(fields), fields) from None
        stored = exercise_log.log_exercises(web_state(request).ctx, actor, walker_id, tick)
    except (FormError, ServiceError, ClinicalError) as exc:
        fields = exc.fields if isinstance(exc, FormError) else _form_fields(problems_for(exc), keys)
        context = _log_context(programme, values)
        context.update({"error": str(exc), "errors": fields})
        return render(request, "walker/exercise_log.html", context, status_code=status_for(exc))
    if not stored.created:  # sent again: the first tick stands
        flash(request, EXERCISES_ALREADY_SAVED)
        return RedirectResponse("/exercises", 303)
    flash(request, "Thank you: your exercises are saved.")
    if stored.too_painful:
        flash(request, too_painful_words(stored.too_painful))
    return RedirectResponse("/exercises", 303)


EXERCISES_ALREADY_SAVED = "These exercises were already saved."
"""The same tick sent again (a double tap, a resend): nothing new is stored."""


def too_painful_words(keys: tuple[str, ...]) -> str:
    """What a walker is told after exercises that hurt more than the acceptable level."""
    names = " and ".join(EXERCISES[key].name for key in keys)
    return (
        f"Pain above {PAIN_ACCEPTABLE_MAX_NPRS} out of {NPRS_MAX} during {names} is too much "
        "(the red zone of the pain traffic light, a rule from research on another condition, "
        "used for the knee). Next time stop that exercise or make it easier, and tell your "
        "clinician: they see it on their list."
    )


def _summary(fields: dict[str, str]) -> str:
    named = []
    for field, message in fields.items():
        if "__" in field:
            name, key = field.split("__", 1)
            what = "pain" if name == "pain" else "sets"
            text = message.rstrip(".")
            named.append(f"{EXERCISES[key].name} ({what}): {text[:1].lower()}{text[1:]}")
        else:
            named.append(message.rstrip("."))
    return "; ".join(named) + "."


@router.get("/exercises/{exercise_key}")
def exercise_page(request: Request, exercise_key: ExerciseKeyPath) -> Response:
    actor = require_actor(request)
    exercise = EXERCISES.get(exercise_key)
    if exercise is None:
        raise NotFound(f"There is no exercise called {exercise_key!r}.")
    item = None
    stopped: tuple[str, ...] = ()
    if actor.role is Role.WALKER:
        _, walker_id, programme = _programme(request)
        item = next((i for i in programme.items if i.key == exercise.key), None)
        stopped = _stopped(web_state(request).ctx, actor, walker_id)
    return render(
        request,
        "walker/exercise.html",
        {
            "title": exercise.name,
            "nav": "today",
            "exercise": exercise,
            "item": item,
            "home_alternative": EXERCISES.get(exercise.home_alternative or ""),
            "alternative_to": EXERCISES.get(exercise.alternative_to or ""),
            "stopped": stopped,
            "exercises_wait": EXERCISES_WAIT,
        },
    )


# --- the clinician's side --------------------------------------------------------------------


def clinician_context(ctx: AppContext, actor: Actor, walker_id: int) -> dict[str, Any]:
    """What the clinician's walker page shows of the exercises (its ``exercises`` block)."""
    return {
        "exercise_programme": exercises.walker_programme(ctx, actor, walker_id),
        "exercise_adherence": exercise_log.exercise_adherence(
            ctx, actor, walker_id, weeks=ADHERENCE_WEEKS
        ),
    }


@router.post("/clinician/walkers/{walker_id}/exercises")
async def switch(request: Request, walker_id: WalkerId) -> Response:
    form = await request.form()
    return await run_in_threadpool(_switch, request, form, walker_id)


def _switch(request: Request, form: FormData, walker_id: WalkerId) -> Response:
    actor = require_clinician(request)
    enabled = forms.yes_no(form, "enabled")
    data = {
        "exercise_key": forms.text(form, "exercise_key"),
        "enabled": enabled,
        "reason": forms.optional(form, "reason"),
    }
    try:
        change = forms.validate(ExerciseSwitchIn, data)
        exercises.switch_exercise(web_state(request).ctx, actor, walker_id, change)
    except (FormError, ServiceError, ClinicalError) as exc:
        if status_for(exc) in (403, 404):
            raise  # not this clinician's walker: the error page, nothing said about the record
        flash(request, f"Not changed. {exc}")
        return RedirectResponse(f"/clinician/walkers/{walker_id}#exercises-h", 303)
    name = EXERCISES[change.exercise_key].name
    flash(request, f"{name} is switched {'on' if change.enabled else 'off'} for this walker.")
    return RedirectResponse(f"/clinician/walkers/{walker_id}#exercises-h", 303)
