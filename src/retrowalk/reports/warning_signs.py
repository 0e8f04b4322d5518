"""The warning signs (red flags) of a record, and what each clearance lifted, for the PDF.

A red flag reaches the record two ways (RULES.md §7.7): ticked at the morning check-in, or
reported at any time, outside it. The report lists both, oldest first, each with how soon the
walker needs a doctor (§1.2); and under each clearance it names what the clearance lifted —
the flags by name — so a reader sees which warning sign a clinician judged and when.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from retrowalk.clinical.red_flags import RED_FLAGS, URGENCY_WORDS, KneeRedFlag, by_urgency
from retrowalk.clinical.restriction_models import Source
from retrowalk.services.schemas import HistoryOut, RestrictionsOut, Role, TriggerOut

SOURCE_WORDS: Mapping[Source, str] = {
    Source.SCREENING: "screening",
    Source.ASSESSMENT: "tests",
    Source.SESSION: "session",
    Source.CHECKIN: "morning check-in",
    Source.RED_FLAG_REPORT: "red-flag report",
}
"""The record a restriction came from, as the report names it."""
REPORTED_ANY_TIME = "reported at any time"

RECORDED_BY: Mapping[Role | None, str] = {
    Role.WALKER: "recorded by the walker",
    Role.CLINICIAN: "recorded by the clinician",
    Role.ADMIN: "recorded by an administrator (or the terminal)",
    None: "recorded by an account since deleted",
}
"""Who wrote a red-flag report down, as every export says it: the walker in the app, or the
clinic writing down what she said (on the phone, in the clinic)."""

NONE_NEW = "none of the warning signs is new"


@dataclass(frozen=True)
class WarningSign:
    """One record's answer to the red-flag questions: when, where, and what was named."""

    when: str
    """The local date (a check-in), or the moment in UTC (a report)."""
    where: str
    signs: tuple[str, ...]
    """Each flag in the walker's words with how soon, most urgent first; empty: none new."""


def _signs(flags: Iterable[KneeRedFlag]) -> tuple[str, ...]:
    return tuple(
        f"{RED_FLAGS[f].statement}, needing {URGENCY_WORDS[RED_FLAGS[f].urgency]}"
        for f in by_urgency(flags)
    )


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def warning_signs(history: HistoryOut) -> list[WarningSign]:
    """The check-ins that named a red flag and every red-flag report, oldest first (a report
    of "none of these" too: it answers questions a check-in left unasked)."""
    found: list[tuple[date, datetime, WarningSign]] = []
    for c in history.checkins:
        if c.new_red_flags:
            where = SOURCE_WORDS[Source.CHECKIN]
            sign = WarningSign(c.local_date.isoformat(), where, _signs(c.new_red_flags))
            found.append((c.local_date, datetime.min.replace(tzinfo=UTC), sign))
    for r in history.red_flag_reports:
        where = f"{REPORTED_ANY_TIME}, {RECORDED_BY[r.recorded_by_role]}"
        sign = WarningSign(_utc(r.created_at), where, _signs(r.new_red_flags))
        found.append((r.local_date, r.created_at, sign))
    found.sort(key=lambda item: item[:2])  # stable: check-ins before a report that day
    return [sign for *_, sign in found]


def _lifted(trigger: TriggerOut) -> str:
    where = f"{SOURCE_WORDS[trigger.source]} of {_utc(trigger.at)}"
    if trigger.red_flags:
        return f"{'; '.join(_signs(trigger.red_flags))} — {where}"
    reason = trigger.reasons[0].for_clinician if trigger.reasons else "no reason recorded"
    return f"{reason} — {where}"


def lifted_by_clearance(restrictions: RestrictionsOut | None) -> dict[int, tuple[str, ...]]:
    """Clearance id → what it lifted, one line per record (red flags by name); a clearance
    that came with nothing left to lift maps to an empty tuple."""
    if restrictions is None:
        return {}
    return {
        lifted.clearance_id: tuple(_lifted(t) for t in lifted.triggers)
        for lifted in restrictions.lifted
        if lifted.clearance_id is not None
    }
