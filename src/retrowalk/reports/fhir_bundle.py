"""One walker's record as a FHIR R4 ``Bundle`` (type ``collection``), built with the
``fhir.resources`` models, so every resource is validated as it is made.

``fhir.resources`` 8 ships R5 by default and R4B (4.3.0) as ``fhir.resources.R4B``; it has no
separate R4 (4.0.1) package. R4B changed only medication-definition, evidence and
subscription resources; the resources used here (Patient, Practitioner, Condition,
Observation, QuestionnaireResponse, CarePlan, Bundle) and every element set here are the
same in R4, so the JSON reads as R4 (see ``docs/fhir.md``).

References are ``urn:uuid:`` full URLs, derived from the record ids (uuid5), so the same
record exports to the same bundle and every reference resolves inside it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from retrowalk.clinical.measures.koos import KOOS_ITEMS, SUBSCALE_LABELS, KoosSubscale
from retrowalk.clinical.red_flags import FEVER_QUESTION, RED_FLAGS
from retrowalk.clinical.screening import (
    ANTICOAGULANT_QUESTION,
    PARQ_QUESTIONS,
    STEADI_QUESTIONS,
    WALKING_AID_QUESTION,
    ScreeningAnswers,
    recent_surgery_question,
)
from retrowalk.present import vocabulary as vocab
from retrowalk.reports import fhir_codes as fc
from retrowalk.reports.record import AssessmentValues, WalkerRecord
from retrowalk.services.schemas import (
    AssessmentOut,
    CheckinOut,
    PrescriptionOut,
    ScreeningOut,
    SessionOut,
)

_NAMESPACE = uuid.UUID("6f1d2c9e-3b8a-5e47-9c1d-2a7b4e6f8d03")
"""uuid5 namespace of retrowalk's FHIR ids (fixed: the same record gives the same ids)."""


def _urn(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, '/'.join(str(p) for p in parts))}"


def _coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def _obs_code(code: str) -> dict[str, Any]:
    entry = fc.OBS[code]
    codings = [_coding(fc.RW_OBSERVATION, entry.code, entry.display)]
    if entry.standard is not None:
        std = entry.standard
        codings.append(_coding(std.system, std.code, std.display))
    return {"coding": codings, "text": entry.display}


def _category(std: fc.StandardCode) -> list[dict[str, Any]]:
    return [{"coding": [_coding(std.system, std.code, std.display)]}]


def _ucum(value: float, std: fc.StandardCode) -> dict[str, Any]:
    return {"value": value, "unit": std.display, "system": std.system, "code": std.code}


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _day(value: date) -> str:
    return value.isoformat()


class _Builder:
    """Collects validated resources under their full URLs."""

    def __init__(self, record: WalkerRecord) -> None:
        self.record = record
        self.walker = record.walker
        self.patient_url = _urn("walker", self.walker.id, "patient")
        self.practitioner_url = (
            _urn("account", record.clinician.id, "practitioner") if record.clinician else None
        )
        self.entries: list[tuple[str, Any]] = []

    def add(self, url: str, resource: dict[str, Any]) -> str:
        model = get_fhir_model_class(resource["resourceType"])
        self.entries.append((url, model.model_validate(resource)))
        return url

    def identifier(self, *parts: object) -> list[dict[str, Any]]:
        value = "/".join(str(p) for p in ("walker", self.walker.id, *parts))
        return [{"system": fc.RW_RECORD_ID, "value": value}]

    def subject(self) -> dict[str, Any]:
        return {"reference": self.patient_url}

    def observation(
        self,
        key: tuple[object, ...],
        code: str,
        category: fc.StandardCode,
        effective: str,
        value: dict[str, Any],
        *,
        performer: str | None = None,
        members: list[str] | None = None,
        note: str | None = None,
    ) -> str:
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "identifier": self.identifier(*key),
            "status": "final",
            "category": _category(category),
            "code": _obs_code(code),
            "subject": self.subject(),
            "effectiveDateTime": effective,
            **value,
        }
        if performer:
            resource["performer"] = [{"reference": performer}]
        if members:
            resource["hasMember"] = [{"reference": m} for m in members]
        if note:
            resource["note"] = [{"text": note}]
        return self.add(_urn("walker", self.walker.id, *key), resource)


def _patient(b: _Builder) -> None:
    w = b.walker
    b.add(
        b.patient_url,
        {
            "resourceType": "Patient",
            "identifier": b.identifier("patient"),
            "active": True,
            "name": [{"text": w.display_name}],
            "telecom": [{"system": "email", "value": w.email}],
            "gender": w.sex,
            "extension": [{"url": fc.EXT_AGE_YEARS, "valueInteger": w.age_years}],
            **(
                {"generalPractitioner": [{"reference": b.practitioner_url}]}
                if b.practitioner_url
                else {}
            ),
        },
    )


def _practitioner(b: _Builder) -> None:
    clinician = b.record.clinician
    if clinician is None or b.practitioner_url is None:
        return
    b.add(
        b.practitioner_url,
        {
            "resourceType": "Practitioner",
            "identifier": [
                {"system": fc.RW_RECORD_ID, "value": f"account/{clinician.id}/practitioner"}
            ],
            "active": True,
            "name": [{"text": clinician.display_name}],
            "telecom": [{"system": "email", "value": clinician.email}],
        },
    )


def _condition(b: _Builder) -> None:
    w = b.walker
    condition = str(w.knee_condition.value)
    b.add(
        _urn("walker", w.id, "condition"),
        {
            "resourceType": "Condition",
            "identifier": b.identifier("condition"),
            "clinicalStatus": {
                "coding": [
                    _coding(
                        fc.CONDITION_ACTIVE.system,
                        fc.CONDITION_ACTIVE.code,
                        fc.CONDITION_ACTIVE.display,
                    )
                ]
            },
            "code": {
                "coding": [_coding(fc.RW_CONDITION, condition, fc.CONDITIONS.get(condition))],
                "text": vocab.CONDITIONS.long(condition),
            },
            "bodySite": [
                {
                    "coding": [_coding(fc.RW_KNEE_SIDE, w.knee_side, fc.KNEE_SIDES[w.knee_side])],
                    "text": fc.KNEE_SIDES[w.knee_side],
                }
            ],
            "subject": b.subject(),
            "recordedDate": _instant(w.created_at),
            "note": [
                {
                    "text": "As told to the walker by their clinician and entered at enrolment; "
                    "retrowalk supports clinical care, it does not diagnose."
                }
            ],
        },
    )


def _nrs(value: int) -> dict[str, Any]:
    return {"valueInteger": value}


def _sessions(b: _Builder, sessions: tuple[SessionOut, ...]) -> None:
    for s in sessions:
        at = _instant(s.performed_at)
        me = b.patient_url
        for code, value in (
            ("session-pain-before", s.pain_before_nprs),
            ("session-pain-peak", s.pain_peak_nprs),
            ("session-pain-after", s.pain_after_nprs),
            ("session-effort", s.effort_cr10),
        ):
            b.observation(
                ("session", s.id, code), code, fc.CATEGORY_SURVEY, at, _nrs(value), performer=me
            )
        b.observation(
            ("session", s.id, "session-duration"),
            "session-duration",
            fc.CATEGORY_ACTIVITY,
            at,
            {"valueQuantity": _ucum(s.duration_min, fc.UNIT_MINUTE)},
            performer=me,
        )
        if s.speed_m_s is not None and s.duration_min > 0:
            b.observation(
                ("session", s.id, "session-speed"),
                "session-speed",
                fc.CATEGORY_ACTIVITY,
                at,
                {"valueQuantity": {"value": s.speed_m_s, "unit": fc.SPEED_UNIT_TEXT}},
                performer=me,
            )
        for event in s.adverse_events:
            b.observation(
                ("session", s.id, "session-adverse-event", event),
                "session-adverse-event",
                fc.CATEGORY_SURVEY,
                at,
                {
                    "valueCodeableConcept": {
                        "coding": [_coding(fc.RW_ADVERSE_EVENT, event)],
                        "text": vocab.ADVERSE_EVENTS.short(event),
                    }
                },
                performer=me,
            )


def _checkins(b: _Builder, checkins: tuple[CheckinOut, ...]) -> None:
    for c in checkins:
        day = _day(c.local_date)
        b.observation(
            ("checkin", c.id, "next-morning-pain"),
            "next-morning-pain",
            fc.CATEGORY_SURVEY,
            day,
            _nrs(c.pain_nprs),
            performer=b.patient_url,
        )
        if c.stiffness_nprs is not None:
            b.observation(
                ("checkin", c.id, "next-morning-stiffness"),
                "next-morning-stiffness",
                fc.CATEGORY_SURVEY,
                day,
                _nrs(c.stiffness_nprs),
                performer=b.patient_url,
            )


def _seconds(value: float) -> dict[str, Any]:
    return {"valueQuantity": _ucum(value, fc.UNIT_SECOND)}


def _assessment(b: _Builder, a: AssessmentOut, values: AssessmentValues | None) -> None:
    day = _day(a.local_date)
    members: list[str] = []
    if values is not None:
        tests: list[tuple[str, float | None]] = [
            ("tug", values.tug_s),
            ("tandem-stance", values.tandem_stance_s),
            ("backward-walk-3m", values.backward_walk_3m_s),
        ]
        for code, seconds in tests:
            if seconds is not None:
                members.append(
                    b.observation(
                        ("assessment", a.id, code), code, fc.CATEGORY_EXAM, day, _seconds(seconds)
                    )
                )
        if values.chair_stand_count is not None:
            members.append(_chair_stand(b, a, values))
        if values.gait_speed_m_s is not None:
            b.observation(
                ("assessment", a.id, "gait-speed"),
                "gait-speed",
                fc.CATEGORY_EXAM,
                day,
                {"valueQuantity": {"value": values.gait_speed_m_s, "unit": fc.SPEED_UNIT_TEXT}},
            )
    if a.backward_speed_m_s is not None:
        b.observation(
            ("assessment", a.id, "backward-speed-3m"),
            "backward-speed-3m",
            fc.CATEGORY_EXAM,
            day,
            {"valueQuantity": {"value": a.backward_speed_m_s, "unit": fc.SPEED_UNIT_TEXT}},
        )
    if a.fall_risk is not None:
        reasons = "; ".join(r.message for r in a.reasons if r.code.startswith("fall_risk"))
        b.observation(
            ("assessment", a.id, "fall-risk"),
            "fall-risk",
            fc.CATEGORY_EXAM,
            day,
            {
                "valueCodeableConcept": {
                    "coding": [
                        _coding(fc.RW_FALL_RISK, a.fall_risk, fc.FALL_RISK_LEVELS[a.fall_risk])
                    ],
                    "text": fc.FALL_RISK_LEVELS[a.fall_risk],
                }
            },
            members=members or None,
            note=reasons or None,
        )
    koos = a.scores.get("koos")
    if isinstance(koos, dict):
        for subscale in KoosSubscale:
            score = koos.get(subscale.value)
            if isinstance(score, int | float) and not isinstance(score, bool):
                code = f"koos-{subscale.value.replace('_', '-')}"
                b.observation(
                    ("assessment", a.id, code),
                    code,
                    fc.CATEGORY_SURVEY,
                    day,
                    {"valueQuantity": {"value": float(score), "unit": fc.SCORE_UNIT_TEXT}},
                    performer=b.patient_url,
                )
    if values is not None and values.koos_answers:
        _koos_response(b, a, values)


def _chair_stand(b: _Builder, a: AssessmentOut, values: AssessmentValues) -> str:
    std = fc.CHAIR_STAND_30S_WITH_ARMS if values.chair_stand_used_arms else fc.CHAIR_STAND_30S
    code = _obs_code("chair-stand-30s")
    code["coding"] = [code["coding"][0], _coding(std.system, std.code, std.display)]
    url = _urn("walker", b.walker.id, "assessment", a.id, "chair-stand-30s")
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "identifier": b.identifier("assessment", a.id, "chair-stand-30s"),
        "status": "final",
        "category": _category(fc.CATEGORY_EXAM),
        "code": code,
        "subject": b.subject(),
        "effectiveDateTime": _day(a.local_date),
        "valueInteger": values.chair_stand_count,
    }
    if values.chair_stand_used_arms:
        resource["note"] = [
            {"text": "Stood up using the arms: the STEADI chair stand scores this 0."}
        ]
    return b.add(url, resource)


def _koos_response(b: _Builder, a: AssessmentOut, values: AssessmentValues) -> None:
    groups = []
    for subscale, codes in KOOS_ITEMS.items():
        items = [
            {"linkId": code, "answer": [{"valueInteger": values.koos_answers[code]}]}
            for code in codes
            if code in values.koos_answers
        ]
        if items:
            groups.append(
                {
                    "linkId": f"koos-{subscale.value}",
                    "text": SUBSCALE_LABELS[subscale],
                    "item": items,
                }
            )
    b.add(
        _urn("walker", b.walker.id, "assessment", a.id, "koos-response"),
        {
            "resourceType": "QuestionnaireResponse",
            "identifier": b.identifier("assessment", a.id, "koos-response")[0],
            "questionnaire": fc.Q_KOOS,
            "status": "completed",
            "subject": b.subject(),
            "source": {"reference": b.patient_url},
            "authored": _instant(datetime.combine(a.local_date, time(0), tzinfo=UTC)),
            "item": groups,
        },
    )


def _yes_no(link: str, text: str | None, answer: bool | None) -> Iterator[dict[str, Any]]:
    if answer is None:
        return
    item: dict[str, Any] = {"linkId": link, "answer": [{"valueBoolean": answer}]}
    if text:
        item["text"] = text
    yield item


def _screening(b: _Builder, s: ScreeningOut, answers: ScreeningAnswers | None) -> None:
    if answers is None:
        return
    items: list[dict[str, Any]] = []
    for number, (question, yes) in enumerate(zip(PARQ_QUESTIONS, answers.parq, strict=False), 1):
        items.extend(_yes_no(f"parq-{number}", question, yes))
    items.extend(_yes_no("used-to-activity", None, answers.used_to_activity))
    for name, question in STEADI_QUESTIONS.items():
        items.extend(_yes_no(f"steadi-{name}", question, getattr(answers.steadi, name)))
    for flag in sorted(answers.red_flags, key=lambda f: f.value):
        items.append(
            {
                "linkId": "red-flag",
                "text": "Red flags reported",
                "answer": [
                    {"valueCoding": _coding(fc.RW_RED_FLAG, flag.value, RED_FLAGS[flag].statement)}
                ],
            }
        )
    items.extend(_yes_no("fever-or-unwell", FEVER_QUESTION, answers.fever_or_unwell))
    items.extend(_yes_no("uses-walking-aid", WALKING_AID_QUESTION, answers.uses_walking_aid))
    items.extend(
        _yes_no("takes-anticoagulant", ANTICOAGULANT_QUESTION, answers.takes_anticoagulant)
    )
    items.extend(
        _yes_no("recent-knee-surgery", recent_surgery_question(), answers.recent_knee_surgery)
    )
    b.add(
        _urn("walker", b.walker.id, "screening", s.id, "response"),
        {
            "resourceType": "QuestionnaireResponse",
            "identifier": b.identifier("screening", s.id, "response")[0],
            "questionnaire": fc.Q_SCREENING,
            "status": "completed",
            "subject": b.subject(),
            "source": {"reference": b.patient_url},
            "authored": _instant(s.created_at),
            "item": _merge_repeats(items),
        },
    )


def _merge_repeats(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One item per linkId (a repeated answer becomes several answers of one item)."""
    merged: dict[str, dict[str, Any]] = {}
    for item in items:
        if item["linkId"] in merged:
            merged[item["linkId"]]["answer"].extend(item["answer"])
        else:
            merged[item["linkId"]] = {**item, "answer": list(item["answer"])}
    return list(merged.values())


def _care_plan(b: _Builder, plan: PrescriptionOut) -> None:
    supervision = (
        "every session"
        if plan.supervision == "every_session"
        else f"the first {plan.supervised_first_sessions or 0} sessions"
    )
    description = (
        f"Backward walking {plan.duration_min:g} min at {plan.speed_m_s:.2f} m/s, incline "
        f"{plan.incline_pct:g} %, {plan.sessions_per_week} sessions a week, on "
        f"{vocab.SURFACES.long(plan.surface)}; supervised {supervision}."
    )
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "identifier": b.identifier("plan", plan.id),
        "status": "active",
        "intent": "plan",
        "title": "Backward walking programme",
        "description": description,
        "subject": b.subject(),
        "period": {"start": _day(plan.effective_from)},
        "created": _instant(plan.created_at),
        "extension": [{"url": fc.EXT_PLAN_VERSION, "valueInteger": plan.version}],
        "activity": [
            {
                "detail": {
                    "kind": "ServiceRequest",
                    "code": {
                        "coding": [
                            _coding(
                                fc.RW_ACTIVITY, fc.ACTIVITY_BACKWARD_WALKING, "Backward walking"
                            )
                        ],
                        "text": "Backward walking",
                    },
                    "status": "in-progress",
                    "description": description,
                    "scheduledTiming": {
                        "repeat": {
                            "frequency": plan.sessions_per_week,
                            "period": 1,
                            "periodUnit": "wk",
                            "duration": plan.duration_min,
                            "durationUnit": "min",
                        }
                    },
                    "extension": [
                        {
                            "url": fc.EXT_PLAN_SPEED,
                            "valueQuantity": {"value": plan.speed_m_s, "unit": fc.SPEED_UNIT_TEXT},
                        },
                        {
                            "url": fc.EXT_PLAN_INCLINE,
                            "valueQuantity": _ucum(plan.incline_pct, fc.UNIT_PERCENT),
                        },
                        {
                            "url": fc.EXT_PLAN_SURFACE,
                            "valueCoding": _coding(
                                fc.RW_SURFACE,
                                str(plan.surface.value),
                                vocab.SURFACES.long(plan.surface),
                            ),
                        },
                        {
                            "url": fc.EXT_PLAN_SUPERVISION,
                            "valueCoding": _coding(
                                fc.RW_SUPERVISION, plan.supervision, f"Supervised {supervision}"
                            ),
                        },
                    ],
                }
            }
        ],
    }
    if b.practitioner_url:
        resource["author"] = {"reference": b.practitioner_url}
    b.add(_urn("walker", b.walker.id, "plan", plan.id), resource)


def walker_bundle(record: WalkerRecord) -> Bundle:
    """The walker's record as a validated R4 ``Bundle`` of type ``collection``."""
    b = _Builder(record)
    _patient(b)
    _practitioner(b)
    _condition(b)
    history = record.history
    for s in history.screenings:
        _screening(b, s, record.screening_answers.get(s.id))
    for a in history.assessments:
        _assessment(b, a, record.tests.get(a.id))
    _sessions(b, history.sessions)
    _checkins(b, history.checkins)
    if record.plan is not None:
        _care_plan(b, record.plan)
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "identifier": {
                "system": fc.RW_RECORD_ID,
                "value": f"walker/{b.walker.id}/bundle/{history.since}/{history.until}",
            },
            "type": "collection",
            "timestamp": _instant(record.generated_at),
            "entry": [{"fullUrl": url, "resource": res} for url, res in b.entries],
        }
    )


def walker_bundle_json(record: WalkerRecord) -> str:
    """:func:`walker_bundle` as FHIR JSON text (what the API serves and the CLI writes)."""
    return walker_bundle(record).model_dump_json(indent=1)
