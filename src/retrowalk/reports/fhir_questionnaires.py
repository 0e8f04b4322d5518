"""The answers as given, as FHIR ``QuestionnaireResponse``s: the screening (PAR-Q, STEADI,
red flags and the other questions, with their wording) and the KOOS items of an assessment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

from retrowalk.clinical.measures.koos import KOOS_ITEMS, SUBSCALE_LABELS
from retrowalk.clinical.red_flags import FEVER_QUESTION, RED_FLAGS
from retrowalk.clinical.screening import (
    ANTICOAGULANT_QUESTION,
    PARQ_QUESTIONS,
    STEADI_QUESTIONS,
    WALKING_AID_QUESTION,
    ScreeningAnswers,
    recent_surgery_question,
)
from retrowalk.reports import fhir_codes as fc
from retrowalk.reports.fhir_builder import (
    BundleBuilder,
    coding,
    fhir_instant,
    urn,
)
from retrowalk.reports.record import AssessmentValues
from retrowalk.services.schemas import (
    AssessmentOut,
    ScreeningOut,
)


def koos_response(b: BundleBuilder, a: AssessmentOut, values: AssessmentValues) -> None:
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
        urn("walker", b.walker.id, "assessment", a.id, "koos-response"),
        {
            "resourceType": "QuestionnaireResponse",
            "identifier": b.identifier("assessment", a.id, "koos-response")[0],
            "questionnaire": fc.Q_KOOS,
            "status": "completed",
            "subject": b.subject(),
            "source": {"reference": b.patient_url},
            "authored": fhir_instant(datetime.combine(a.local_date, time(0), tzinfo=UTC)),
            "item": groups,
        },
    )


def yes_no_items(link: str, text: str | None, answer: bool | None) -> Iterator[dict[str, Any]]:
    if answer is None:
        return
    item: dict[str, Any] = {"linkId": link, "answer": [{"valueBoolean": answer}]}
    if text:
        item["text"] = text
    yield item


def screening_response(b: BundleBuilder, s: ScreeningOut, answers: ScreeningAnswers | None) -> None:
    if answers is None:
        return
    items: list[dict[str, Any]] = []
    for number, (question, yes) in enumerate(zip(PARQ_QUESTIONS, answers.parq, strict=False), 1):
        items.extend(yes_no_items(f"parq-{number}", question, yes))
    items.extend(yes_no_items("used-to-activity", None, answers.used_to_activity))
    for name, question in STEADI_QUESTIONS.items():
        items.extend(yes_no_items(f"steadi-{name}", question, getattr(answers.steadi, name)))
    for flag in sorted(answers.red_flags, key=lambda f: f.value):
        items.append(
            {
                "linkId": "red-flag",
                "text": "Red flags reported",
                "answer": [
                    {"valueCoding": coding(fc.RW_RED_FLAG, flag.value, RED_FLAGS[flag].statement)}
                ],
            }
        )
    items.extend(yes_no_items("fever-or-unwell", FEVER_QUESTION, answers.fever_or_unwell))
    items.extend(yes_no_items("uses-walking-aid", WALKING_AID_QUESTION, answers.uses_walking_aid))
    items.extend(
        yes_no_items("takes-anticoagulant", ANTICOAGULANT_QUESTION, answers.takes_anticoagulant)
    )
    items.extend(
        yes_no_items("recent-knee-surgery", _surgery_question(b), answers.recent_knee_surgery)
    )
    b.add(
        urn("walker", b.walker.id, "screening", s.id, "response"),
        {
            "resourceType": "QuestionnaireResponse",
            "identifier": b.identifier("screening", s.id, "response")[0],
            "questionnaire": fc.Q_SCREENING,
            "status": "completed",
            "subject": b.subject(),
            "source": {"reference": b.patient_url},
            "authored": fhir_instant(s.created_at),
            "item": merge_repeats(items),
        },
    )


def merge_repeats(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One item per linkId (a repeated answer becomes several answers of one item)."""
    merged: dict[str, dict[str, Any]] = {}
    for item in items:
        if item["linkId"] in merged:
            merged[item["linkId"]]["answer"].extend(item["answer"])
        else:
            merged[item["linkId"]] = {**item, "answer": list(item["answer"])}
    return list(merged.values())


def _surgery_question(b: BundleBuilder) -> str:
    """The knee-surgery question as the clinic words it now (its weeks are policy)."""
    policy = b.record.policy
    return recent_surgery_question(policy) if policy is not None else recent_surgery_question()
