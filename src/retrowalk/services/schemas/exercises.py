"""Inputs and outputs of the strengthening-exercise use cases: the programme, a tick, the
clinician's switch and the weekly adherence."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from retrowalk.clinical.exercises import SETS_MAX, Exercise, ProgrammeKey
from retrowalk.clinical.prescription import KneeCondition
from retrowalk.services.schemas.base import (
    ClientKey,
    FrozenModel,
    InputModel,
    Note,
    Nprs,
    WholeNumber,
    YesNo,
)

ExerciseKey = Annotated[
    str,
    Field(
        min_length=1,
        max_length=48,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="An exercise's key, e.g. straight_leg_raise",
    ),
]


class DoneAs(StrEnum):
    """Which version of an exercise was done."""

    AS_PLANNED = "as_planned"
    HOME_ALTERNATIVE = "home_alternative"
    """The exercise's home alternative (e.g. sit to stand instead of the leg press)."""


class ExerciseDoneIn(InputModel):
    """One exercise of a tick: how many sets were done, and the pain during them."""

    exercise_key: ExerciseKey
    sets_done: Annotated[WholeNumber, Field(ge=0, le=SETS_MAX)]
    pain_nprs: Nprs | None = None
    """Pain during the exercise, 0 to 10; needed when at least one set was done."""
    done_as: DoneAs = DoneAs.AS_PLANNED

    @model_validator(mode="after")
    def _pain_when_done(self) -> ExerciseDoneIn:
        if self.sets_done > 0 and self.pain_nprs is None:
            raise ValueError("pain_nprs: say how much it hurt (0 = no pain) for a set you did")
        return self


class ExerciseLogIn(InputModel):
    """What the walker did after a session; ``client_key`` makes a resubmission harmless."""

    client_key: ClientKey
    exercises: Annotated[tuple[ExerciseDoneIn, ...], Field(min_length=1, max_length=20)]

    @model_validator(mode="after")
    def _each_once(self) -> ExerciseLogIn:
        keys = [e.exercise_key for e in self.exercises]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"exercises: each exercise once per tick ({', '.join(twice)} twice)")
        return self


class ExerciseSwitchIn(InputModel):
    """A clinician switches one exercise of a walker's programme on or off."""

    exercise_key: ExerciseKey
    enabled: YesNo
    reason: Note | None = None


class ProgrammeItemOut(FrozenModel):
    """One exercise of a walker's programme, with whether it is on for her."""

    key: str
    enabled: bool
    exercise: Exercise
    home_alternative: Exercise | None = None
    changed_at: datetime | None = None
    """When a clinician last switched it (None: as the programme has it)."""
    changed_by_name: str | None = None
    reason: str | None = None


class ProgrammeOut(FrozenModel):
    """A walker's strengthening programme: the set for her knee condition, with switches."""

    walker_id: int
    condition: KneeCondition
    programme: ProgrammeKey
    title: str
    basis: str
    dose_basis: str
    policy: bool
    sources: tuple[str, ...]
    items: tuple[ProgrammeItemOut, ...]


class ExerciseDoneOut(FrozenModel):
    exercise_key: str
    done_as: DoneAs
    sets_done: int
    sets_planned: int
    pain_nprs: int | None


class ExerciseLogOut(FrozenModel):
    """A stored tick; ``created`` is False when this ``client_key`` was stored before."""

    id: int
    walker_id: int
    local_date: date
    logged_at: datetime
    exercises: tuple[ExerciseDoneOut, ...]
    created: bool = True
    too_painful: tuple[str, ...] = ()
    """The exercises done with pain above the acceptable level (``PAIN_ACCEPTABLE_MAX_NPRS``:
    the red zone of the pain-monitoring model, Silbernagel 2007, used for the knee as an
    extrapolation):
    the walker is told to stop or make them easier, and her clinician's list flags it."""


class ExerciseWeek(FrozenModel):
    """One exercise in one week (Monday first, the walker's dates): done against planned."""

    exercise_key: str
    days_done: int
    """Days with at least one set done."""
    days_planned: int
    """The dose's sessions a week (0 when the exercise was off)."""
    sets_done: int
    sets_planned: int
    pain_peak_nprs: int | None


class AdherenceWeek(FrozenModel):
    week_start: date
    days_done: int
    """Days with any exercise done."""
    days_planned: int
    """The most sessions a week any exercise that is on asks for."""
    sets_done: int
    sets_planned: int
    exercises: tuple[ExerciseWeek, ...]


class AdherenceOut(FrozenModel):
    """Done against planned per week, newest last (the switches as they are now)."""

    walker_id: int
    weeks: tuple[AdherenceWeek, ...]
