"""The parts every FHIR resource of the bundle is made from: stable ``urn:uuid:`` ids (uuid5
from the record ids, so the same record gives the same bundle), codings, UCUM quantities, and
:class:`BundleBuilder`, which validates each resource with its ``fhir.resources`` model as it
is added."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from retrowalk.reports import fhir_codes as fc
from retrowalk.reports.record import WalkerRecord

NAMESPACE = uuid.UUID("6f1d2c9e-3b8a-5e47-9c1d-2a7b4e6f8d03")
"""uuid5 namespace of retrowalk's FHIR ids (fixed: the same record gives the same ids)."""


def urn(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, '/'.join(str(p) for p in parts))}"


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def obs_code(code: str) -> dict[str, Any]:
    entry = fc.OBS[code]
    codings = [coding(fc.RW_OBSERVATION, entry.code, entry.display)]
    if entry.standard is not None:
        std = entry.standard
        codings.append(coding(std.system, std.code, std.display))
    return {"coding": codings, "text": entry.display}


def category_of(std: fc.StandardCode) -> list[dict[str, Any]]:
    return [{"coding": [coding(std.system, std.code, std.display)]}]


def ucum(value: float, std: fc.StandardCode) -> dict[str, Any]:
    return {"value": value, "unit": std.display, "system": std.system, "code": std.code}


def fhir_instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def fhir_date(value: date) -> str:
    return value.isoformat()


class BundleBuilder:
    """Collects validated resources under their full URLs."""

    def __init__(self, record: WalkerRecord) -> None:
        self.record = record
        self.walker = record.walker
        self.patient_url = urn("walker", self.walker.id, "patient")
        self.practitioner_url = (
            urn("account", record.clinician.id, "practitioner") if record.clinician else None
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
            "category": category_of(category),
            "code": obs_code(code),
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
        return self.add(urn("walker", self.walker.id, *key), resource)
