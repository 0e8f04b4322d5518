"""Screening a walker (PAR-Q, knee red flags, STEADI and the §7.6 questions) — decided by
clinical/. Every screening is kept; what it restricts is computed from all of them together,
so a later screening with other answers can add a restriction, never remove one (RULES §7.1).
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from retrowalk.clinical.prescription import RULE_VERSION
from retrowalk.clinical.restriction_models import RestrictionKind, Restrictions
from retrowalk.clinical.screening import ScreeningAnswers, ScreeningOutcome, screen
from retrowalk.services.access import walker_for
from retrowalk.services.context import AppContext
from retrowalk.services.convert import screening_out
from retrowalk.services.errors import parse
from retrowalk.services.policies import policy_in
from retrowalk.services.restrictions import active_out, record_added, restrictions_of
from retrowalk.services.schemas import Actor, ScreeningIn, ScreeningOut
from retrowalk.store import client_keys
from retrowalk.store import repositories as repo
from retrowalk.store.models import Screening, Walker


def screen_walker(
    ctx: AppContext,
    actor: Actor,
    walker_id: int,
    data: ScreeningIn | dict[str, object],
) -> ScreeningOut:
    """Run the clinical screening on the walker's answers and store answers and result.

    With a ``client_key`` (every page form has one) the same answers sent twice are stored
    once: the first screening comes back with ``created`` false and today's restrictions."""
    answers_in = parse(ScreeningIn, data)
    try:
        return _screen(ctx, actor, walker_id, answers_in)
    except IntegrityError:
        # Two copies raced and the other committed first: it is the screening.
        if answers_in.client_key is None:
            raise
        with ctx.db.reader() as tx:
            walker = walker_for(tx, actor, walker_id)
            first = _first(tx, walker, answers_in.client_key)
            if first is None:
                raise
            return first


def _first(tx: Session, walker: Walker, client_key: str) -> ScreeningOut | None:
    """The screening stored under ``client_key`` (and the restrictions active now), or None."""
    row = client_keys.by_client_key(tx, Screening, walker.id, client_key)
    if row is None:
        return None
    _, policy = policy_in(tx)
    restrictions = active_out(tx, restrictions_of(tx, walker, policy))
    return screening_out(row).model_copy(update={"restrictions": restrictions, "created": False})


def _screen(ctx: AppContext, actor: Actor, walker_id: int, answers_in: ScreeningIn) -> ScreeningOut:
    at = ctx.now()
    with ctx.db.transaction() as tx:
        walker = walker_for(tx, actor, walker_id)
        if answers_in.client_key is not None:
            first = _first(tx, walker, answers_in.client_key)
            if first is not None:
                return first
        _, policy = policy_in(tx)
        answers = ScreeningAnswers(
            age_years=walker.age_years,
            used_to_activity=answers_in.used_to_activity,
            parq=answers_in.parq,
            red_flags=frozenset(answers_in.red_flags),
            steadi=answers_in.steadi,
            fever_or_unwell=answers_in.fever_or_unwell,
            uses_walking_aid=answers_in.uses_walking_aid,
            takes_anticoagulant=answers_in.takes_anticoagulant,
            recent_knee_surgery=answers_in.recent_knee_surgery,
        )
        result = screen(answers, policy)
        before = restrictions_of(tx, walker, policy)
        row = repo.add(
            tx,
            Screening(
                walker_id=walker.id,
                created_at=at,
                outcome=result.outcome.value,
                clearance_required=result.outcome is ScreeningOutcome.CLEARANCE_REQUIRED,
                answers_json=answers.model_dump(mode="json"),
                result_json=result.model_dump(mode="json"),
                rule_version=RULE_VERSION,
                recorded_by=actor.account_id,
                client_key=answers_in.client_key,
            ),
        )
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="screening.record",
            entity="screening",
            entity_id=row.id,
            walker_id=walker.id,
            detail={"outcome": row.outcome},
        )
        restrictions = record_added(
            tx, actor, walker, before, policy=policy, entity="screening", entity_id=row.id, at=at
        )
        standing = _standing(result.outcome, restrictions)
        row.outcome = standing.value
        row.clearance_required = standing is ScreeningOutcome.CLEARANCE_REQUIRED
        return screening_out(row).model_copy(update={"restrictions": active_out(tx, restrictions)})


def _standing(answered: ScreeningOutcome, restrictions: Restrictions) -> ScreeningOutcome:
    """The outcome as it stands after this screening: these answers, and every restriction
    still active (re-screening only adds, RULES.md §7.1). Answering "no" to a red flag reported
    before does not make the walker "cleared" while the red flag waits for a clinician."""
    if answered is ScreeningOutcome.STOP_AND_REFER or restrictions.of(RestrictionKind.RED_FLAG):
        return ScreeningOutcome.STOP_AND_REFER
    if answered is ScreeningOutcome.CLEARANCE_REQUIRED or restrictions.of(
        RestrictionKind.CLEARANCE_REQUIRED
    ):
        return ScreeningOutcome.CLEARANCE_REQUIRED
    return answered
