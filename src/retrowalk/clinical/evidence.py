"""The evidence catalogue: every source of ``clinical/evidence-report.md`` as data.

Each entry says what the report says and no more: citation, DOI/PMID where the report gives
them, population, protocol, result, and the report's verification status ([V] verified in a
retrieved source, [V, partial], [V] as a secondary source only, or [U] unverified). "Not
retrieved" means the report could not read it; nothing here fills such a gap.

The seed blog post's three study claims are here too, with the report's verdict (§2).
``Reason.sources`` and the clinical docstrings use these keys; a test checks they all exist.

The entries themselves are data, in ``evidence.toml`` beside this module, so that a source is
edited as text and not as code. The file is read once, at import, and checked as it is read:
an unknown or missing field, a key used twice or a seed claim naming an uncatalogued key stops
the import with a :class:`CatalogueFileError` that names the entry and the field.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib.resources import files
from types import MappingProxyType
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, ValidationError

from retrowalk.clinical.errors import ClinicalError


class Status(StrEnum):
    """How far the evidence report could verify a source."""

    VERIFIED = "verified"
    """[V]: seen in a retrieved source."""
    VERIFIED_PARTIAL = "verified_partial"
    """[V, partial]: only part of the abstract or page was readable."""
    VERIFIED_SECONDARY = "verified_secondary"
    """[V] as a secondary source: a summary or mirror copy, not the original."""
    UNVERIFIED = "unverified"
    """[U]: from memory or a secondary source only; do not hard-code without checking."""


class Group(StrEnum):
    """Where the source sits in the evidence report."""

    KNEE_OA_TRIALS = "Knee OA: randomised trials"
    KNEE_OA_REVIEWS = "Knee OA: systematic reviews and meta-analyses"
    OTHER_POPULATIONS = "ACL reconstruction, TKA and older adults"
    BIOMECHANICS = "Biomechanics: patellofemoral load, EMG and energy cost"
    GAIT_AND_FALL_RISK = "Backward gait speed and fall-risk cut-offs"
    PROGRESSION = "Pain monitoring and progression"
    SCREENING = "Safety screening"
    OUTCOMES = "Outcome measures and meaningful change"
    GUIDELINES = "Knee OA exercise guidelines"


class Evidence(BaseModel):
    """One source as the evidence report describes it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    group: Group
    citation: str
    doi: str | None = None
    pmid: str | None = None
    population: str
    protocol: str
    result: str
    status: Status
    status_note: str = ""
    """What exactly was or was not verified, in the report's words."""


class Verdict(StrEnum):
    """The report's verdicts on the seed's claims (evidence-report §2)."""

    UNSUPPORTED_AS_CITED = "unsupported as cited"
    CONTRADICTED = "contradicted"
    UNVERIFIED_PLAUSIBLE = "citation unverified; plausible in healthy young adults"


class SeedClaim(BaseModel):
    """A study claim of the seed blog post and what the evidence says about it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int
    claim: str
    verdict: Verdict
    explanation: str
    closest_evidence: tuple[str, ...]
    """Catalogue keys of the closest real evidence."""


class UnknownEvidenceError(ClinicalError):
    """A catalogue key that is not in the evidence report."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(
            f"evidence key {key!r} is not in the catalogue; use one of the keys listed by "
            "`retrowalk evidence`."
        )


class CatalogueFileError(ClinicalError):
    """The catalogue file is wrong: which entry, and what to fix in which field."""

    def __init__(self, source: str, entry: str, problems: Sequence[str]) -> None:
        self.source = source
        self.entry = entry
        self.problems = tuple(problems)
        super().__init__(f"{source}: {entry}: {'; '.join(self.problems)}.")


@dataclass(frozen=True)
class Catalogue:
    """What the catalogue file holds, checked: entries in report order, seed claims, bottom line."""

    entries: tuple[Evidence, ...]
    seed_claims: tuple[SeedClaim, ...]
    bottom_line: str


_TOP_LEVEL: Final = ("bottom_line", "evidence", "seed_claim")


def _problems(error: ValidationError, model: type[BaseModel]) -> list[str]:
    """Pydantic's errors as sentences that name the field and say what is allowed."""
    fields = ", ".join(model.model_fields)
    out = []
    for detail in error.errors():
        field = ".".join(str(part) for part in detail["loc"])
        if detail["type"] == "extra_forbidden":
            out.append(f"field {field!r} is unknown (the fields are {fields})")
        elif detail["type"] == "missing":
            out.append(f"field {field!r} is missing")
        else:
            out.append(f"field {field!r}: {detail['msg']} (got {detail['input']!r})")
    return out


def _tables(data: dict[str, Any], name: str, source: str) -> list[dict[str, Any]]:
    """The array of tables ``[[name]]``, refused if the file holds anything else under it."""
    value = data.get(name)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise CatalogueFileError(
            source, "the top level", [f"{name!r} must be a list of [[{name}]] tables"]
        )
    return value


def _entries(tables: list[dict[str, Any]], source: str) -> tuple[Evidence, ...]:
    """The ``[[evidence]]`` tables as entries, each valid and with a key of its own."""
    entries: list[Evidence] = []
    named: dict[str, str] = {}
    for index, raw in enumerate(tables, start=1):
        key = raw.get("key")
        entry = f"evidence entry {index}" + (f" ({key!r})" if isinstance(key, str) else "")
        try:
            evidence = Evidence.model_validate(raw)
        except ValidationError as error:
            raise CatalogueFileError(source, entry, _problems(error, Evidence)) from None
        if evidence.key in named:
            used = f"field 'key': {evidence.key!r} is already the key of {named[evidence.key]}"
            raise CatalogueFileError(source, entry, [used])
        named[evidence.key] = entry
        entries.append(evidence)
    return tuple(entries)


def _claims(
    tables: list[dict[str, Any]], keys: Mapping[str, Evidence], source: str
) -> tuple[SeedClaim, ...]:
    """The ``[[seed_claim]]`` tables as claims, numbered once each, naming catalogued keys."""
    claims: list[SeedClaim] = []
    numbered: dict[int, str] = {}
    for index, raw in enumerate(tables, start=1):
        entry = f"seed claim {index}" + (f" (number {raw['number']!r})" if "number" in raw else "")
        try:
            claim = SeedClaim.model_validate(raw)
        except ValidationError as error:
            raise CatalogueFileError(source, entry, _problems(error, SeedClaim)) from None
        if claim.number in numbered:
            used = (
                f"field 'number': {claim.number} is already the number of {numbered[claim.number]}"
            )
            raise CatalogueFileError(source, entry, [used])
        dangling = [
            f"field 'closest_evidence': {key!r} is not the key of an evidence entry"
            for key in claim.closest_evidence
            if key not in keys
        ]
        if dangling:
            raise CatalogueFileError(source, entry, dangling)
        numbered[claim.number] = entry
        claims.append(claim)
    return tuple(claims)


def load_catalogue(text: str, source: str) -> Catalogue:
    """Parse and check the catalogue file's ``text``; ``source`` names the file in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogueFileError(source, "the file", [f"not valid TOML: {error}"]) from None
    unknown = [f"key {key!r} is unknown" for key in data if key not in _TOP_LEVEL]
    missing = [f"key {key!r} is missing" for key in _TOP_LEVEL if key not in data]
    if unknown or missing:
        allowed = f"the keys are {', '.join(_TOP_LEVEL)}"
        raise CatalogueFileError(source, "the top level", [*unknown, *missing, allowed])
    if not isinstance(data["bottom_line"], str):
        raise CatalogueFileError(source, "the top level", ["'bottom_line' must be a string"])
    entries = _entries(_tables(data, "evidence", source), source)
    keys = {e.key: e for e in entries}
    claims = _claims(_tables(data, "seed_claim", source), keys, source)
    return Catalogue(entries, claims, data["bottom_line"])


_FILE: Final = "evidence.toml"
_LOADED: Final = load_catalogue(
    files("retrowalk.clinical").joinpath(_FILE).read_text(encoding="utf-8"),
    f"retrowalk/clinical/{_FILE}",
)
_ENTRIES: Final[tuple[Evidence, ...]] = _LOADED.entries

CATALOGUE: Final[Mapping[str, Evidence]] = MappingProxyType({e.key: e for e in _ENTRIES})
"""Every source of the evidence report, by key, in report order."""

SEED_CLAIMS: Final[tuple[SeedClaim, ...]] = _LOADED.seed_claims
"""The seed blog post's three study claims and the evidence report's verdict on each (§2)."""

BOTTOM_LINE: Final[str] = _LOADED.bottom_line
"""The report's bottom line for knee OA (§1.2, §7), in plain words."""


def lookup(key: str) -> Evidence:
    """The catalogue entry for ``key``; raises :class:`UnknownEvidenceError` if absent."""
    try:
        return CATALOGUE[key]
    except KeyError:
        raise UnknownEvidenceError(key) from None


def by_group() -> dict[Group, tuple[Evidence, ...]]:
    """The catalogue grouped as in the evidence report, groups in report order."""
    return {
        group: tuple(e for e in _ENTRIES if e.group is group)
        for group in Group
        if any(e.group is group for e in _ENTRIES)
    }
