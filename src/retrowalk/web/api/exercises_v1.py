"""The JSON API of the strengthening exercises (under /api/v1, like the rest of the API).

A walker reads her programme and adherence and logs what she did; her clinician (or an
admin) also switches exercises on and off. Access is decided by the services.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from retrowalk.services import exercise_log, exercises
from retrowalk.services.exercise_log import WEEKS_MAX
from retrowalk.services.numbers import WholeNumberText
from retrowalk.services.schemas import ID_MAX, Actor
from retrowalk.services.schemas.exercises import (
    AdherenceOut,
    ExerciseLogIn,
    ExerciseLogOut,
    ExerciseSwitchIn,
    ProgrammeOut,
)
from retrowalk.web.auth import check_csrf, signed_in, signed_in_clinician
from retrowalk.web.errors import ERROR_RESPONSES
from retrowalk.web.state import web_state

router = APIRouter(
    prefix="/api/v1",
    responses=ERROR_RESPONSES,
    dependencies=[Depends(check_csrf)],
    tags=["exercises"],
)

WalkerId = Annotated[WholeNumberText, Path(ge=1, le=ID_MAX, description="The walker's id")]
SignedIn = Annotated[Actor, Depends(signed_in)]
Clinician = Annotated[Actor, Depends(signed_in_clinician)]


@router.get("/walkers/{walker_id}/exercises")
def walker_programme(request: Request, actor: SignedIn, walker_id: WalkerId) -> ProgrammeOut:
    """The strengthening programme for the walker's knee condition, each exercise on or off."""
    return exercises.walker_programme(web_state(request).ctx, actor, walker_id)


@router.post(
    "/walkers/{walker_id}/exercise-logs",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": ExerciseLogOut, "description": "Already stored (client_key)"}},
)
def log_exercises(
    request: Request, response: Response, actor: SignedIn, walker_id: WalkerId, body: ExerciseLogIn
) -> ExerciseLogOut:
    """What she did after a session, per exercise (sets done, pain); dated by the server."""
    saved = exercise_log.log_exercises(web_state(request).ctx, actor, walker_id, body)
    if not saved.created:
        response.status_code = status.HTTP_200_OK
    return saved


@router.get("/walkers/{walker_id}/exercise-adherence")
def exercise_adherence(
    request: Request,
    actor: SignedIn,
    walker_id: WalkerId,
    weeks: Annotated[WholeNumberText, Query(ge=1, le=WEEKS_MAX)] = 4,
) -> AdherenceOut:
    """Days and sets done against planned, per calendar week (this week last)."""
    return exercise_log.exercise_adherence(web_state(request).ctx, actor, walker_id, weeks=weeks)


@router.post("/walkers/{walker_id}/exercise-switches")
def switch_exercise(
    request: Request, actor: Clinician, walker_id: WalkerId, body: ExerciseSwitchIn
) -> ProgrammeOut:
    """Switch one exercise of the walker's programme on or off (her clinician; audited)."""
    return exercises.switch_exercise(web_state(request).ctx, actor, walker_id, body)
