"""One walker's record as a FHIR R4 ``Bundle`` (type ``collection``), built with the
``fhir.resources`` models, so every resource is validated as it is made.

``fhir.resources`` 8 ships R5 by default and R4B (4.3.0) as ``fhir.resources.R4B``; it has no
separate R4 (4.0.1) package. R4B changed only medication-definition, evidence and
subscription resources; the resources used here (Patient, Practitioner, Condition,
Observation, QuestionnaireResponse, CarePlan, Bundle) and every element set here are the
same in R4, so the JSON reads as R4 (see ``docs/fhir.md``).

References are ``urn:uuid:`` full URLs, derived from the record ids (uuid5), so the same
record exports to the same bundle and every reference resolves inside it. This module holds
the people, the condition and the plan; :mod:`.fhir_observations` the measured values,
:mod:`.fhir_questionnaires` the answers, :mod:`.fhir_builder` the parts they share.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.bundle import Bundle

from retrowalk.present import vocabulary as vocab
from retrowalk.reports import fhir_codes as fc
from retrowalk.reports.fhir_builder import (
    BundleBuilder,
    coding,
    fhir_date,
    fhir_instant,
    ucum,
    urn,
)
from retrowalk.reports.fhir_flags import restriction_flags
from retrowalk.reports.fhir_observations import (
    assessment_observations,
    checkin_observations,
    red_flag_report_observations,
    session_observations,
)
from retrowalk.reports.fhir_questionnaires import screening_response
from retrowalk.reports.record import WalkerRecord
from retrowalk.services.schemas import (
    PrescriptionOut,
)


def _patient(b: BundleBuilder) -> None:
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


def _practitioner(b: BundleBuilder) -> None:
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


def _condition(b: BundleBuilder) -> None:
    w = b.walker
    condition = str(w.knee_condition.value)
    b.add(
        urn("walker", w.id, "condition"),
        {
            "resourceType": "Condition",
            "identifier": b.identifier("condition"),
            "clinicalStatus": {
                "coding": [
                    coding(
                        fc.CONDITION_ACTIVE.system,
                        fc.CONDITION_ACTIVE.code,
                        fc.CONDITION_ACTIVE.display,
                    )
                ]
            },
            "code": {
                "coding": [coding(fc.RW_CONDITION, condition, fc.CONDITIONS.get(condition))],
                "text": vocab.CONDITIONS.long(condition),
            },
            "bodySite": [
                {
                    "coding": [coding(fc.RW_KNEE_SIDE, w.knee_side, fc.KNEE_SIDES[w.knee_side])],
                    "text": fc.KNEE_SIDES[w.knee_side],
                }
            ],
            "subject": b.subject(),
            "recordedDate": fhir_instant(w.created_at),
            "note": [
                {
                    "text": "As told to the walker by their clinician and entered at enrolment; "
                    "retrowalk supports clinical care, it does not diagnose."
                }
            ],
        },
    )


def _care_plan(b: BundleBuilder, plan: PrescriptionOut) -> None:
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
        "period": {"start": fhir_date(plan.effective_from)},
        "created": fhir_instant(plan.created_at),
        "extension": [{"url": fc.EXT_PLAN_VERSION, "valueInteger": plan.version}],
        "activity": [
            {
                "detail": {
                    "kind": "ServiceRequest",
                    "code": {
                        "coding": [
                            coding(fc.RW_ACTIVITY, fc.ACTIVITY_BACKWARD_WALKING, "Backward walking")
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
                            "valueQuantity": ucum(plan.incline_pct, fc.UNIT_PERCENT),
                        },
                        {
                            "url": fc.EXT_PLAN_SURFACE,
                            "valueCoding": coding(
                                fc.RW_SURFACE,
                                str(plan.surface.value),
                                vocab.SURFACES.long(plan.surface),
                            ),
                        },
                        {
                            "url": fc.EXT_PLAN_SUPERVISION,
                            "valueCoding": coding(
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
    b.add(urn("walker", b.walker.id, "plan", plan.id), resource)


def walker_bundle(record: WalkerRecord) -> Bundle:
    """The walker's record as a validated R4 ``Bundle`` of type ``collection``."""
    b = BundleBuilder(record)
    _patient(b)
    _practitioner(b)
    _condition(b)
    history = record.history
    for s in history.screenings:
        screening_response(b, s, record.screening_answers.get(s.id))
    for a in history.assessments:
        assessment_observations(b, a, record.tests.get(a.id))
    session_observations(b, history.sessions)
    checkin_observations(b, history.checkins)
    red_flag_report_observations(b, history.red_flag_reports)
    restriction_flags(b)
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
            "timestamp": fhir_instant(record.generated_at),
            "entry": [{"fullUrl": url, "resource": res} for url, res in b.entries],
        }
    )


def walker_bundle_json(record: WalkerRecord) -> str:
    """:func:`walker_bundle` as FHIR JSON text (what the API serves and the CLI writes)."""
    return walker_bundle(record).model_dump_json(indent=1)
