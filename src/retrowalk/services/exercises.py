"""A walker's strengthening programme, and the clinician's switches of its exercises.

The programme follows the knee condition stored on the walker
(:func:`retrowalk.clinical.exercises.programme_for`); a clinician of that walker may switch
any of its exercises off (and on again), with an optional reason, audited in the same
transaction. A switch names an exercise of *her* programme: another key is refused with the
keys that are allowed, never stored.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from retrowalk.clinical.exercises import EXERCISES, Programme, programme_for
from retrowalk.services.access import staff_walker_for, walker_for
from retrowalk.services.context import AppContext
from retrowalk.services.errors import InvalidRequest, parse
from retrowalk.services.schemas import Actor
from retrowalk.services.schemas.exercises import (
    ExerciseSwitchIn,
    ProgrammeItemOut,
    ProgrammeOut,
)
from retrowalk.store import exercise_records as records
from retrowalk.store import repositories as repo
from retrowalk.store.models import Account, Walker, WalkerExercise


def _programme_out(tx: Session, walker: Walker) -> ProgrammeOut:
    programme = programme_for(walker.knee_condition)
    switched = records.switches(tx, walker.id)
    names: dict[int, str] = {}
    items = []
    for key in programme.exercises:
        exercise = EXERCISES[key]
        row = switched.get(key)
        if row is not None and row.changed_by not in names:
            account = repo.get(tx, Account, row.changed_by)
            names[row.changed_by] = account.display_name if account else "a clinician"
        items.append(
            ProgrammeItemOut(
                key=key,
                enabled=row.enabled if row is not None else True,
                exercise=exercise,
                home_alternative=EXERCISES.get(exercise.home_alternative or ""),
                changed_at=row.changed_at if row is not None else None,
                changed_by_name=names[row.changed_by] if row is not None else None,
                reason=row.reason if row is not None else None,
            )
        )
    return ProgrammeOut(
        walker_id=walker.id,
        condition=programme.condition,
        programme=programme.key,
        title=programme.title,
        basis=programme.basis,
        dose_basis=programme.dose_basis,
        policy=programme.policy,
        sources=programme.sources,
        items=tuple(items),
    )


def programme_of(tx: Session, walker: Walker) -> ProgrammeOut:
    """The walker's programme inside the caller's transaction (for the tick and adherence)."""
    return _programme_out(tx, walker)


def check_in_programme(programme: Programme, field: str, key: str) -> None:
    """Refuse ``key`` unless it is an exercise of ``programme``, naming those that are."""
    if key not in programme.exercises:
        raise InvalidRequest(
            f"{field}: {key!r} is not an exercise of this walker's programme; the exercises "
            f"are {', '.join(programme.exercises)}.",
            field=field,
        )


def walker_programme(ctx: AppContext, actor: Actor, walker_id: int) -> ProgrammeOut:
    """The walker's programme with each exercise on or off (the walker herself, her
    clinician or an admin)."""
    with ctx.db.reader() as tx:
        walker = walker_for(tx, actor, walker_id)
        return _programme_out(tx, walker)


def switch_exercise(
    ctx: AppContext,
    actor: Actor,
    walker_id: int,
    data: ExerciseSwitchIn | dict[str, object],
) -> ProgrammeOut:
    """Switch one exercise of the walker's programme on or off (her clinician or an admin);
    audited with the value before and after, at the server's time."""
    switch = parse(ExerciseSwitchIn, data)
    at = ctx.now()
    with ctx.db.transaction() as tx:
        walker = staff_walker_for(tx, actor, walker_id)
        programme = programme_for(walker.knee_condition)
        check_in_programme(programme, "exercise_key", switch.exercise_key)
        row = records.switches(tx, walker.id).get(switch.exercise_key)
        before = row.enabled if row is not None else True
        if row is None:
            row = repo.add(
                tx,
                WalkerExercise(
                    walker_id=walker.id,
                    exercise_key=switch.exercise_key,
                    enabled=switch.enabled,
                    changed_at=at,
                    changed_by=actor.account_id,
                    reason=switch.reason,
                ),
            )
        else:
            row.enabled = switch.enabled
            row.changed_at = at
            row.changed_by = actor.account_id
            row.reason = switch.reason
            tx.flush()
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="exercise.switch_on" if switch.enabled else "exercise.switch_off",
            entity="walker_exercise",
            entity_id=row.id,
            walker_id=walker.id,
            detail={
                "exercise_key": switch.exercise_key,
                "enabled_before": before,
                "enabled": switch.enabled,
                "reason": switch.reason,
            },
        )
        return _programme_out(tx, walker)
