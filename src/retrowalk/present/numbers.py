"""Numbers and citations as people read them: one wording for the web, the CLI and reports."""

from __future__ import annotations

import re

from retrowalk.clinical.norms import KM_H_PER_M_S


def speed_words(speed_m_s: float | None) -> str:
    """``0.75 m/s (2.7 km/h)``: a walker sees km/h beside m/s (RULES.md §7.10).

    The km/h come from the m/s as shown, so one speed never reads two ways (found by the
    outside-in test: a plan of 0.315 m/s read "0.32 m/s (1.1 km/h)" and a session walked at
    0.32 m/s "0.32 m/s (1.2 km/h)")."""
    if speed_m_s is None:
        return "—"
    shown = float(f"{speed_m_s:.2f}")
    return f"{shown:.2f} m/s ({shown * KM_H_PER_M_S:.1f} km/h)"


def source_label(key: str) -> str:
    """A short citation ("Alghadir 2019") for an evidence-catalogue key; the key if unknown."""
    try:
        from retrowalk.clinical.evidence import CATALOGUE
    except ImportError:  # pragma: no cover - the catalogue ships with the clinical package
        return key
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    author = re.match(r"(\w[\w'’-]+) (?:[A-Z]{1,4}[,. ]|et al)", entry.citation)
    year = re.search(r"\b(19|20)\d{2}\b", entry.citation)
    if author and year:
        return f"{author.group(1)} {year.group(0)}"
    # No "Author Year": the source's name, before its explanation in brackets or after a comma
    # ("NHS knee red-flag pathways (Gloucestershire …)" → "NHS knee red-flag pathways").
    first = entry.citation.split(". ")[0].rstrip(".")
    name = first.split(" (")[0]
    head = name.split(", ")[0]
    name = head if len(head) >= 5 else name
    return name if len(name) <= 60 else name[:59] + "…"


def policy_text(value: object) -> str:
    """A policy value as a person types it: ``yes``/``no``, ``0.1``, ``treadmill, hallway…``."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):
        return ", ".join(str(getattr(v, "value", v)) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(getattr(value, "value", value))
