"""The walker's restrictions (RULES.md §7) as FHIR ``Flag``s: what a record system must warn
about before anyone walks with this person.

An active restriction is a Flag with status ``active`` from when it was set; one a clinician
lifted is ``inactive``, its period ending at the clearance; the clearance's reason is in the
Flag's code text (Flag has no note element in R4). The author of a lifted Flag is the
clinician who cleared it, when that is the walker's clinician in this bundle.
"""

from __future__ import annotations

from typing import Any

from retrowalk.clinical.red_flags import by_urgency, red_flag_for_clinician
from retrowalk.reports import fhir_codes as fc
from retrowalk.reports.fhir_builder import BundleBuilder, coding, fhir_instant, urn
from retrowalk.services.schemas import LiftedOut


def restriction_flags(b: BundleBuilder) -> None:
    """One Flag per active restriction and per restriction lifted by a clearance."""
    restrictions = b.record.active_restrictions
    if restrictions is None:
        return
    for r in restrictions.active:
        _flag(
            b,
            ("restriction", r.kind.value, "active"),
            r.kind.value,
            f"{r.title}: {r.summary}",
            status="active",
            period={"start": fhir_instant(r.since)},
        )
    for n, lifted in enumerate(restrictions.lifted, start=1):
        _flag(
            b,
            ("restriction", lifted.kind.value, "lifted", lifted.clearance_id or n),
            lifted.kind.value,
            _lifted_text(lifted),
            status="inactive",
            period=_lifted_period(lifted),
            author=_author(b, lifted),
        )


def _flag(
    b: BundleBuilder,
    key: tuple[object, ...],
    kind: str,
    text: str,
    *,
    status: str,
    period: dict[str, str],
    author: str | None = None,
) -> None:
    resource: dict[str, Any] = {
        "resourceType": "Flag",
        "identifier": b.identifier(*key),
        "status": status,
        "code": {"coding": [coding(fc.RW_RESTRICTION, kind)], "text": text},
        "subject": b.subject(),
        "period": period,
    }
    if author is not None:
        resource["author"] = {"reference": author}
    b.add(urn("walker", b.walker.id, *key), resource)


def _lifted_text(lifted: LiftedOut) -> str:
    """What was lifted, by whom and why; for red flags, the flags it was for by name (a record
    system must know which warning sign a clinician judged)."""
    who = f" by {lifted.cleared_by_name}" if lifted.cleared_by_name else ""
    flags = by_urgency(f for t in lifted.triggers for f in t.red_flags)
    what = f" (for: {'; '.join(red_flag_for_clinician(f) for f in flags)})" if flags else ""
    return f"{lifted.kind.value.replace('_', ' ')}{what}: lifted{who} — {lifted.reason}"


def _lifted_period(lifted: LiftedOut) -> dict[str, str]:
    starts = [t.at for t in lifted.triggers]
    period = {"end": fhir_instant(lifted.at)}
    if starts:
        period["start"] = fhir_instant(min(starts))
    return period


def _author(b: BundleBuilder, lifted: LiftedOut) -> str | None:
    clinician = b.record.clinician
    if clinician is not None and lifted.cleared_by == clinician.id:
        return b.practitioner_url
    return None
