"""The measured values as FHIR ``Observation``s: each session's pain, effort, minutes and
speed, each next-morning check-in, each warning sign reported at any time, and each
assessment's tests, fall-risk verdict and KOOS subscale scores (codes:
:mod:`retrowalk.reports.fhir_codes`, ``docs/fhir.md``)."""

from __future__ import annotations

from typing import Any

from retrowalk.clinical.measures.koos import KoosSubscale
from retrowalk.clinical.red_flags import RED_FLAGS, KneeRedFlag
from retrowalk.present import vocabulary as vocab
from retrowalk.reports import fhir_codes as fc
from retrowalk.reports.fhir_builder import (
    BundleBuilder,
    category_of,
    coding,
    fhir_date,
    fhir_instant,
    obs_code,
    ucum,
    urn,
)
from retrowalk.reports.fhir_questionnaires import koos_response
from retrowalk.reports.record import AssessmentValues
from retrowalk.reports.warning_signs import RECORDED_BY
from retrowalk.services.schemas import (
    AssessmentOut,
    CheckinOut,
    RedFlagReportOut,
    Role,
    SessionOut,
)


def nrs_value(value: int) -> dict[str, Any]:
    return {"valueInteger": value}


def session_observations(b: BundleBuilder, sessions: tuple[SessionOut, ...]) -> None:
    for s in sessions:
        at = fhir_instant(s.performed_at)
        me = b.patient_url
        for code, value in (
            ("session-pain-before", s.pain_before_nprs),
            ("session-pain-peak", s.pain_peak_nprs),
            ("session-pain-after", s.pain_after_nprs),
            ("session-effort", s.effort_cr10),
        ):
            b.observation(
                ("session", s.id, code),
                code,
                fc.CATEGORY_SURVEY,
                at,
                nrs_value(value),
                performer=me,
            )
        b.observation(
            ("session", s.id, "session-duration"),
            "session-duration",
            fc.CATEGORY_ACTIVITY,
            at,
            {"valueQuantity": ucum(s.duration_min, fc.UNIT_MINUTE)},
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
                        "coding": [coding(fc.RW_ADVERSE_EVENT, event)],
                        "text": vocab.ADVERSE_EVENTS.short(event),
                    }
                },
                performer=me,
            )


def checkin_observations(b: BundleBuilder, checkins: tuple[CheckinOut, ...]) -> None:
    for c in checkins:
        day = fhir_date(c.local_date)
        b.observation(
            ("checkin", c.id, "next-morning-pain"),
            "next-morning-pain",
            fc.CATEGORY_SURVEY,
            day,
            nrs_value(c.pain_nprs),
            performer=b.patient_url,
        )
        if c.stiffness_nprs is not None:
            b.observation(
                ("checkin", c.id, "next-morning-stiffness"),
                "next-morning-stiffness",
                fc.CATEGORY_SURVEY,
                day,
                nrs_value(c.stiffness_nprs),
                performer=b.patient_url,
            )
        for flag in c.new_red_flags:
            b.observation(
                ("checkin", c.id, "next-morning-red-flag", flag.value),
                "next-morning-red-flag",
                fc.CATEGORY_SURVEY,
                day,
                red_flag_value(flag),
                performer=b.patient_url,
            )


def red_flag_value(flag: KneeRedFlag) -> dict[str, Any]:
    """A red flag as the value of an Observation: the retrowalk code and the walker's words."""
    return {
        "valueCodeableConcept": {
            "coding": [coding(fc.RW_RED_FLAG, flag.value)],
            "text": RED_FLAGS[flag].statement,
        }
    }


def red_flag_report_observations(b: BundleBuilder, reports: tuple[RedFlagReportOut, ...]) -> None:
    """Each warning sign reported at any time (RULES.md §7.7), coded as at the check-in, at
    the moment it was reported; "none of these" adds nothing, as a check-in without one."""
    for r in reports:
        # who wrote it down: the walker in the app, or her clinician (the performer); an
        # administrator or the terminal is named in the note only (no Practitioner here)
        performers: dict[Role | None, str | None] = {
            Role.WALKER: b.patient_url,
            Role.CLINICIAN: b.practitioner_url,
        }
        performer = performers.get(r.recorded_by_role)
        for flag in r.new_red_flags:
            b.observation(
                ("red-flag-report", r.id, "red-flag-report", flag.value),
                "red-flag-report",
                fc.CATEGORY_SURVEY,
                fhir_instant(r.created_at),
                red_flag_value(flag),
                performer=performer,
                note=f"Reported at any time, {RECORDED_BY[r.recorded_by_role]}.",
            )


def seconds_quantity(value: float) -> dict[str, Any]:
    return {"valueQuantity": ucum(value, fc.UNIT_SECOND)}


def assessment_observations(
    b: BundleBuilder, a: AssessmentOut, values: AssessmentValues | None
) -> None:
    day = fhir_date(a.local_date)
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
                        ("assessment", a.id, code),
                        code,
                        fc.CATEGORY_EXAM,
                        day,
                        seconds_quantity(seconds),
                    )
                )
        if values.chair_stand_count is not None:
            members.append(chair_stand_observation(b, a, values))
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
        reasons = "; ".join(r.for_clinician for r in a.reasons if r.code.startswith("fall_risk"))
        b.observation(
            ("assessment", a.id, "fall-risk"),
            "fall-risk",
            fc.CATEGORY_EXAM,
            day,
            {
                "valueCodeableConcept": {
                    "coding": [
                        coding(fc.RW_FALL_RISK, a.fall_risk, fc.FALL_RISK_LEVELS[a.fall_risk])
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
        koos_response(b, a, values)


def chair_stand_observation(b: BundleBuilder, a: AssessmentOut, values: AssessmentValues) -> str:
    std = fc.CHAIR_STAND_30S_WITH_ARMS if values.chair_stand_used_arms else fc.CHAIR_STAND_30S
    code = obs_code("chair-stand-30s")
    code["coding"] = [code["coding"][0], coding(std.system, std.code, std.display)]
    url = urn("walker", b.walker.id, "assessment", a.id, "chair-stand-30s")
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "identifier": b.identifier("assessment", a.id, "chair-stand-30s"),
        "status": "final",
        "category": category_of(fc.CATEGORY_EXAM),
        "code": code,
        "subject": b.subject(),
        "effectiveDateTime": fhir_date(a.local_date),
        "valueInteger": values.chair_stand_count,
    }
    if values.chair_stand_used_arms:
        resource["note"] = [
            {"text": "Stood up using the arms: the STEADI chair stand scores this 0."}
        ]
    return b.add(url, resource)
