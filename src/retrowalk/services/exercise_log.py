"""The walker's tick of her strengthening exercises, and the adherence her clinician sees.

A tick says, per exercise, how many sets were done (of the dose's sets) and the pain during
them. It is dated by the server's clock in the walker's time zone (never by the browser), is
idempotent on ``client_key`` like a walking session, and is audited. An exercise that is not
in her programme, or that her clinician switched off, is refused with the field named; no
tick is taken while a restriction stops every session (:mod:`.exercise_gate`).

Adherence is per calendar week (Monday first, her dates): for each exercise that is on, the
days with at least one set done against the dose's sessions a week, and the sets done against
the sets planned on those days. It counts the switches as they are now.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from retrowalk.clinical.exercises import EXERCISES, programme_for
from retrowalk.clinical.pain_monitoring import PAIN_ACCEPTABLE_MAX_NPRS
from retrowalk.services.access import walker_for
from retrowalk.services.clock import local_date
from retrowalk.services.context import AppContext
from retrowalk.services.errors import InvalidRequest, NotReadyToWalk, parse
from retrowalk.services.exercise_gate import exercise_blocker
from retrowalk.services.exercises import check_in_programme, programme_of
from retrowalk.services.key_digest import key_digest, same_values
from retrowalk.services.policies import policy_in
from retrowalk.services.restrictions import restrictions_of
from retrowalk.services.schemas import Actor
from retrowalk.services.schemas.exercises import (
    AdherenceOut,
    AdherenceWeek,
    DoneAs,
    ExerciseDoneOut,
    ExerciseLogIn,
    ExerciseLogOut,
    ExerciseWeek,
)
from retrowalk.services.stored_once import stored_once
from retrowalk.store import exercise_records as records
from retrowalk.store import repositories as repo
from retrowalk.store.models import ExerciseLog, ExerciseLogEntry, Walker

WEEKS_MAX = 52
"""Input limit: adherence over more than a year is not one screen."""


def _log_out(row: ExerciseLog, entries: list[ExerciseLogEntry], created: bool) -> ExerciseLogOut:
    return ExerciseLogOut(
        id=row.id,
        walker_id=row.walker_id,
        local_date=row.local_date,
        logged_at=row.logged_at,
        exercises=tuple(
            ExerciseDoneOut(
                exercise_key=e.exercise_key,
                done_as=DoneAs(e.done_as),
                sets_done=e.sets_done,
                sets_planned=e.sets_planned,
                pain_nprs=e.pain_nprs,
            )
            for e in entries
        ),
        created=created,
        too_painful=tuple(
            e.exercise_key
            for e in entries
            if e.pain_nprs is not None and e.pain_nprs > PAIN_ACCEPTABLE_MAX_NPRS
        ),
    )


def log_exercises(
    ctx: AppContext,
    actor: Actor,
    walker_id: int,
    data: ExerciseLogIn | dict[str, object],
) -> ExerciseLogOut:
    """Store what the walker did (the walker, or her clinician from a paper diary).

    The same ``client_key`` twice stores one tick, also when the two copies race on two
    workers: the first comes back with ``created`` false. The same key with other exercises
    is refused (:class:`~.errors.KeyReused`)."""
    tick = parse(ExerciseLogIn, data)
    digest = key_digest(tick)

    def first(tx: Session) -> ExerciseLogOut | None:
        walker = walker_for(tx, actor, walker_id)
        return _tick_under(tx, walker.id, tick.client_key, digest)

    return stored_once(
        ctx.db, tick.client_key, lambda: _log(ctx, actor, walker_id, tick, digest), first
    )


def _tick_under(tx: Session, walker_id: int, key: str, digest: str) -> ExerciseLogOut | None:
    """The tick stored under ``key``, as a replay answers it (None: none); refused when it
    was sent with other values than ``digest``."""
    earlier = records.log_by_client_key(tx, walker_id, key)
    if earlier is None:
        return None
    same_values(earlier.client_key_digest, digest, "exercise tick")
    return _log_out(earlier, records.entries(tx, [earlier.id])[earlier.id], False)


def _log(
    ctx: AppContext, actor: Actor, walker_id: int, tick: ExerciseLogIn, digest: str
) -> ExerciseLogOut:
    at = ctx.now()
    with ctx.db.transaction() as tx:
        walker = walker_for(tx, actor, walker_id)
        replay = _tick_under(tx, walker.id, tick.client_key, digest)
        if replay is not None:
            return replay
        blocker = exercise_blocker(restrictions_of(tx, walker, policy_in(tx)[1]))
        if blocker is not None:
            raise NotReadyToWalk(blocker)
        programme = programme_for(walker.knee_condition)
        items = {item.key: item for item in programme_of(tx, walker).items}
        for index, done in enumerate(tick.exercises):
            field = f"exercises.{index}.exercise_key"
            check_in_programme(programme, field, done.exercise_key)
            if not items[done.exercise_key].enabled:
                raise InvalidRequest(
                    f"{field}: {EXERCISES[done.exercise_key].name} is switched off by your "
                    "clinician; it is not part of your exercises now.",
                    field=field,
                )
            if (
                done.done_as is DoneAs.HOME_ALTERNATIVE
                and EXERCISES[done.exercise_key].home_alternative is None
            ):
                raise InvalidRequest(
                    f"exercises.{index}.done_as: {EXERCISES[done.exercise_key].name} has no "
                    "home alternative; use as_planned.",
                    field=f"exercises.{index}.done_as",
                )
        row = repo.add(
            tx,
            ExerciseLog(
                walker_id=walker.id,
                client_key=tick.client_key,
                client_key_digest=digest,
                local_date=local_date(at, walker.timezone),
                logged_at=at,
                recorded_by=actor.account_id,
            ),
        )
        entries = [
            repo.add(
                tx,
                ExerciseLogEntry(
                    log_id=row.id,
                    exercise_key=done.exercise_key,
                    done_as=done.done_as.value,
                    sets_done=done.sets_done,
                    sets_planned=EXERCISES[done.exercise_key].dose.sets,
                    pain_nprs=done.pain_nprs,  # kept with 0 sets too: she may have stopped
                    # because it hurt (found by the outside-in test: such a pain was lost)
                ),
            )
            for done in tick.exercises
        ]
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="exercise.log",
            entity="exercise_log",
            entity_id=row.id,
            walker_id=walker.id,
            detail={
                "exercises": {e.exercise_key: e.sets_done for e in entries},
                "local_date": row.local_date.isoformat(),
            },
        )
        return _log_out(row, entries, True)


def _week(
    start: date, logs: list[ExerciseLog], entries: dict[int, list[ExerciseLogEntry]], on: list[str]
) -> AdherenceWeek:
    in_week = [log for log in logs if start <= log.local_date < start + timedelta(weeks=1)]
    rows = []
    for key in on:
        dose = EXERCISES[key].dose
        done = [(log, e) for log in in_week for e in entries[log.id] if e.exercise_key == key]
        days = {log.local_date for log, e in done if e.sets_done > 0}
        pains = [e.pain_nprs for _, e in done if e.pain_nprs is not None]
        rows.append(
            ExerciseWeek(
                exercise_key=key,
                days_done=len(days),
                days_planned=dose.sessions_per_week,
                sets_done=sum(e.sets_done for _, e in done),
                sets_planned=dose.sets * dose.sessions_per_week,
                pain_peak_nprs=max(pains) if pains else None,
            )
        )
    any_day = {log.local_date for log in in_week if any(e.sets_done > 0 for e in entries[log.id])}
    return AdherenceWeek(
        week_start=start,
        days_done=len(any_day),
        days_planned=max((r.days_planned for r in rows), default=0),
        sets_done=sum(r.sets_done for r in rows),
        sets_planned=sum(r.sets_planned for r in rows),
        exercises=tuple(rows),
    )


def _adherence(tx: Session, walker: Walker, today: date, weeks: int) -> list[AdherenceWeek]:
    on = [item.key for item in programme_of(tx, walker).items if item.enabled]
    monday = today - timedelta(days=today.weekday())
    joined = local_date(walker.created_at, walker.timezone)
    earliest = monday - timedelta(weeks=weeks - 1)
    first = min(monday, max(earliest, joined - timedelta(days=joined.weekday())))
    logs = records.logs_between(tx, walker.id, first, today)
    entries = records.entries(tx, [log.id for log in logs])
    count = (monday - first).days // 7 + 1
    return [_week(first + timedelta(weeks=i), logs, entries, on) for i in range(count)]


def exercise_adherence(
    ctx: AppContext, actor: Actor, walker_id: int, *, weeks: int = 4
) -> AdherenceOut:
    """Done against planned for the last ``weeks`` calendar weeks, this week last, from the
    week she was enrolled at the earliest (the walker herself, her clinician or an admin)."""
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= WEEKS_MAX:
        raise InvalidRequest(
            f"weeks: {weeks!r} is not allowed; a whole number from 1 to {WEEKS_MAX}.",
            field="weeks",
        )
    at = ctx.now()
    with ctx.db.reader() as tx:
        walker = walker_for(tx, actor, walker_id)
        today = local_date(at, walker.timezone)
        return AdherenceOut(walker_id=walker.id, weeks=tuple(_adherence(tx, walker, today, weeks)))
