"""Logging a session — idempotent on the client's key, so a retry never doubles it.

A phone that lost its connection after sending resends the same ``client_key``: the first
stored session comes back (``created=False``) and nothing is written twice. The resend may
add what went wrong (its adverse events are added to the stored session, and a session
stopped by them marked not completed: :func:`_events_added`), also when its other values
differ (those stay as first stored, and the walker is told: :data:`OTHER_VALUES_KEPT`);
with other values changed and nothing to add it is refused
(:class:`~retrowalk.services.errors.KeyReused`), since "already saved" would lose those
values without a word (:data:`REPLAY_MAY_CHANGE`).

A session is refused (:class:`~retrowalk.services.errors.NotReadyToWalk`) while the walker
may not walk: not screened, no plan yet, or a restriction that stops sessions (a red flag,
a clearance still awaited, an adverse event waiting for review, a rest day — RULES.md §7).
A session reporting an adverse event is always stored, even before a plan exists: safety
data is never thrown away.

Supervision is held, not advised (§7.9): a session logged alone (or on another surface) when
someone had to be there is stored as told — the record is the truth — flagged to the
clinician, and the walker is told why it matters (``SessionOut.notices``). The same holds for
a session with walking time that comes in (with its adverse event) while a restriction stops
every session: it is stored, marked with the restrictions it went against
(``SessionOut.walked_against``), flagged, and the walker is told why it matters; the adverse
event is never refused and nothing is lifted. A session well above its plan's minutes or
speed (**policy**: ``PolicyConfig.above_plan_*``) is told to the walker once and flagged;
what the progression rule decides is unchanged.

A second session on the same local date is stored marked ``another_today`` (the web log asks
"another session today?" first); said not to be another one, it is refused, never doubled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from retrowalk.clinical.norms import KM_H_PER_M_S
from retrowalk.clinical.policy import PolicyConfig
from retrowalk.clinical.prescription import SUPERVISED_START_COUNTS_FROM_MIN
from retrowalk.clinical.reasons import spoken_date
from retrowalk.clinical.restriction_models import Restriction, RestrictionKind, Restrictions
from retrowalk.clinical.restrictions import SupervisionNeed, active_restrictions
from retrowalk.clinical.session_records import AdverseEvent
from retrowalk.clinical.surfaces import Supervision, Surface, describe_surfaces
from retrowalk.clinical.walker_record import SessionFact, WalkerRecord
from retrowalk.services.access import walker_for
from retrowalk.services.checkins import hold_unreported_session
from retrowalk.services.clock import local_date, utc_now
from retrowalk.services.context import AppContext
from retrowalk.services.convert import session_out, session_out_of
from retrowalk.services.errors import Conflict, InvalidRequest, KeyReused, NotReadyToWalk, parse
from retrowalk.services.key_digest import key_digest
from retrowalk.services.pending_checkins import (
    RED_FLAGS_FIRST,
    UNASKED_NOTICE,
    checkin_first_words,
    checkin_opens_at,
    due_checkin,
    red_flags_unasked_since,
    unreported_session,
)
from retrowalk.services.plans import supervision_for
from retrowalk.services.policies import WalkerInPolicy, policy_in, walker_and_policy
from retrowalk.services.record_cache import RecordCache
from retrowalk.services.record_dates import check_when
from retrowalk.services.restrictions import (
    gate_restrictions,
    gate_timeline,
    record_added,
    restrictions_of,
)
from retrowalk.services.schemas import Actor, Role, SessionIn, SessionOut
from retrowalk.services.walking_tests_gate import PAST_VIA_CLINICIAN, enters_the_past
from retrowalk.store import repositories as repo
from retrowalk.store.models import Prescription, Walker, WalkSession

NOT_SCREENED = "No session can be logged yet: answer the screening questions first."
NO_PLAN = (
    "No session can be logged yet: do the baseline tests (the 3-metre backward walk, the "
    "Timed Up and Go test and the others) and make the plan first."
)
ADVERSE_ALWAYS_SAVED = (
    "If you already walked and something went wrong (a fall, chest pain, dizziness), log it "
    "with what happened: that is always saved for your clinician."
)
ALONE_NOTICE = (
    "You walked without someone with you, but your plan needs a helper for every session "
    "({why}). Your session is saved and your clinician will see it. Walking backward alone "
    "makes a fall more likely: please have someone with you next time."
)
ALONE_FIRST_SESSIONS_NOTICE = (
    "You walked without someone with you, but your plan has someone with you for your first "
    "{first} sessions, and a session walked alone does not count towards them. Your session is "
    "saved and your clinician will see it. Backward walking is new to you, and someone beside "
    "you can steady you if you trip: please have someone with you next time."
)
"""Told a walker at low fall risk who walked alone in her first sessions (found by the
outside-in test of the words: she was told her plan needs a helper "for every session ...
when your balance is at risk", neither of which was true of her)."""
ALONE_STORED_NOTICE = (
    "You walked without someone with you, but your plan needed a helper for that session. "
    "Your session is saved and your clinician will see it. Walking backward alone makes a fall "
    "more likely: please have someone with you next time."
)
"""The same, for a session sent again (the rule of the day it was walked is not re-read)."""
SURFACE_NOTICE = (
    "You walked on {done}, but your plan needs {planned}, where a rail and a helper make a fall "
    "less likely. Your session is saved and your clinician will see it; please keep to the "
    "planned surface."
)

WALKED_AGAINST_NOTICE = (
    "Your session is saved just as you told it, with what went wrong, and your clinician will "
    "see that you walked backward {during}. {why} Please do not walk backward again until "
    "your clinician says you can."
)
"""Told to a walker whose session (reported with an adverse event) was walked while a
restriction stopped every session (RULES.md §7.9's "the walker is told why it matters")."""

WALKED_DURING: Final[dict[RestrictionKind, tuple[str, str]]] = {
    RestrictionKind.RED_FLAG: (
        "while a warning sign was waiting for a doctor",
        "A warning sign needs a doctor to look at it before any backward walking.",
    ),
    RestrictionKind.ADVERSE_EVENT: (
        "before your clinician had reviewed what went wrong in an earlier session",
        "After a fall, chest pain or dizziness, your clinician needs to look at what happened "
        "before you walk again, to keep you safe.",
    ),
    RestrictionKind.REST_DAY: (
        "on a rest day",
        "A rest day is there because your knee was very painful in the morning: it needs a "
        "break before the next session.",
    ),
    RestrictionKind.CLEARANCE_REQUIRED: (
        "before your clinician cleared you to start",
        "Your clinician has to check first that this exercise is safe for you.",
    ),
}
"""For each restriction that stops every session: when the walker walked, in her words, and
why it matters (RULES.md §7.1, §7.8 and the §3 rest day)."""

ABOVE_PLAN_NOTICE = (
    "More than your plan: your clinician will see it. You walked {done}; your plan was "
    "{planned}. Your plan steps up a little at a time, after your morning check-ins, so that "
    "your knee can keep up: please keep to it next time."
)
"""Told once to a walker whose session was well above its plan's minutes or speed (the
thresholds are **policy**: ``PolicyConfig.above_plan_extra_min``, ``above_plan_speed_fraction``)."""

ALREADY_LOGGED = (
    "a session on {day} is already logged and this one is not another session that day, so "
    "nothing was saved twice; to log a second session that day, say it is another one"
)


def start_blocker(
    tx: Session,
    walker: Walker,
    plan: Prescription | None,
    adverse_event: bool,
    restrictions: Restrictions,
    *,
    screened: bool | None = None,
    performed_at: datetime | None = None,
    past_kept: bool = True,
) -> str | None:
    """Why the walker may not log a session now (what must happen first), or None.

    A reported adverse event is always stored, whatever else holds (even before a plan): a
    fall must reach the clinician even when the walker should not have been walking. A
    session walked before a red flag was reported (``performed_at`` earlier: she walked at
    09:00 and reported calf pain at 10:00) is a record of the past, not new exercise, and is
    stored (**policy**: RULES.md §7.7 stops sessions from the moment the flag is known) when a
    clinician enters it (``past_kept``: :func:`~.walking_tests_gate.enters_the_past`); the
    walker's own log dated before the report is refused all the same, told that her clinician
    can add it (a time she types cannot get round a red flag, §7.1). One walked at or after
    that moment stays refused. The other restrictions hold for every
    session logged while they are open: an adverse event's time is when the session
    reporting it was logged, not when it happened, so "before" would not be known.
    """
    if adverse_event:
        return None
    if screened is None:
        screened = repo.latest_screening(tx, walker.id) is not None
    if not screened:
        return NOT_SCREENED
    blocking = [
        r for r in restrictions.blocking if not (past_kept and _walked_before(r, performed_at))
    ]
    if blocking:
        first = blocking[0]
        parts = [first.emergency or "", f"No session can be logged: {first.title.lower()}."]
        parts += [*first.what_to_do, ADVERSE_ALWAYS_SAVED]
        if any(_walked_before(r, performed_at) for r in blocking):
            parts.append(PAST_VIA_CLINICIAN)
        return " ".join(p for p in dict.fromkeys(parts) if p)
    if plan is None:
        return NO_PLAN
    return None


def _walked_before(restriction: Restriction, performed_at: datetime | None) -> bool:
    """Whether a session walked at ``performed_at`` came before this red flag was reported."""
    return (
        performed_at is not None
        and restriction.kind is RestrictionKind.RED_FLAG
        and performed_at < restriction.since
    )


def off_safe_surface(surface: str, planned_surface: str | None, policy: PolicyConfig) -> bool:
    """A session with a helper required that left the high-risk surfaces (RULES.md §7.9):
    planned on a treadmill with handrails or a hallway with a rail, walked elsewhere."""
    safe = {s.value for s in policy.high_risk_surfaces}
    return planned_surface in safe and surface not in safe


def walked_against(
    restrictions: Restrictions, duration_min: float, performed_at: datetime
) -> tuple[RestrictionKind, ...]:
    """The restrictions stopping every session that stood when a session with walking time
    was walked (most serious first); only a session reporting an adverse event gets past
    them (:func:`start_blocker`). One walked before a restriction was recorded (a clinician
    entering the past, :func:`_walked_before`) did not go against it; a session of 0 minutes
    (stopped before walking backward) went against nothing."""
    if duration_min <= 0:
        return ()
    return tuple(r.kind for r in restrictions.blocking if performed_at >= r.since)


def walked_speed_m_s(
    speed_m_s: float | None, distance_m: float | None, duration_min: float
) -> float | None:
    """The speed walked: as given, else distance / duration (None when neither tells it)."""
    if speed_m_s is not None:
        return speed_m_s
    if distance_m is None or duration_min <= 0:
        return None
    return distance_m / (duration_min * 60.0)


def above_plan(
    duration_min: float,
    speed_m_s: float | None,
    planned_duration_min: float | None,
    planned_speed_m_s: float | None,
    policy: PolicyConfig,
) -> tuple[str, ...]:
    """What of a session was well above its plan (**policy**): ``"minutes"`` when more than
    ``above_plan_extra_min`` minutes longer, ``"speed"`` when more than
    ``above_plan_speed_fraction`` faster. Nothing without a plan or without walking time;
    only a flag and a notice, never a decision of the rules."""
    if planned_duration_min is None or duration_min <= 0:
        return ()
    found: list[str] = []
    if duration_min > planned_duration_min + policy.above_plan_extra_min:
        found.append("minutes")
    if (
        speed_m_s is not None
        and planned_speed_m_s
        and speed_m_s > planned_speed_m_s * (1 + policy.above_plan_speed_fraction)
    ):
        found.append("speed")
    return tuple(found)


def load_words(duration_min: float, speed_m_s: float | None) -> str:
    """``25 minutes at 2.00 m/s (7.2 km/h)`` (as ``present.numbers`` shows a speed, which the
    services may not import)."""
    minutes = f"{duration_min:g} minute{'s' if duration_min != 1 else ''}"
    if speed_m_s is None:
        return minutes
    shown = float(f"{speed_m_s:.2f}")
    return f"{minutes} at {shown:.2f} m/s ({shown * KM_H_PER_M_S:.1f} km/h)"


def _all_notices(
    against: Sequence[RestrictionKind],
    supervision: tuple[str, ...],
    session_in: SessionIn,
    plan: Prescription | None,
    policy: PolicyConfig,
) -> tuple[str, ...]:
    """What the walker is told of her session: walked against a restriction, outside the
    supervision her plan needs (``supervision``, :func:`_notices`), well above its plan."""
    speed = walked_speed_m_s(session_in.speed_m_s, session_in.distance_m, session_in.duration_min)
    return (
        *_against_notice(against),
        *supervision,
        *_above_plan_notice(
            session_in.duration_min,
            speed,
            plan.duration_min if plan is not None else None,
            plan.speed_m_s if plan is not None else None,
            policy,
        ),
    )


def _against_notice(against: Sequence[RestrictionKind]) -> tuple[str, ...]:
    """The walker's notice of a session walked while these restrictions stopped sessions."""
    said = [WALKED_DURING[k] for k in against if k in WALKED_DURING]
    if not said:
        return ()
    return (
        WALKED_AGAINST_NOTICE.format(
            during=" and ".join(during for during, _ in said),
            why=" ".join(why for _, why in said),
        ),
    )


def _above_plan_notice(
    duration_min: float,
    speed_m_s: float | None,
    planned_duration_min: float | None,
    planned_speed_m_s: float | None,
    policy: PolicyConfig,
) -> tuple[str, ...]:
    """The walker's one notice of a session well above its plan (minutes, speed or both)."""
    if planned_duration_min is None or not above_plan(
        duration_min, speed_m_s, planned_duration_min, planned_speed_m_s, policy
    ):
        return ()
    return (
        ABOVE_PLAN_NOTICE.format(
            done=load_words(duration_min, speed_m_s),
            planned=load_words(planned_duration_min, planned_speed_m_s),
        ),
    )


def _alone_notice(need: SupervisionNeed, plan: Prescription | None) -> str:
    """What a session walked alone against the plan's supervision tells the walker, from what
    her plan needs: only its first N sessions (no restriction: her fall risk is low), or every
    session, and why."""
    first = (
        plan.supervised_first_sessions
        if plan is not None
        and plan.supervision == Supervision.FIRST_SESSIONS.value
        and not plan.supervised_until_review
        else None
    )
    # the first-N rule alone gives one reason, its own; a restriction gives its titles instead
    if first and len(need.why) == 1 and need.why[0].startswith(f"Your first {first} sessions"):
        return ALONE_FIRST_SESSIONS_NOTICE.format(first=first)
    return ALONE_NOTICE.format(why="; ".join(need.why).lower())


def _notices(
    session_in: SessionIn, need: SupervisionNeed, plan: Prescription | None, policy: PolicyConfig
) -> tuple[str, ...]:
    """What the walker is told of a session outside the supervision her plan needs."""
    if not need.required:
        return ()
    found: list[str] = []
    if not session_in.supervised:
        found.append(_alone_notice(need, plan))
    if plan is not None and off_safe_surface(session_in.surface.value, plan.surface, policy):
        found.append(
            SURFACE_NOTICE.format(
                done=describe_surfaces([session_in.surface]),
                planned=describe_surfaces([Surface(plan.surface)]),
            )
        )
    return tuple(found)


REPLAY_MAY_CHANGE = frozenset({"adverse_events", "completed", "another_today"})
"""What a session sent again under its key may hold otherwise, left out of its digest: the
adverse events a resend adds, with the session then stopped early (:func:`_events_added`),
and the answer to "another session today?", which is a question of this sending, not a value
of the session (the stored ``another_today`` is what the log found)."""


def session_digest(session_in: SessionIn) -> str:
    """What a session was sent with, as its key keeps it (``key_digest``), without
    :data:`REPLAY_MAY_CHANGE`."""
    return key_digest(session_in, leave_out=REPLAY_MAY_CHANGE)


OTHER_VALUES_KEPT = (
    "Only what went wrong was added: the rest of this session was saved before with other "
    "values, and those stay as they were (tell your clinician if they need changing)."
)
"""Told when a copy that adds an adverse event also changes other values of the session."""


def _same_digest(row: WalkSession, session_in: SessionIn) -> bool:
    """Whether the copy's values are those the session was stored with (unknown: yes)."""
    return row.client_key_digest is None or row.client_key_digest == session_digest(session_in)


def _same_session(row: WalkSession, session_in: SessionIn) -> None:
    """Refuse a key sent again with other values than the session stored under it."""
    if not _same_digest(row, session_in):
        raise KeyReused("session")


def log_session(
    ctx: AppContext,
    actor: Actor,
    walker_id: int,
    data: SessionIn | dict[str, object],
) -> SessionOut:
    """Store one session with what was planned next to what was done.

    Every read and every gate runs before the write lock (SQLite's BEGIN IMMEDIATE), in a
    read transaction: a key sent again is answered from there, a refused session never
    waits for the lock. Under the lock only the rows are inserted, after one indexed update
    that raises the walker's record version only if it and the policy are still those the
    gates read (:func:`repositories.raise_record_version_if_unchanged`); when they changed —
    or when the session needs more than its inserts (an adverse event, an unreported session
    to decide, events added to a stored one) — the whole use case runs again under the lock.
    The unique client key keeps two racing submissions to one row. A key sent again with
    other values (but those a replay may change, :data:`REPLAY_MAY_CHANGE`) is refused with
    :class:`~retrowalk.services.errors.KeyReused`, wherever it is found — unless it adds an
    adverse event, which is always stored (the other values stay as they were)."""
    session_in = parse(SessionIn, data)
    at = ctx.now()
    performed_at = utc_now(session_in.performed_at) if session_in.performed_at else at
    try:
        with ctx.db.reader() as tx:
            prepared = _prepare(
                tx, ctx.record_cache, actor, walker_id, session_in, performed_at, at
            )
        if isinstance(prepared, SessionOut):
            return prepared
        with ctx.db.transaction() as tx:
            raised = _raised_if_unchanged(tx, prepared) if prepared is not None else None
            if prepared is None or raised is None:  # more than the inserts, or a change
                return _log_locked(tx, actor, walker_id, session_in, performed_at, at)
            out, version = _insert(tx, actor, prepared, session_in, performed_at, at, raised)
        _keep_record(ctx.record_cache, prepared, session_in, version)  # committed by now
        return out
    except IntegrityError:
        # Two submissions raced: the other one committed first. Return it.
        with ctx.db.reader() as tx:
            existing = repo.session_by_client_key(tx, walker_id, session_in.client_key)
            if existing is None:
                raise Conflict(
                    f"The session {session_in.client_key!r} could not be stored; try again."
                ) from None
            _same_session(existing, session_in)
            return _replayed(existing, policy=policy_in(tx)[1])


@dataclass(frozen=True)
class _Prepared:
    """What the gates decided before the write lock, and the record they decided on."""

    walker: Walker
    stamp: tuple[int | None, int | None]
    plan: Prescription | None
    planned_supervised: bool | None
    notices: tuple[str, ...]
    outside_supervision: bool
    """Whether some of ``notices`` say the session was outside the supervision needed."""
    walked_against: tuple[RestrictionKind, ...]
    another_today: bool
    start: WalkerInPolicy
    record: WalkerRecord
    """The record the gates decided on, read at ``start.record_key``."""
    restrictions: Restrictions
    """The restrictions active from ``record``."""


def _raised_if_unchanged(tx: Session, prepared: _Prepared) -> int | None:
    """Under the lock: the walker's record version raised for this session's first audit
    entry, when the record, the policy and the database copy are those the gates read
    (else None, nothing written)."""
    start = prepared.start
    return repo.raise_record_version_if_unchanged(
        tx,
        prepared.walker.id,
        version=prepared.walker.record_version,
        policy_version=start.stamp[1],
        instance=start.instance,
    )


def _keep_record(
    cache: RecordCache, prepared: _Prepared, session_in: SessionIn, version: int | None
) -> None:
    """After the commit: the record at the version this session's audit entries raised it to
    is the one the gates read, since a session without an adverse event is no fact of the
    record (only those with one are: ``restrictions.walker_records``). Kept only when this
    session's entries were the only change since the gates' read — the version moved by
    exactly their number — so "today" right after a log reads no record again."""
    entries = 1 + prepared.outside_supervision + bool(prepared.walked_against)
    if (
        session_in.adverse_events
        or version is None
        or version != prepared.walker.record_version + entries
    ):
        return
    key = prepared.start.record_key_at(version)
    cache.records.put(prepared.walker.id, key, prepared.record)
    cache.restrictions.put(prepared.walker.id, key, prepared.restrictions)


def _check_in_first(
    tx: Session,
    actor: Actor,
    walker: Walker,
    at: datetime,
    session_in: SessionIn,
    day: repo.WalkerDay | None = None,
) -> None:
    """A walker's next session waits for the last one's morning report (RULES.md §3), so a
    painful morning is never skipped by logging first, and for the red-flag questions a
    check-in decided without its report left unasked (§7.7); a session reporting something
    that went wrong is always stored. A clinician or the terminal entering a paper diary goes
    on (the report-less session is then decided "hold", and the walker is asked its red-flag
    questions)."""
    if actor.role is not Role.WALKER or session_in.adverse_events:
        return
    waiting = due_checkin(tx, walker, at, day=day)
    if waiting is not None:
        opens = checkin_opens_at(waiting, walker, policy_in(tx)[1])
        raise NotReadyToWalk(checkin_first_words(waiting.local_date, opens, at))
    unasked = red_flags_unasked_since(tx, walker, day)
    if unasked is not None:
        raise NotReadyToWalk(RED_FLAGS_FIRST.format(day=spoken_date(unasked)))


def _another_today(
    tx: Session,
    walker: Walker,
    session_in: SessionIn,
    performed_at: datetime,
    day: repo.WalkerDay | None = None,
) -> bool:
    """Whether a session is already logged that day; refused when the walker said this one
    is not another session (a form sent twice), so nothing is saved twice. ``day``: the
    walker's day read for that date already."""
    on_date = local_date(performed_at, walker.timezone)
    if day is not None:
        same_day = day.summary.sessions_today > 0
    else:
        same_day = repo.count_sessions(tx, walker.id, on=on_date) > 0
    if same_day and session_in.another_today is False:
        raise InvalidRequest(ALREADY_LOGGED.format(day=on_date), field="another_today")
    return same_day


def _prepare(
    tx: Session,
    cache: RecordCache,
    actor: Actor,
    walker_id: int,
    session_in: SessionIn,
    performed_at: datetime,
    at: datetime,
) -> _Prepared | SessionOut | None:
    """The gates, read without the write lock: the stored session for a key sent again, a
    refusal (raised), what to insert — or None when the session needs the whole use case
    under the lock (it adds a restriction, decides an unreported session, or adds events)."""
    start = walker_and_policy(tx, actor, walker_id)  # the stamp first: see walker_context
    walker, policy, stamp = start.walker, start.policy, start.stamp
    on_date = local_date(performed_at, walker.timezone)
    # the key, the plan, the day's count, the last session and its report, the supervised
    # count and the unasked red-flag questions: one statement
    day = repo.walker_day(
        tx,
        walker.id,
        on_date,
        client_key=session_in.client_key,
        supervised_from_min=SUPERVISED_START_COUNTS_FROM_MIN,
    )
    existing = day.keyed
    if existing is not None:
        if {e.value for e in session_in.adverse_events} - set(existing.adverse_events):
            return None  # events to add: under the lock, whatever else differs
        _same_session(existing, session_in)
        return _replayed(existing, policy=policy)
    check_when(actor, performed_at, at, "performed_at", "a session", policy)
    plan = day.plan
    record, restrictions = gate_restrictions(tx, cache, start)  # nothing written yet
    blocker = start_blocker(
        tx,
        walker,
        plan,
        bool(session_in.adverse_events),
        restrictions,
        screened=bool(record.screenings),
        performed_at=performed_at,
        past_kept=enters_the_past(actor),
    )
    if blocker is not None:
        raise NotReadyToWalk(blocker)
    another_today = _another_today(tx, walker, session_in, performed_at, day)
    _check_in_first(tx, actor, walker, at, session_in, day)
    if unreported_session(tx, walker, performed_at, planned=plan is not None, day=day) is not None:
        return None
    if session_in.adverse_events and _adds_a_restriction(
        tx, cache, start, record, restrictions, session_in, on_date, at, actor.account_id
    ):
        return None  # recorded with its audit entry, under the lock
    need = supervision_for(tx, walker, restrictions, plan, supervised_done=day.supervised_done)
    against = walked_against(restrictions, session_in.duration_min, performed_at)
    supervision = _notices(session_in, need, plan, policy)
    return _Prepared(
        walker=walker,
        stamp=stamp,
        plan=plan,
        planned_supervised=need.required if plan is not None else None,
        notices=_all_notices(against, supervision, session_in, plan, policy),
        outside_supervision=bool(supervision),
        walked_against=against,
        another_today=another_today,
        start=start,
        record=record,
        restrictions=restrictions,
    )


def _adds_a_restriction(
    tx: Session,
    cache: RecordCache,
    start: WalkerInPolicy,
    record: WalkerRecord,
    before: Restrictions,
    session_in: SessionIn,
    on_date: date,
    at: datetime,
    recorded_by: int,
) -> bool:
    """Whether the session's adverse events add a restriction to the record. A session
    without one adds nothing: only a session's adverse events are facts of the record
    (``restrictions.walker_records``), so only then are the restrictions computed again."""
    logged = SessionFact(
        at=at,
        seq=(start.stamp[0] or 0) + 1,  # audited after everything recorded so far
        recorded_by=recorded_by,
        local_date=on_date,
        adverse_events=frozenset(AdverseEvent(e) for e in session_in.adverse_events),
        supervised=session_in.supervised,
    )
    after = active_restrictions(
        record.model_copy(update={"sessions": (*record.sessions, logged)}),
        timeline=gate_timeline(tx, cache, start),
    )
    return after.kinds != before.kinds


def _insert(
    tx: Session,
    actor: Actor,
    prepared: _Prepared,
    session_in: SessionIn,
    performed_at: datetime,
    at: datetime,
    raised_to: int,
) -> tuple[SessionOut, int | None]:
    """The session's rows, inserted under the write lock as the gates decided (the record
    version already raised to ``raised_to`` for the first audit entry); with the walker's
    record version after them."""
    return _store(
        tx,
        actor,
        prepared.walker,
        prepared.plan,
        session_in,
        performed_at,
        at,
        prepared.planned_supervised,
        prepared.notices,
        prepared.another_today,
        outside_supervision=prepared.outside_supervision,
        walked_against=prepared.walked_against,
        raised_to=raised_to,
    )


def _log_locked(
    tx: Session,
    actor: Actor,
    walker_id: int,
    session_in: SessionIn,
    performed_at: datetime,
    at: datetime,
) -> SessionOut:
    """The whole use case under the write lock: every read, every gate and every write."""
    walker = walker_for(tx, actor, walker_id)
    _, policy = policy_in(tx)
    existing = repo.session_by_client_key(tx, walker.id, session_in.client_key)
    if existing is not None:
        other_values = not _same_digest(existing, session_in)
        if not {e.value for e in session_in.adverse_events} - set(existing.adverse_events):
            _same_session(existing, session_in)
        # what went wrong is never dropped, also from a copy whose other values differ (found
        # by the outside-in test: a fall ticked with a changed pain score was lost in a 409)
        new_events = _events_added(tx, actor, walker, existing, session_in, at, policy)
        out = _replayed(existing, new_events, policy=policy)
        if other_values:
            out = out.model_copy(update={"notices": (*out.notices, OTHER_VALUES_KEPT)})
        return out
    check_when(actor, performed_at, at, "performed_at", "a session", policy)
    plan = repo.latest_prescription(tx, walker.id)
    restrictions = restrictions_of(tx, walker, policy)
    blocker = start_blocker(
        tx,
        walker,
        plan,
        bool(session_in.adverse_events),
        restrictions,
        performed_at=performed_at,
        past_kept=enters_the_past(actor),
    )
    if blocker is not None:
        raise NotReadyToWalk(blocker)
    another_today = _another_today(tx, walker, session_in, performed_at)
    _check_in_first(tx, actor, walker, at, session_in)
    decided = hold_unreported_session(tx, actor, walker, performed_at, at, policy)
    plan = repo.latest_prescription(tx, walker.id)
    need = supervision_for(tx, walker, restrictions, plan)
    planned_supervised = need.required if plan is not None else None
    against = walked_against(restrictions, session_in.duration_min, performed_at)
    supervision = _notices(session_in, need, plan, policy)
    notices = _all_notices(against, supervision, session_in, plan, policy)
    stored, _ = _store(
        tx,
        actor,
        walker,
        plan,
        session_in,
        performed_at,
        at,
        planned_supervised,
        notices,
        another_today,
        outside_supervision=bool(supervision),
        walked_against=against,
    )
    record_added(
        tx,
        actor,
        walker,
        restrictions,
        policy=policy,
        entity="session",
        entity_id=stored.id,
        at=at,
    )
    if decided is not None and actor.role is not Role.WALKER:
        # said to whoever closed the check-in; not a supervision notice (not audited as one)
        notices = (*notices, UNASKED_NOTICE.format(day=spoken_date(decided.local_date)))
        return stored.model_copy(update={"notices": notices})
    return stored


def _store(
    tx: Session,
    actor: Actor,
    walker: Walker,
    plan: Prescription | None,
    session_in: SessionIn,
    performed_at: datetime,
    at: datetime,
    planned_supervised: bool | None,
    notices: tuple[str, ...],
    another_today: bool,
    *,
    outside_supervision: bool,
    walked_against: tuple[RestrictionKind, ...],
    raised_to: int | None = None,
) -> tuple[SessionOut, int | None]:
    """Insert the session and its audit entries (nothing is read here); the session as
    stored, with ``notices``, and the walker's record version after them (``raised_to``:
    already raised for the first entry, see :func:`repositories.audit`). Core inserts, no
    ORM object (``repositories.insert_session``): building, tracking and flushing one cost
    "log a session" more CPU than its statements."""
    events = [e.value for e in session_in.adverse_events]
    columns = {
        "walker_id": walker.id,
        "client_key": session_in.client_key,
        "client_key_digest": session_digest(session_in),
        "prescription_id": plan.id if plan is not None else None,
        "performed_at": performed_at,
        "local_date": local_date(performed_at, walker.timezone),
        "logged_at": at,
        "planned_duration_min": plan.duration_min if plan else None,
        "planned_speed_m_s": plan.speed_m_s if plan else None,
        "planned_incline_pct": plan.incline_pct if plan else None,
        "planned_surface": plan.surface if plan else None,
        "planned_supervised": planned_supervised,
        "duration_min": session_in.duration_min,
        "speed_m_s": session_in.speed_m_s,
        "distance_m": session_in.distance_m,
        "incline_pct": session_in.incline_pct,
        "surface": session_in.surface.value,
        "supervised": session_in.supervised,
        "pain_before_nprs": session_in.pain_before_nprs,
        "pain_peak_nprs": session_in.pain_peak_nprs,
        "pain_after_nprs": session_in.pain_after_nprs,
        "effort_cr10": session_in.effort_cr10,
        "adverse_events": events,
        "completed": session_in.completed,
        "note": session_in.note,
        "steps": session_in.steps,
        "recorded_by": actor.account_id,
        "another_today": another_today,
        "walked_against": [k.value for k in walked_against] or None,
    }
    session_id = repo.insert_session(tx, columns)
    columns["id"] = session_id
    version = repo.audit(
        tx,
        at=at,
        actor_account_id=actor.account_id,
        actor_role=actor.role.value,
        action="session.log",
        entity="session",
        entity_id=session_id,
        walker_id=walker.id,
        detail={"client_key": session_in.client_key, "adverse_events": list(events)},
        raised_to=raised_to,
    )
    if outside_supervision:
        version = repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="session.outside_supervision",
            entity="session",
            entity_id=session_id,
            walker_id=walker.id,
            detail={"supervised": session_in.supervised, "surface": session_in.surface.value},
        )
    if walked_against:
        version = repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="session.walked_against_restriction",
            entity="session",
            entity_id=session_id,
            walker_id=walker.id,
            detail={"restrictions": [k.value for k in walked_against]},
        )
    return session_out_of(columns, tuple(events), notices=notices), version


def _events_added(
    tx: Session,
    actor: Actor,
    walker: Walker,
    row: WalkSession,
    session_in: SessionIn,
    at: datetime,
    policy: PolicyConfig,
) -> tuple[str, ...]:
    """A key sent again that now reports what went wrong: the events are added to the stored
    session (a fall is never dropped as a duplicate), audited, and set their restriction."""
    new = sorted({e.value for e in session_in.adverse_events} - set(row.adverse_events))
    if not new:
        return ()
    before = restrictions_of(tx, walker, policy)
    row.adverse_events = sorted({*row.adverse_events, *new})
    row.completed = row.completed and session_in.completed
    tx.flush()
    repo.audit(
        tx,
        at=at,
        actor_account_id=actor.account_id,
        actor_role=actor.role.value,
        action="session.adverse_events_added",
        entity="session",
        entity_id=row.id,
        walker_id=walker.id,
        detail={"added": new},
    )
    tx.flush()
    record_added(
        tx, actor, walker, before, policy=policy, entity="session", entity_id=row.id, at=at
    )
    return tuple(new)


EVENTS_ADDED = (
    "This session was already saved; what went wrong is now added to it, and your clinician "
    "will see it."
)


def _replayed(
    row: WalkSession, events_added: tuple[str, ...] = (), *, policy: PolicyConfig
) -> SessionOut:
    """The stored session for a key sent again, with the notices it had."""
    notices: list[str] = []
    if events_added:
        notices.append(EVENTS_ADDED)
    notices += _against_notice(stored_against(row.walked_against))
    if bool(row.planned_supervised) and not row.supervised:
        notices.append(ALONE_STORED_NOTICE)
    speed = walked_speed_m_s(row.speed_m_s, row.distance_m, row.duration_min)
    notices += _above_plan_notice(
        row.duration_min, speed, row.planned_duration_min, row.planned_speed_m_s, policy
    )
    return session_out(row, created=False, notices=tuple(notices))


def stored_against(value: object) -> tuple[RestrictionKind, ...]:
    """A session's stored ``walked_against`` as restriction kinds (NULL: none; a value this
    version does not know is left out, never guessed)."""
    if not isinstance(value, list | tuple):
        return ()
    known = {k.value: k for k in RestrictionKind}
    return tuple(known[v] for v in value if isinstance(v, str) and v in known)


def session_days(ctx: AppContext, actor: Actor, walker_id: int) -> dict[int, date]:
    """Each of the walker's sessions by id → the local date it was walked: a page names a
    session by its day ("the session of Tuesday 2 December"), never by its id."""
    with ctx.db.reader() as tx:
        walker = walker_for(tx, actor, walker_id)
        return {row.id: row.local_date for row in repo.walk_sessions(tx, walker.id)}
