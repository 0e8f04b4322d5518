"""The strengthening exercises backward walking is added to, as content, and the programmes.

Every trial that helped added backward walking *to* strengthening (RULES.md §4), so the
walker needs each exercise as something she can do alone: its purpose, a starting dose, how
to do it in a few plain steps, what she should feel and what should make her stop, an easier
and a harder version, and a line drawing. Each exercise is one file in ``exercises/``
(``<key>.toml``); the programmes are ``exercises/programmes.toml``. All are read once, at
import, and checked (:class:`~retrowalk.clinical.content_files.ContentFileError` names the file
and the field): an unknown evidence key, a programme naming a missing exercise, or a home
alternative that does not point back stops the import.

Which programme a walker gets follows the knee condition her clinician recorded
(:func:`programme_for`): knee osteoarthritis gets the usual-care set of the knee-OA trial
(Alghadir 2019); patellofemoral pain gets hip and quadriceps work, which is **retrowalk's
policy**: no patellofemoral exercise guideline is in the evidence report.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from importlib.resources import files
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from retrowalk.clinical.content_files import ContentFileError, load_content
from retrowalk.clinical.evidence import CATALOGUE
from retrowalk.clinical.prescription import KneeCondition

SETS_MAX: Final[int] = 10
"""Input and content limit: more than 10 sets of one exercise in a day is a typing error."""
REPETITIONS_MAX: Final[int] = 30
"""Content check (a typing error above 30 repetitions a set), not a clinical rule."""

Line = Annotated[str, Field(min_length=3, max_length=400)]
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")]


class _Content(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Dose(_Content):
    """The starting dose: sets of repetitions (each held ``hold_s`` seconds, if given)."""

    sets: Annotated[int, Field(ge=1, le=SETS_MAX)]
    repetitions: Annotated[int, Field(ge=1, le=REPETITIONS_MAX)]
    hold_s: Annotated[int | None, Field(ge=1, le=60)] = None
    sessions_per_week: Annotated[int, Field(ge=1, le=7)]

    def words(self) -> str:
        """The dose in plain words: "3 sets of 10, holding each for 5 seconds; 3 days a week"."""
        hold = f", holding each for {self.hold_s} seconds" if self.hold_s else ""
        sets = "1 set" if self.sets == 1 else f"{self.sets} sets"
        return f"{sets} of {self.repetitions}{hold}; {self.sessions_per_week} days a week"


class Picture(_Content):
    """A line drawing served by the app (``static/exercises/<file>``), with its text."""

    file: Annotated[str, Field(pattern=r"^[a-z0-9_]+\.svg$")]
    alt: Line


class Exercise(_Content):
    """One exercise, as the walker reads it."""

    key: Key
    name: Annotated[str, Field(min_length=3, max_length=80)]
    purpose: Line
    dose: Dose
    steps: Annotated[tuple[Line, ...], Field(min_length=3, max_length=5)]
    feel: Line
    stop_if: Line
    easier: Line
    harder: Line
    picture: Picture
    equipment: Line | None = None
    """What is needed beyond a chair, a bed or the floor (a machine): said on the page."""
    home_alternative: Key | None = None
    """The exercise to do at home instead, when ``equipment`` is not at hand."""
    alternative_to: Key | None = None
    """Set on a home alternative: the exercise it replaces."""
    sources: tuple[str, ...] = ()
    """Evidence keys for including the exercise; empty means retrowalk's policy."""

    @model_validator(mode="after")
    def _alternative_needs_equipment(self) -> Exercise:
        if self.home_alternative is not None and self.equipment is None:
            raise ValueError("an exercise with a home_alternative must say its equipment")
        if self.home_alternative is not None and self.alternative_to is not None:
            raise ValueError("an exercise cannot both have and be a home alternative")
        return self


class ProgrammeKey(StrEnum):
    """The strengthening programmes retrowalk offers."""

    KNEE_OA = "knee_oa"
    PATELLOFEMORAL_PAIN = "patellofemoral_pain"


class Programme(_Content):
    """A set of exercises for one knee condition, with why it is this set."""

    key: ProgrammeKey
    condition: KneeCondition
    title: Annotated[str, Field(min_length=3, max_length=120)]
    exercises: Annotated[tuple[Key, ...], Field(min_length=1)]
    basis: Annotated[str, Field(min_length=3, max_length=800)]
    """Why this set, in plain words (says "policy" where it is retrowalk's choice)."""
    dose_basis: Annotated[str, Field(min_length=3, max_length=800)]
    """Where the starting doses come from."""
    policy: bool
    """True when the set is retrowalk's choice, not taken from a listed source."""
    sources: tuple[str, ...] = ()


class ProgrammeFile(_Content):
    programme: tuple[Programme, ...]


_DIR: Final = "exercises"
_NOT_IN_PROGRAMME: Final = "is a home alternative, not a programme exercise"
_PROGRAMMES: Final = "programmes.toml"


def _where(name: str) -> str:
    return f"retrowalk/clinical/{_DIR}/{name}"


def _check_sources(keys: tuple[str, ...], source: str) -> None:
    unknown = [k for k in keys if k not in CATALOGUE]
    if unknown:
        raise ContentFileError(
            source,
            [f"field 'sources': {k!r} is not the key of an evidence entry" for k in unknown],
        )


def load_exercises(folder: Traversable) -> dict[str, Exercise]:
    """Every ``<key>.toml`` of ``folder`` but the programmes, checked, by key."""
    found: dict[str, Exercise] = {}
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        if not item.name.endswith(".toml") or item.name == _PROGRAMMES:
            continue
        source = _where(item.name)
        exercise = load_content(Exercise, item.read_text(encoding="utf-8"), source)
        if f"{exercise.key}.toml" != item.name:
            raise ContentFileError(
                source, [f"field 'key': {exercise.key!r} must be the file's name without .toml"]
            )
        _check_sources(exercise.sources, source)
        found[exercise.key] = exercise
    for exercise in found.values():
        source = _where(f"{exercise.key}.toml")
        other = found.get(exercise.home_alternative or exercise.alternative_to or "")
        if exercise.home_alternative is not None and (
            other is None or other.alternative_to != exercise.key
        ):
            raise ContentFileError(
                source,
                [
                    f"field 'home_alternative': {exercise.home_alternative!r} must be an "
                    f"exercise whose alternative_to is {exercise.key!r}"
                ],
            )
        if exercise.alternative_to is not None and (
            other is None or other.home_alternative != exercise.key
        ):
            raise ContentFileError(
                source,
                [
                    f"field 'alternative_to': {exercise.alternative_to!r} must be an exercise "
                    f"whose home_alternative is {exercise.key!r}"
                ],
            )
    return found


def load_programmes(text: str, exercises: Mapping[str, Exercise]) -> dict[KneeCondition, Programme]:
    """The programmes file, checked against the exercises, by the condition each is for."""
    source = _where(_PROGRAMMES)
    programmes = load_content(ProgrammeFile, text, source).programme
    by_condition: dict[KneeCondition, Programme] = {}
    for index, programme in enumerate(programmes):
        _check_sources(programme.sources, source)
        wrong = [
            f"field 'programme.{index}.exercises': {key!r} "
            + (_NOT_IN_PROGRAMME if key in exercises else "has no file")
            for key in programme.exercises
            if key not in exercises or exercises[key].alternative_to is not None
        ]
        if programme.condition in by_condition:
            wrong.append(f"field 'programme.{index}.condition': a second programme for it")
        if wrong:
            raise ContentFileError(source, wrong)
        by_condition[programme.condition] = programme
    missing = [c.value for c in KneeCondition if c not in by_condition]
    if missing:
        raise ContentFileError(source, [f"no programme for the condition {m!r}" for m in missing])
    return by_condition


_FOLDER: Final = files("retrowalk.clinical").joinpath(_DIR)

EXERCISES: Final[Mapping[str, Exercise]] = MappingProxyType(load_exercises(_FOLDER))
"""Every exercise, home alternatives included, by key."""

PROGRAMMES: Final[Mapping[KneeCondition, Programme]] = MappingProxyType(
    load_programmes(_FOLDER.joinpath(_PROGRAMMES).read_text(encoding="utf-8"), EXERCISES)
)
"""The programme for each knee condition."""


def programme_for(condition: KneeCondition | str) -> Programme:
    """The programme for a knee condition (the one recorded on the walker)."""
    return PROGRAMMES[KneeCondition(condition)]


def exercise(key: str) -> Exercise | None:
    """The exercise with this key, or None."""
    return EXERCISES.get(key)
