"""The FHIR bundle: every resource validates (fhir.resources R4B models), every reference
resolves inside the bundle, only documented codes, and export → parse → the same
observations as the service outputs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from retrowalk.clinical.measures.koos import ALL_KOOS_ITEMS
from retrowalk.clinical.policy import PolicyConfig
from retrowalk.clinical.red_flags import KneeRedFlag
from retrowalk.reports import fhir_codes as fc
from retrowalk.reports.fhir_bundle import walker_bundle, walker_bundle_json
from retrowalk.reports.record import WalkerRecord
from retrowalk.services.context import AppContext
from tests.reports.known_walker import BASELINE, CLEAR_REASON, REASSESSMENT, SESSION_DAYS, build

REQUIRED_CODES = {
    # element path → the R4 codes of its required binding that this export may use
    ("Bundle", "type"): {"collection"},
    ("Observation", "status"): {"final"},
    ("QuestionnaireResponse", "status"): {"completed"},
    ("CarePlan", "status"): {"active"},
    ("CarePlan", "intent"): {"plan"},
    ("Patient", "gender"): {"female", "male"},
}


def _walk(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


@pytest.fixture(scope="module")
def parsed(report: WalkerRecord) -> dict[str, Any]:
    text = walker_bundle_json(report)
    Bundle.model_validate_json(text)  # the whole bundle parses back with the models
    data: dict[str, Any] = json.loads(text)
    return data


def test_every_resource_validates_with_its_own_model(parsed: dict[str, Any]) -> None:
    kinds = set()
    for entry in parsed["entry"]:
        resource = entry["resource"]
        kinds.add(resource["resourceType"])
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert kinds == {
        "Patient",
        "Practitioner",
        "Condition",
        "Observation",
        "QuestionnaireResponse",
        "CarePlan",
        "Flag",
    }
    assert parsed["type"] == "collection"


def test_every_reference_resolves_inside_the_bundle(parsed: dict[str, Any]) -> None:
    urls = [entry["fullUrl"] for entry in parsed["entry"]]
    assert len(urls) == len(set(urls))
    references = [v for k, v in _walk(parsed) if k == "reference"]
    assert references
    assert set(references) <= set(urls)


def test_required_bindings_use_r4_codes(parsed: dict[str, Any]) -> None:
    assert parsed["type"] in REQUIRED_CODES[("Bundle", "type")]
    for entry in parsed["entry"]:
        resource = entry["resource"]
        for (kind, element), allowed in REQUIRED_CODES.items():
            if resource["resourceType"] == kind and element in resource:
                assert resource[element] in allowed, (kind, element, resource[element])


def test_only_documented_or_verified_codes(parsed: dict[str, Any]) -> None:
    standard = {(c.system, c.code) for c in fc.STANDARD_CODES}
    for key, value in _walk(parsed):
        if key in ("coding", "valueCoding"):
            for coding in value if isinstance(value, list) else [value]:
                pair = (coding["system"], coding["code"])
                assert pair in standard or coding["system"].startswith(fc.RETROWALK_FHIR_BASE), pair
        if key == "url" and isinstance(value, str) and value.startswith("http"):
            assert value in fc.EXTENSIONS, value
        if key in ("valueQuantity",) and "system" in value:
            assert (value["system"], value["code"]) in standard, value


def _observations(data: dict[str, Any]) -> dict[str, Any]:
    """identifier → value, read back from the parsed bundle through the models."""
    bundle = Bundle.model_validate(data)
    found: dict[str, Any] = {}
    for entry in bundle.entry or []:
        resource = entry.resource
        if resource.get_resource_type() != "Observation":
            continue
        key = resource.identifier[0].value
        if resource.valueQuantity is not None:
            found[key] = float(resource.valueQuantity.value)
        elif resource.valueInteger is not None:
            found[key] = int(resource.valueInteger)
        else:
            found[key] = resource.valueCodeableConcept.coding[0].code
    return found


def _expected(record: WalkerRecord) -> dict[str, Any]:
    """The same observations, from the service outputs."""
    w = record.walker.id
    out: dict[str, Any] = {}
    for s in record.history.sessions:
        base = f"walker/{w}/session/{s.id}"
        out[f"{base}/session-pain-before"] = s.pain_before_nprs
        out[f"{base}/session-pain-peak"] = s.pain_peak_nprs
        out[f"{base}/session-pain-after"] = s.pain_after_nprs
        out[f"{base}/session-effort"] = s.effort_cr10
        out[f"{base}/session-duration"] = s.duration_min
        out[f"{base}/session-speed"] = s.speed_m_s
        for event in s.adverse_events:
            out[f"{base}/session-adverse-event/{event}"] = event
    for c in record.history.checkins:
        out[f"walker/{w}/checkin/{c.id}/next-morning-pain"] = c.pain_nprs
        out[f"walker/{w}/checkin/{c.id}/next-morning-stiffness"] = c.stiffness_nprs
    baseline, reassessment = sorted(record.history.assessments, key=lambda a: a.local_date)
    b = f"walker/{w}/assessment/{baseline.id}"
    out |= {
        f"{b}/tug": BASELINE["tug_s"],
        f"{b}/tandem-stance": BASELINE["tandem_stance_s"],
        f"{b}/backward-walk-3m": BASELINE["backward_walk_3m_s"],
        f"{b}/chair-stand-30s": BASELINE["chair_stand_count"],
        f"{b}/gait-speed": BASELINE["gait_speed_m_s"],
        f"{b}/backward-speed-3m": baseline.backward_speed_m_s,
        f"{b}/fall-risk": baseline.fall_risk,
    }
    r = f"walker/{w}/assessment/{reassessment.id}"
    out |= {f"{r}/tug": REASSESSMENT["tug_s"], f"{r}/fall-risk": reassessment.fall_risk}
    for a, score in ((b, 75.0), (r, 100.0)):
        for sub in ("symptoms", "pain", "adl", "sport-rec", "qol"):
            out[f"{a}/koos-{sub}"] = score
    return out


def test_round_trip_gives_back_the_same_observations(
    parsed: dict[str, Any], report: WalkerRecord
) -> None:
    expected = _expected(report)
    assert len(report.history.sessions) == len(SESSION_DAYS)
    assert _observations(parsed) == expected


def test_the_questionnaire_responses_hold_the_answers(parsed: dict[str, Any]) -> None:
    responses = [
        e["resource"]
        for e in parsed["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    koos = [r for r in responses if r["questionnaire"] == fc.Q_KOOS]
    screening = [r for r in responses if r["questionnaire"] == fc.Q_SCREENING]
    assert len(koos) == 2
    assert len(screening) == 1
    for response in koos:
        answers = {
            i["linkId"]: i["answer"][0]["valueInteger"] for g in response["item"] for i in g["item"]
        }
        assert set(answers) == set(ALL_KOOS_ITEMS)
        assert len(set(answers.values())) == 1
    links = {item["linkId"]: item["answer"][0]["valueBoolean"] for item in screening[0]["item"]}
    assert [links[f"parq-{n}"] for n in range(1, 8)] == [False] * 4 + [True] + [False] * 2
    assert links["steadi-fell_past_12_months"] is False


def test_the_plan_is_a_care_plan_with_its_activity(
    parsed: dict[str, Any], report: WalkerRecord
) -> None:
    plan = report.plan
    assert plan is not None
    (care_plan,) = [
        e["resource"] for e in parsed["entry"] if e["resource"]["resourceType"] == "CarePlan"
    ]
    repeat = care_plan["activity"][0]["detail"]["scheduledTiming"]["repeat"]
    assert repeat["frequency"] == plan.sessions_per_week
    assert repeat["duration"] == plan.duration_min
    assert (repeat["period"], repeat["periodUnit"], repeat["durationUnit"]) == (1, "wk", "min")
    extensions = {x["url"]: x for x in care_plan["activity"][0]["detail"]["extension"]}
    assert extensions[fc.EXT_PLAN_SPEED]["valueQuantity"]["value"] == plan.speed_m_s


def test_the_same_record_exports_the_same_bundle(report: WalkerRecord) -> None:
    assert walker_bundle_json(report) == walker_bundle_json(report)


def test_a_walker_without_answers_or_clinician_still_exports(report: WalkerRecord) -> None:
    bare = WalkerRecord(history=report.history, generated_at=report.generated_at)
    bundle = walker_bundle(bare)
    kinds = {e.resource.get_resource_type() for e in bundle.entry or []}
    assert "Practitioner" not in kinds
    assert "QuestionnaireResponse" not in kinds
    assert "Observation" in kinds


def test_the_bundle_is_the_same_on_both_databases(ctx: AppContext) -> None:
    known = build(ctx)
    data = json.loads(walker_bundle_json(known.report()))
    assert _observations(data) == _expected(known.report())


def test_the_surgery_question_is_worded_with_the_clinics_weeks(report: WalkerRecord) -> None:
    """The screening's question text in the bundle names the weeks of the clinic's policy."""
    eight_weeks = PolicyConfig().model_copy(update={"recent_knee_surgery_weeks": 8})
    bundle = json.loads(walker_bundle_json(report.model_copy(update={"policy": eight_weeks})))
    (screening,) = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"].get("questionnaire") == fc.Q_SCREENING
    ]
    texts = {item["linkId"]: item.get("text", "") for item in screening["item"]}
    assert "in the last 8 weeks?" in texts["recent-knee-surgery"]


def test_restrictions_are_flags_active_or_lifted_by_the_clearance(
    parsed: dict[str, Any], report: WalkerRecord
) -> None:
    """A record system must warn before anyone walks with this person: every restriction is
    a Flag, and one a clinician cleared is inactive from the clearance (found missing by the
    outside-in test)."""
    restrictions = report.active_restrictions
    assert restrictions is not None
    flags = [e["resource"] for e in parsed["entry"] if e["resource"]["resourceType"] == "Flag"]
    active = [f for f in flags if f["status"] == "active"]
    lifted = [f for f in flags if f["status"] == "inactive"]
    assert len(active) == len(restrictions.active)
    assert len(lifted) == len(restrictions.lifted) >= 1  # the near fall, cleared on day 12
    near_fall = next(f for f in lifted if f["code"]["coding"][0]["code"] == "adverse_event")
    assert near_fall["code"]["coding"][0]["system"] == fc.RW_RESTRICTION
    assert CLEAR_REASON in near_fall["code"]["text"]
    assert near_fall["period"]["start"] < near_fall["period"]["end"]
    urls = {e["fullUrl"] for e in parsed["entry"]}
    assert near_fall["author"]["reference"] in urls


def test_a_red_flag_at_the_morning_check_in_is_an_observation(report: WalkerRecord) -> None:
    checkin = report.history.checkins[-1].model_copy(
        update={"new_red_flags": (KneeRedFlag.CANNOT_BEAR_WEIGHT,)}
    )
    history = report.history.model_copy(
        update={"checkins": (*report.history.checkins[:-1], checkin)}
    )
    bundle = json.loads(walker_bundle_json(report.model_copy(update={"history": history})))
    flags = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == "next-morning-red-flag"
    ]
    assert len(flags) == 1
    (value,) = flags[0]["valueCodeableConcept"]["coding"]
    assert (value["system"], value["code"]) == (fc.RW_RED_FLAG, "cannot_bear_weight")
