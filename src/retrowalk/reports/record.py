"""What a report is made of: one walker's service outputs, checked to be one walker's.

The PDF and the FHIR bundle take a :class:`WalkerRecord`. It holds the service outputs as
they are (``HistoryOut`` for the period, the current plan, the restrictions, the clinician)
plus two seams for what the outputs do not carry yet:

- ``tests``: the values measured at each assessment (``AssessmentOut`` has the verdicts and
  scores, not the seconds and counts entered). Build each with
  :meth:`AssessmentValues.from_answers` from the stored answers (``AssessmentIn`` as dumped).
- ``screening_answers``: the answers of each screening (``ScreeningOut.result`` has the
  outcome, not the PAR-Q answers), as :class:`~retrowalk.clinical.screening.ScreeningAnswers`.
- ``exercises``: strengthening-exercise adherence (``services.exercise_log``); ``None`` is
  shown as "not recorded yet", never invented.

Everything is validated here, so the renderers never meet another walker's row.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from retrowalk.clinical.fall_risk import (
    CHAIR_STAND_COUNT_MAX,
    TANDEM_STANCE_MAX_S,
    TEST_TIME_MAX_S,
    TEST_TIME_MIN_S,
)
from retrowalk.clinical.measures.koos import ALL_KOOS_ITEMS, check_item_value
from retrowalk.clinical.policy import PolicyConfig
from retrowalk.clinical.screening import ScreeningAnswers
from retrowalk.reports.errors import ReportInputError
from retrowalk.services.schemas import (
    GAIT_SPEED_MAX_M_S,
    AccountOut,
    HistoryOut,
    PrescriptionOut,
    RestrictionsOut,
    WalkerOut,
)


class AssessmentValues(BaseModel):
    """The values entered at one assessment (``None``: not done), as ``AssessmentIn`` names
    them; the bounds are the input bounds of the clinical rules."""

    model_config = ConfigDict(frozen=True, extra="ignore", allow_inf_nan=False)

    tug_s: float | None = Field(default=None, ge=TEST_TIME_MIN_S, le=TEST_TIME_MAX_S)
    tandem_stance_s: float | None = Field(default=None, ge=0, le=TANDEM_STANCE_MAX_S)
    chair_stand_count: int | None = Field(default=None, ge=0, le=CHAIR_STAND_COUNT_MAX)
    chair_stand_used_arms: bool = False
    backward_walk_3m_s: float | None = Field(default=None, ge=TEST_TIME_MIN_S, le=TEST_TIME_MAX_S)
    gait_speed_m_s: float | None = Field(default=None, gt=0, le=GAIT_SPEED_MAX_M_S)
    koos_answers: dict[str, int] = Field(default_factory=dict)
    """KOOS item code → answer 0–4 (unanswered items left out)."""

    @model_validator(mode="before")
    @classmethod
    def _koos_items(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("koos_answers"), dict):
            answers = {}
            for code, value in data["koos_answers"].items():
                if value is None:
                    continue
                if code not in ALL_KOOS_ITEMS:
                    raise ValueError(f"koos_answers: {code!r} is not a KOOS item code")
                answers[code] = check_item_value(code, value)
            data = {**data, "koos_answers": answers}
        elif isinstance(data, dict) and data.get("koos_answers") is None:
            data = {**data, "koos_answers": {}}
        return data

    @classmethod
    def from_answers(cls, answers: Mapping[str, Any]) -> AssessmentValues:
        """From an assessment's stored answers (``AssessmentIn.model_dump(mode="json")``);
        :class:`ReportInputError` with a sentence when they are malformed."""
        try:
            return cls.model_validate(dict(answers))
        except (ValidationError, ValueError) as exc:
            raise ReportInputError(f"assessment answers: {_sentence(exc)}", field="tests") from None


class ExerciseAdherence(BaseModel):
    """Strengthening exercises over the period: days with any exercise ticked done, against
    the days a week the walker's programme asks for (calendar weeks that touch the period)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sessions_done: int = Field(ge=0)
    sessions_planned: int | None = Field(default=None, ge=0)
    weeks: int | None = Field(default=None, ge=0)
    """How many calendar weeks the figures cover (at most the last year of records)."""


class WalkerRecord(BaseModel):
    """Everything one report or bundle shows, for ONE walker (checked)."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    history: HistoryOut
    """The walker's record over the report's period (see :func:`reports.period.within`)."""
    generated_at: datetime
    """When the report is made (aware); passed in, so a report is reproducible."""
    clinician: AccountOut | None = None
    plan: PrescriptionOut | None = None
    """The current plan (``plans.current_prescription``)."""
    restrictions: RestrictionsOut | None = None
    """Active and lifted restrictions; default: ``history.restrictions``."""
    tests: Mapping[int, AssessmentValues] = Field(default_factory=dict)
    """Assessment id → the values measured (seam: see the module docstring)."""
    screening_answers: Mapping[int, ScreeningAnswers] = Field(default_factory=dict)
    """Screening id → its answers (seam: see the module docstring)."""
    policy: PolicyConfig | None = None
    """The clinic's policy when the report is made (it words the knee-surgery question);
    ``None``: retrowalk's defaults."""
    exercises: ExerciseAdherence | None = None
    """Strengthening-exercise adherence: not recorded yet (``None``) until another issue."""

    @property
    def walker(self) -> WalkerOut:
        return self.history.walker

    @property
    def active_restrictions(self) -> RestrictionsOut | None:
        return self.restrictions if self.restrictions is not None else self.history.restrictions

    @model_validator(mode="after")
    def _one_walker(self) -> WalkerRecord:
        if self.generated_at.tzinfo is None or self.generated_at.utcoffset() is None:
            raise ValueError("generated_at must include a time zone")
        walker_id = self.history.walker.id
        h = self.history
        rows: list[tuple[str, int]] = [
            *(("session", s.walker_id) for s in h.sessions),
            *(("check-in", c.walker_id) for c in h.checkins),
            *(("missed report", m.walker_id) for m in h.missed_reports),
            *(("red-flag report", r.walker_id) for r in h.red_flag_reports),
            *(("plan", p.walker_id) for p in h.prescriptions),
            *(("assessment", a.walker_id) for a in h.assessments),
            *(("screening", s.walker_id) for s in h.screenings),
            *(("clearance", c.walker_id) for c in h.clearances),
            *(("note", n.walker_id) for n in h.notes),
        ]
        if self.plan is not None:
            rows.append(("current plan", self.plan.walker_id))
        for restrictions in (self.restrictions, h.restrictions):
            if restrictions is not None:
                rows.append(("restrictions", restrictions.walker_id))
        for kind, other in rows:
            if other != walker_id:
                raise ValueError(
                    f"a {kind} of walker {other} is in the record of walker {walker_id}; a "
                    "report holds one walker's data only"
                )
        if self.clinician is not None and h.walker.clinician_id not in (None, self.clinician.id):
            raise ValueError(
                f"clinician {self.clinician.id} is not this walker's clinician "
                f"({h.walker.clinician_id})"
            )
        assessment_ids = {a.id for a in h.assessments}
        stray = sorted(set(self.tests) - assessment_ids)
        if stray:
            raise ValueError(f"tests are given for assessments {stray} not in the record")
        screening_ids = {s.id for s in h.screenings}
        stray = sorted(set(self.screening_answers) - screening_ids)
        if stray:
            raise ValueError(f"answers are given for screenings {stray} not in the record")
        return self


def walker_record(**parts: Any) -> WalkerRecord:
    """:class:`WalkerRecord` from its parts, or :class:`ReportInputError` with a sentence."""
    try:
        return WalkerRecord(**parts)
    except ValidationError as exc:
        raise ReportInputError(f"report: {_sentence(exc)}", field="record") from None


def _sentence(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = str(first.get("msg", "")).removeprefix("Value error, ")
        return f"{where}: {message}" if where else message
    return str(exc)
