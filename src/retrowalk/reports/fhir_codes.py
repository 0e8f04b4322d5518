"""Every code system, code, unit and extension the FHIR export uses, with where each
standard code was verified. ``docs/fhir.md`` lists the same (a test compares them).

Rule (issue 13): a standard code (LOINC, SNOMED CT, UCUM, HL7 terminology) only where it was
checked in the package or its documentation; everything else is a retrowalk code under
:data:`RETROWALK_FHIR_BASE`, a placeholder namespace in the reserved ``.example`` domain that
can never collide with a real code system (a deployment with its own domain changes this one
constant).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

RETROWALK_FHIR_BASE: Final[str] = "https://retrowalk.example/fhir"

LOINC: Final[str] = "http://loinc.org"
UCUM: Final[str] = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY: Final[str] = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL: Final[str] = "http://terminology.hl7.org/CodeSystem/condition-clinical"

RW_OBSERVATION: Final[str] = f"{RETROWALK_FHIR_BASE}/CodeSystem/observation"
RW_CONDITION: Final[str] = f"{RETROWALK_FHIR_BASE}/CodeSystem/knee-condition"
RW_KNEE_SIDE: Final[str] = f"{RETROWALK_FHIR_BASE}/CodeSystem/knee-side"
RW_FALL_RISK: Final[str] = f"{RETROWALK_FHIR_BASE}/CodeSystem/fall-risk"
RW_ADVERSE_EVENT: Final[str] = f"{RETROWALK_FHIR_BASE}/CodeSystem/adverse-event"
RW_RED_FLAG: Final[str] = f"{RETROWALK_FHIR_BASE}/CodeSystem/red-flag"
RW_ACTIVITY: Final[str] = f"{RETROWALK_FHIR_BASE}/CodeSystem/careplan-activity"
RW_SURFACE: Final[str] = f"{RETROWALK_FHIR_BASE}/CodeSystem/surface"
RW_SUPERVISION: Final[str] = f"{RETROWALK_FHIR_BASE}/CodeSystem/supervision"
RW_RESTRICTION: Final[str] = f"{RETROWALK_FHIR_BASE}/CodeSystem/restriction"
RW_RECORD_ID: Final[str] = f"{RETROWALK_FHIR_BASE}/identifier/record"
"""Identifier system: ``walker/{id}/{kind}/{record id}[/{measure}]``, stable across exports."""

Q_SCREENING: Final[str] = f"{RETROWALK_FHIR_BASE}/Questionnaire/screening"
Q_KOOS: Final[str] = f"{RETROWALK_FHIR_BASE}/Questionnaire/koos"

EXT_AGE_YEARS: Final[str] = f"{RETROWALK_FHIR_BASE}/StructureDefinition/age-years"
EXT_PLAN_SPEED: Final[str] = f"{RETROWALK_FHIR_BASE}/StructureDefinition/plan-speed"
EXT_PLAN_INCLINE: Final[str] = f"{RETROWALK_FHIR_BASE}/StructureDefinition/plan-incline"
EXT_PLAN_SURFACE: Final[str] = f"{RETROWALK_FHIR_BASE}/StructureDefinition/plan-surface"
EXT_PLAN_SUPERVISION: Final[str] = f"{RETROWALK_FHIR_BASE}/StructureDefinition/plan-supervision"
EXT_PLAN_VERSION: Final[str] = f"{RETROWALK_FHIR_BASE}/StructureDefinition/plan-version"
EXTENSIONS: Final[tuple[str, ...]] = (
    EXT_AGE_YEARS,
    EXT_PLAN_SPEED,
    EXT_PLAN_INCLINE,
    EXT_PLAN_SURFACE,
    EXT_PLAN_SUPERVISION,
    EXT_PLAN_VERSION,
)


@dataclass(frozen=True)
class StandardCode:
    """A standard code and where it was checked."""

    system: str
    code: str
    display: str
    verified_in: str


PAIN_NRS: Final = StandardCode(
    LOINC,
    "72514-3",
    "Pain severity - 0-10 verbal numeric rating",
    "HL7 Belgium patient-monitoring IG, ValueSet pain-scale (cites loinc.org/72514-3); "
    "ANS 'mesures de santé' IG profile of pain severity (code 72514-3)",
)
TUG: Final = StandardCode(
    LOINC,
    "89423-8",
    "Time to rise from chair, walk 10 feet and back, and return to sitting [TUG]",
    "loinc.org/89422-0 (TUG panel, member 89423-8, example UCUM unit s)",
)
CHAIR_STAND_30S: Final = StandardCode(
    LOINC,
    "66247-8",
    "Sit to stand frequency in 30 seconds",
    "loinc.org/66247-8",
)
CHAIR_STAND_30S_WITH_ARMS: Final = StandardCode(
    LOINC,
    "93125-3",
    "Modified 30s Sit to Stand w extremities",
    "named on loinc.org/66247-8 as the code for the version using the arms",
)
CATEGORY_SURVEY: Final = StandardCode(
    OBSERVATION_CATEGORY, "survey", "Survey", "hl7.org/fhir/R4/valueset-observation-category"
)
CATEGORY_EXAM: Final = StandardCode(
    OBSERVATION_CATEGORY, "exam", "Exam", "hl7.org/fhir/R4/valueset-observation-category"
)
CATEGORY_ACTIVITY: Final = StandardCode(
    OBSERVATION_CATEGORY,
    "activity",
    "Activity",
    "hl7.org/fhir/R4/valueset-observation-category; US Physical Activity IG examples",
)
CONDITION_ACTIVE: Final = StandardCode(
    CONDITION_CLINICAL,
    "active",
    "Active",
    "hl7.org/fhir/R4 Condition.clinicalStatus (required binding); HL7 Europe examples",
)
UNIT_SECOND: Final = StandardCode(UCUM, "s", "s", "loinc.org/89422-0 (example UCUM unit of TUG)")
UNIT_MINUTE: Final = StandardCode(
    UCUM, "min", "min", "US Physical Activity IG (hl7.org), Observation ExampleActivityDuration"
)
UNIT_PERCENT: Final = StandardCode(
    UCUM, "%", "%", "HL7 Terminology ValueSet ucum-common (terminology.hl7.org)"
)

STANDARD_CODES: Final[tuple[StandardCode, ...]] = (
    PAIN_NRS,
    TUG,
    CHAIR_STAND_30S,
    CHAIR_STAND_30S_WITH_ARMS,
    CATEGORY_SURVEY,
    CATEGORY_EXAM,
    CATEGORY_ACTIVITY,
    CONDITION_ACTIVE,
    UNIT_SECOND,
    UNIT_MINUTE,
    UNIT_PERCENT,
)

SPEED_UNIT_TEXT: Final[str] = "m/s"
"""Speeds carry the unit as text only: no UCUM code for m/s was verified for this export."""
SCORE_UNIT_TEXT: Final[str] = "points (0-100)"
"""KOOS scores carry the unit as text only (no UCUM code verified)."""


@dataclass(frozen=True)
class RetrowalkCode:
    code: str
    display: str
    standard: StandardCode | None = None
    """A verified standard code sent beside it (same meaning, coarser), if any."""


OBS: Final[dict[str, RetrowalkCode]] = {
    c.code: c
    for c in (
        RetrowalkCode(
            "session-pain-before", "Knee pain just before the session (NPRS 0-10)", PAIN_NRS
        ),
        RetrowalkCode(
            "session-pain-peak", "Highest knee pain during the session (NPRS 0-10)", PAIN_NRS
        ),
        RetrowalkCode(
            "session-pain-after", "Knee pain just after the session (NPRS 0-10)", PAIN_NRS
        ),
        RetrowalkCode("session-effort", "Effort of the session (Borg CR10, 0-10)"),
        RetrowalkCode("session-duration", "Minutes of backward walking in the session"),
        RetrowalkCode("session-speed", "Backward walking speed of the session"),
        RetrowalkCode("session-adverse-event", "Something that went wrong during the session"),
        RetrowalkCode("next-morning-pain", "Knee pain the next morning (NPRS 0-10)", PAIN_NRS),
        RetrowalkCode("next-morning-stiffness", "Knee stiffness the next morning (0-10)"),
        RetrowalkCode("next-morning-red-flag", "A warning sign reported at the morning check-in"),
        RetrowalkCode(
            "red-flag-report", "A warning sign reported at any time, outside the morning check-in"
        ),
        RetrowalkCode("tug", "Timed Up and Go", TUG),
        RetrowalkCode("chair-stand-30s", "30-second chair stand (full stands)", CHAIR_STAND_30S),
        RetrowalkCode("tandem-stance", "Tandem stance, seconds held (4-stage balance)"),
        RetrowalkCode("backward-walk-3m", "Time to walk 3 m backwards"),
        RetrowalkCode("backward-speed-3m", "Comfortable backward speed from the 3-m walk"),
        RetrowalkCode("gait-speed", "Forward gait speed"),
        RetrowalkCode("fall-risk", "Fall risk from the baseline tests and STEADI questions"),
        RetrowalkCode("koos-symptoms", "KOOS Symptoms subscale (0-100, 100 = no problems)"),
        RetrowalkCode("koos-pain", "KOOS Pain subscale (0-100, 100 = no problems)"),
        RetrowalkCode("koos-adl", "KOOS Function in daily living (0-100)"),
        RetrowalkCode("koos-sport-rec", "KOOS Function in sport and recreation (0-100)"),
        RetrowalkCode("koos-qol", "KOOS Knee-related quality of life (0-100)"),
    )
}
"""The retrowalk observation codes (code → display and verified standard code)."""

CONDITIONS: Final[dict[str, str]] = {
    "oa": "Knee osteoarthritis (as the clinician told the walker)",
    "patellofemoral_pain": "Patellofemoral pain (as the clinician told the walker)",
}
KNEE_SIDES: Final[dict[str, str]] = {
    "left": "Left knee",
    "right": "Right knee",
    "both": "Both knees",
}
FALL_RISK_LEVELS: Final[dict[str, str]] = {
    "low": "Low fall risk",
    "high": "High fall risk",
    "not_known": "Fall risk not known (part of the minimum battery missing)",
}
ACTIVITY_BACKWARD_WALKING: Final[str] = "backward-walking"
