"""A walker's restrictions, from their whole stored record (RULES.md §7).

Every gate of the services reads :func:`restrictions_of`: it turns the stored screenings,
assessments, sessions with adverse events, check-ins, red-flag reports and clearances into
the facts of :mod:`retrowalk.clinical.restrictions` and lets the clinical rules decide. Fall
risk is re-assessed from the stored test values under today's rules, oldest first (so a
retested TUG is compared with the one before it), and a treadmill speed never feeds the
overground-speed rule: a verdict stored by an older, laxer rule can never keep a walker
unrestricted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol, TypeVar

from sqlalchemy import Row
from sqlalchemy.orm import Session

from retrowalk.clinical.errors import ClinicalError
from retrowalk.clinical.fall_risk import (
    FallRiskResult,
    FallRiskTests,
    Sex,
    assess_fall_risk,
    fall_risk_not_assessed,
)
from retrowalk.clinical.pain_monitoring import lowest_rest_day_pain_nprs
from retrowalk.clinical.policy import PolicyConfig
from retrowalk.clinical.policy_timeline import PolicyTimeline
from retrowalk.clinical.red_flags import KneeRedFlag
from retrowalk.clinical.restriction_models import (
    Lifted,
    Restriction,
    RestrictionKind,
    Restrictions,
    Trigger,
)
from retrowalk.clinical.restrictions import active_restrictions
from retrowalk.clinical.screening import ScreeningAnswers, SteadiAnswers
from retrowalk.clinical.session_records import AdverseEvent
from retrowalk.clinical.walker_record import (
    AssessmentFact,
    CheckinFact,
    ClearanceFact,
    RedFlagReportFact,
    ScreeningFact,
    SessionFact,
    WalkerRecord,
)
from retrowalk.services.access import walker_for
from retrowalk.services.context import AppContext
from retrowalk.services.policies import WalkerInPolicy, policy_in, policy_timeline
from retrowalk.services.record_cache import RecordCache
from retrowalk.services.record_names import record_name
from retrowalk.services.schemas import (
    Actor,
    AddedOut,
    LiftedOut,
    RestrictionOut,
    RestrictionsOut,
    TriggerOut,
)
from retrowalk.store import repositories as repo
from retrowalk.store.models import Walker

TEST_FIELDS = (
    "tug_s",
    "tandem_stance_s",
    "chair_stand_count",
    "backward_walk_3m_s",
)
"""The stored answers that are fall-risk tests (a treadmill speed is not one: Fritz 2013)."""
OTHER_MEASURES = ("treadmill_speed_up_m_s", "treadmill_speed_down_m_s", "gait_speed_m_s")
"""Physical measures that are not fall-risk tests: with only these, fall risk is not known."""


def fall_risk_of(
    walker: Walker,
    answers: dict[str, object],
    earlier: FallRiskResult | None,
    policy: PolicyConfig,
) -> FallRiskResult | None:
    """The fall risk of one assessment's answers under today's rules, after ``earlier`` (the
    walker's previous verdict, for the TUG's measurement error).

    None when it adds nothing about fall risk: a questionnaire only, or a treadmill speed
    test after an earlier verdict. Measured without any fall-risk test and no verdict before
    (persona L: only a treadmill test) → not known: a skipped test is never normal."""
    reference = earlier.tug_at_risk_reference_s if earlier is not None else None
    tests = fall_risk_tests(walker, answers)
    if tests is not None:
        return assess_fall_risk(tests, policy, earlier_at_risk_tug_s=reference)
    if earlier is None and any(answers.get(name) is not None for name in OTHER_MEASURES):
        return fall_risk_not_assessed(
            fall_risk_tests(walker, answers, only_steadi=True) or _no_tests(walker),
            policy,
            earlier_at_risk_tug_s=reference,
        )
    return None


def _no_tests(walker: Walker) -> FallRiskTests:
    return FallRiskTests(age_years=walker.age_years, sex=Sex(walker.sex))


def fall_risk_tests(
    walker: Walker, answers: dict[str, object], *, only_steadi: bool = False
) -> FallRiskTests | None:
    """The fall-risk tests of one stored assessment, or None when it had no physical test
    (``only_steadi``: just the fall questions, for an assessment without a fall-risk test)."""
    values: dict[str, object] = {name: answers.get(name) for name in TEST_FIELDS}
    used_arms = bool(answers.get("chair_stand_used_arms"))
    if only_steadi:
        values = dict.fromkeys(TEST_FIELDS)
        used_arms = False
    elif all(value is None for value in values.values()) and not used_arms:
        return None
    for name in ("tug_s", "tandem_stance_s", "backward_walk_3m_s"):
        value = values[name]
        if isinstance(value, int) and not isinstance(value, bool):
            values[name] = float(value)  # JSON may hold 15 for 15.0; the model wants a float
    steadi = answers.get("steadi")
    return FallRiskTests.model_validate(
        {
            "age_years": walker.age_years,
            "sex": Sex(walker.sex),
            **values,
            "chair_stand_used_arms": used_arms,
            "steadi": SteadiAnswers.model_validate(steadi) if isinstance(steadi, dict) else None,
        }
    )


class StoredAnswers(Protocol):
    """A stored assessment as far as fall risk reads it (an ORM row or a column row)."""

    @property
    def id(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def answers_json(self) -> dict[str, Any]: ...


A = TypeVar("A", bound=StoredAnswers)


def fall_risk_history(
    walker: Walker, rows: Sequence[A], policy: PolicyConfig
) -> list[tuple[A, FallRiskResult | None]]:
    """Every assessment (in the order recorded) with its fall risk under today's rules."""
    results: list[tuple[A, FallRiskResult | None]] = []
    latest: FallRiskResult | None = None
    for row in sorted(rows, key=lambda a: (a.created_at, a.id)):
        try:
            result = fall_risk_of(walker, row.answers_json, latest, policy)
        except ClinicalError:
            result = None  # a record the rules cannot read never breaks the others
        if result is not None:
            latest = result
        results.append((row, result))
    return results


UNREADABLE_ERRORS = (ValueError, OverflowError, KeyError, TypeError)
"""What a stored record the rules cannot read raises (a pydantic error is a ValueError)."""


T = TypeVar("T", bound=tuple[Any, ...])


def plain_rows(rows: Sequence[Row[Any]], kind: type[T]) -> list[T]:
    """``rows`` as plain named tuples of ``kind``, whose fields must be the rows' columns in
    order (a RuntimeError otherwise: a query's columns changed without the tuple).

    Why: a column row's attribute (``row.local_date``) goes through SQLAlchemy's Python-level
    ``Row.__getattr__``, about ten times an index; the list reads a thousand walkers' rows,
    each several times. The values are the very objects the row holds: nothing is converted,
    so what the rules read is exactly what they read from the row."""
    if not rows:
        return []
    fields: tuple[str, ...] = getattr(kind, "_fields", ())
    if tuple(rows[0]._fields) != fields:
        raise RuntimeError(
            f"{kind.__name__} has the fields {fields}, the rows {tuple(rows[0]._fields)}"
        )
    make = kind._make  # type: ignore[attr-defined]
    return [make(row) for row in rows]


class ScreeningRow(NamedTuple):
    """``repositories.FACT_COLUMNS["screening"]`` and ``seq``."""

    id: int
    walker_id: int
    created_at: datetime
    recorded_by: int | None
    answers_json: dict[str, Any]
    seq: int | None


class AssessmentRow(NamedTuple):
    """``repositories.FACT_COLUMNS["assessment"]`` and ``seq``."""

    id: int
    walker_id: int
    created_at: datetime
    recorded_by: int | None
    kind: str
    answers_json: dict[str, Any]
    seq: int | None


class SessionRow(NamedTuple):
    """``repositories.FACT_COLUMNS["session"]`` and ``seq``."""

    id: int
    walker_id: int
    logged_at: datetime
    recorded_by: int | None
    local_date: date
    adverse_events: list[Any]
    supervised: bool
    seq: int | None


class CheckinRow(NamedTuple):
    """``repositories.FACT_COLUMNS["checkin"]`` and ``seq``."""

    id: int
    walker_id: int
    created_at: datetime
    recorded_by: int | None
    local_date: date
    pain_nprs: int | None
    usual_pain_nprs: float | None
    red_flags: list[Any] | None
    seq: int | None


class RedFlagReportRow(NamedTuple):
    """``repositories.FACT_COLUMNS["red_flag_report"]`` and ``seq``."""

    id: int
    walker_id: int
    created_at: datetime
    recorded_by: int | None
    local_date: date
    red_flags: list[Any]
    seq: int | None


class ClearanceRow(NamedTuple):
    """``repositories.FACT_COLUMNS["clearance"]`` and ``seq``."""

    id: int
    walker_id: int
    created_at: datetime
    cleared_by: int | None
    scope: str
    reason: str
    covers_seq: int | None
    seq: int | None


@dataclass
class _Rows:
    """One walker's fact rows (``repositories.FACT_COLUMNS`` and ``seq``, as plain tuples)."""

    screenings: list[ScreeningRow] = field(default_factory=list)
    assessments: list[AssessmentRow] = field(default_factory=list)
    sessions: list[SessionRow] = field(default_factory=list)
    checkins: list[CheckinRow] = field(default_factory=list)
    red_flag_reports: list[RedFlagReportRow] = field(default_factory=list)
    clearances: list[ClearanceRow] = field(default_factory=list)


def walker_records(
    tx: Session, walkers: Sequence[Walker], policy: PolicyConfig
) -> dict[int, WalkerRecord | Exception]:
    """The whole record of each walker as the facts the clinical restrictions read, in one
    query per kind of fact whatever the number of walkers (the list, the flags); a walker
    whose stored record the rules cannot read gets the error instead, never the others.

    Each fact carries the order it was recorded in (its newest audit entry), so a clearance
    lifts what the program knew when it was given — never a record entered later with an
    earlier time, nor one hidden behind a clearance dated ahead. Only the records that can
    set a restriction are read: every screening, assessment and clearance, the sessions that
    reported an adverse event, the check-ins with a red flag or a morning pain from the lowest
    level that can make a rest day under ``policy``, the red-flag reports that named a flag;
    the clinical rules decide on them, and a long history of uneventful sessions and mornings
    is never loaded."""
    ids = [w.id for w in walkers]
    if not ids:
        return {}
    rows: dict[int, _Rows] = defaultdict(_Rows)
    for screening in plain_rows(repo.screenings_recorded(tx, ids), ScreeningRow):
        rows[screening.walker_id].screenings.append(screening)
    for assessment in plain_rows(repo.assessments_recorded(tx, ids), AssessmentRow):
        rows[assessment.walker_id].assessments.append(assessment)
    for walk in plain_rows(repo.adverse_sessions_recorded(tx, ids), SessionRow):
        rows[walk.walker_id].sessions.append(walk)
    pain_from = lowest_rest_day_pain_nprs(policy)
    for checkin in plain_rows(repo.checkins_that_may_restrict(tx, ids, pain_from), CheckinRow):
        rows[checkin.walker_id].checkins.append(checkin)
    for report in plain_rows(repo.red_flag_reports_recorded(tx, ids), RedFlagReportRow):
        rows[report.walker_id].red_flag_reports.append(report)
    for clearance in plain_rows(repo.clearances_recorded(tx, ids), ClearanceRow):
        rows[clearance.walker_id].clearances.append(clearance)
    found: dict[int, WalkerRecord | Exception] = {}
    for walker in walkers:
        try:
            found[walker.id] = _record(walker, rows[walker.id], policy)
        except UNREADABLE_ERRORS as exc:
            found[walker.id] = exc
    return found


def _red_flags(stored: list[Any] | None) -> frozenset[KneeRedFlag]:
    """A check-in's stored red flags (NULL or none: empty; an unknown value raises: the record
    cannot be read). Nearly every check-in has none: those make no generator."""
    return frozenset(KneeRedFlag(f) for f in stored) if stored else frozenset()


def _record(walker: Walker, rows: _Rows, policy: PolicyConfig) -> WalkerRecord:
    """One walker's facts from their rows. Every fact is still validated into its clinical
    model: the rows are our own, validated when stored, but a stored answer may be of an
    older format (a screening without the 2026-12 questions, a JSON 15 for 15.0 s) or changed
    by hand, and the validation is what reads the first and refuses the second (the walker's
    record is then unreadable, never guessed). ``model_construct`` would skip both, and is
    no faster here (pydantic 2: building without validation is Python, validating is Rust)."""
    order = {row.id: row.seq for row in rows.assessments}
    history = fall_risk_history(walker, rows.assessments, policy)
    return WalkerRecord(
        screenings=tuple(
            ScreeningFact(
                record_id=row.id,
                seq=row.seq,
                at=row.created_at,
                recorded_by=row.recorded_by,
                answers=ScreeningAnswers.model_validate(row.answers_json),
            )
            for row in rows.screenings
        ),
        assessments=tuple(
            AssessmentFact(
                record_id=row.id,
                seq=order[row.id],
                at=row.created_at,
                recorded_by=row.recorded_by,
                kind=row.kind,
                fall_risk=result,
            )
            for row, result in history
        ),
        sessions=tuple(
            SessionFact(
                record_id=row.id,
                seq=row.seq,
                at=row.logged_at,
                recorded_by=row.recorded_by,
                local_date=row.local_date,
                adverse_events=frozenset(AdverseEvent(e) for e in row.adverse_events),
                supervised=row.supervised,
            )
            for row in rows.sessions
        ),
        checkins=tuple(
            CheckinFact(
                record_id=row.id,
                seq=row.seq,
                at=row.created_at,
                recorded_by=row.recorded_by,
                local_date=row.local_date,
                pain_nprs=row.pain_nprs,
                usual_pain_nprs=row.usual_pain_nprs,
                red_flags=_red_flags(row.red_flags),
            )
            for row in rows.checkins
        ),
        red_flag_reports=tuple(
            RedFlagReportFact(
                record_id=row.id,
                seq=row.seq,
                at=row.created_at,
                recorded_by=row.recorded_by,
                local_date=row.local_date,
                red_flags=frozenset(KneeRedFlag(f) for f in row.red_flags),
            )
            for row in rows.red_flag_reports
        ),
        clearances=tuple(
            ClearanceFact(
                record_id=row.id,
                seq=row.seq,
                at=row.created_at,
                recorded_by=row.cleared_by,
                kind=RestrictionKind(row.scope),
                reason=row.reason,
                covers_seq=row.covers_seq,
            )
            for row in rows.clearances
        ),
    )


def walker_record(tx: Session, walker: Walker, policy: PolicyConfig) -> WalkerRecord:
    """One walker's record (:func:`walker_records` for one; an unreadable record raises)."""
    record = walker_records(tx, [walker], policy)[walker.id]
    if isinstance(record, Exception):
        raise record
    return record


def gate_record(tx: Session, cache: RecordCache, start: WalkerInPolicy) -> WalkerRecord:
    """The walker's record as a gate decides on it: the one kept at exactly the version just
    read in ``tx`` (:mod:`~retrowalk.services.record_cache`), or read afresh and kept. Only
    for a use case that has changed nothing yet in ``tx``."""
    key = start.record_key
    record = cache.records.get(start.walker.id, key)
    if record is None:
        record = walker_record(tx, start.walker, start.policy)
        cache.records.put(start.walker.id, key, record)
    return record


def gate_restrictions(
    tx: Session, cache: RecordCache, start: WalkerInPolicy
) -> tuple[WalkerRecord, Restrictions]:
    """:func:`gate_record` and the restrictions active from it, both kept under the record's
    key: computing the restrictions (validating answers, the fall-risk and restriction rules)
    was, after the record's reading, the largest part of a gate's work."""
    record = gate_record(tx, cache, start)
    key = start.record_key
    restrictions = cache.restrictions.get(start.walker.id, key)
    if restrictions is None:
        restrictions = active_restrictions(record, timeline=gate_timeline(tx, cache, start))
        cache.restrictions.put(start.walker.id, key, restrictions)
    return record, restrictions


def gate_timeline(tx: Session, cache: RecordCache, start: WalkerInPolicy) -> PolicyTimeline:
    """The clinic's policy history, kept under the newest version read in ``tx``."""
    key = start.timeline_key
    timeline = cache.timeline(key)
    if timeline is None:
        timeline = policy_timeline(tx)
        cache.keep_timeline(key, timeline)
    return timeline


def restrictions_of(tx: Session, walker: Walker, policy: PolicyConfig) -> Restrictions:
    """The walker's active restrictions, computed from the whole record, each record read
    under the policy in force when it was made (``policy`` is the one in force now)."""
    return active_restrictions(walker_record(tx, walker, policy), timeline=policy_timeline(tx))


def record_added(
    tx: Session,
    actor: Actor,
    walker: Walker,
    before: Restrictions,
    *,
    policy: PolicyConfig,
    entity: str,
    entity_id: int,
    at: datetime,
) -> Restrictions:
    """The restrictions after a change; any kind it added is written to the audit log with
    the record that added it, in the same transaction."""
    after = restrictions_of(tx, walker, policy)
    added = sorted(kind.value for kind in after.kinds - before.kinds)
    if added:
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="restriction.add",
            entity=entity,
            entity_id=entity_id,
            walker_id=walker.id,
            detail={"restrictions": added},
        )
    return after


# --- output ----------------------------------------------------------------------------------


class _Names:
    """Display names of the accounts that recorded things, looked up once each."""

    def __init__(self, tx: Session) -> None:
        self.tx = tx
        self.cache: dict[int, str | None] = {}

    def prefetch(self, restrictions: Iterable[Restrictions]) -> _Names:
        """Look up, in one query, everyone who recorded the active restrictions given."""
        wanted = {
            t.recorded_by
            for r in restrictions
            for restriction in r.active
            for t in restriction.triggers
            if t.recorded_by is not None and t.recorded_by not in self.cache
        }
        found = repo.accounts_by_id(self.tx, wanted)
        for account_id in wanted:
            account = found.get(account_id)
            self.cache[account_id] = account.display_name if account is not None else None
        return self

    def __call__(self, account_id: int | None) -> str | None:
        if account_id is None:
            return None
        if account_id not in self.cache:
            account = repo.account(self.tx, account_id)
            self.cache[account_id] = account.display_name if account is not None else None
        return self.cache[account_id]


def _trigger_out(trigger: Trigger, names: _Names) -> TriggerOut:
    return TriggerOut(
        source=trigger.source,
        source_name=record_name(trigger.source.value),
        record_id=trigger.record_id,
        at=trigger.at,
        recorded_by=trigger.recorded_by,
        recorded_by_name=names(trigger.recorded_by),
        reasons=trigger.reasons,
        red_flags=trigger.red_flags,
        clinician_words=trigger.clinician_words,
    )


def restriction_out(restriction: Restriction, names: _Names) -> RestrictionOut:
    return RestrictionOut(
        kind=restriction.kind,
        effect=restriction.effect,
        title=restriction.title,
        summary=restriction.summary,
        clinician_summary=restriction.clinician_summary,
        since=restriction.since,
        triggers=tuple(_trigger_out(t, names) for t in restriction.triggers),
        reasons=restriction.reasons,
        what_to_do=restriction.what_to_do,
        emergency=restriction.emergency,
        lifted_by=restriction.lifted_by,
        can_clear=restriction.can_clear,
        cannot_clear_because=restriction.cannot_clear_because,
        surfaces=restriction.surfaces,
        seen_through=restriction.seen_through,
    )


def _lifted_out(lifted: Lifted, names: _Names) -> LiftedOut:
    return LiftedOut(
        kind=lifted.kind,
        clearance_id=lifted.clearance_id,
        at=lifted.at,
        cleared_by=lifted.cleared_by,
        cleared_by_name=names(lifted.cleared_by),
        reason=lifted.reason,
        triggers=tuple(_trigger_out(t, names) for t in lifted.triggers),
    )


def active_out(
    tx: Session, restrictions: Restrictions, names: _Names | None = None
) -> tuple[RestrictionOut, ...]:
    """The active restrictions as output models (``names``: looked up beforehand for many
    walkers at once, see :meth:`_Names.prefetch`)."""
    names = names or _Names(tx).prefetch([restrictions])
    return tuple(restriction_out(r, names) for r in restrictions.active)


def restrictions_out(tx: Session, walker: Walker, restrictions: Restrictions) -> RestrictionsOut:
    names = _Names(tx)
    added = tuple(
        AddedOut(
            entity=entry.entity,
            entity_id=entry.entity_id,
            at=entry.at,
            kinds=tuple(
                RestrictionKind(k)
                for k in entry.detail_json.get("restrictions", ())
                if k in {kind.value for kind in RestrictionKind}
            ),
        )
        for entry in repo.audit_entries(tx, walker_id=walker.id, action="restriction.add")
        if entry.entity_id is not None
    )
    return RestrictionsOut(
        walker_id=walker.id,
        active=tuple(restriction_out(r, names) for r in restrictions.active),
        lifted=tuple(_lifted_out(x, names) for x in restrictions.lifted),
        added=added,
    )


def walker_restrictions(ctx: AppContext, actor: Actor, walker_id: int) -> RestrictionsOut:
    """What stops or limits this walker now, and what was lifted before, by whom and why.

    Restrictions depend on the record, not on the clock: a rest day lasts until a clinician
    ends it."""
    with ctx.db.reader() as tx:
        walker = walker_for(tx, actor, walker_id)
        _, policy = policy_in(tx)
        return restrictions_out(tx, walker, restrictions_of(tx, walker, policy))
