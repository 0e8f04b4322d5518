"""Screening a walker (PAR-Q, knee red flags, STEADI and the §7.6 questions) — decided by
clinical/. Every screening is kept; what it restricts is computed from all of them together,
so a later screening with other answers can add a restriction, never remove one (RULES §7.1).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from retrowalk.clinical.prescription import RULE_VERSION
from retrowalk.clinical.restriction_models import RestrictionKind
from retrowalk.clinical.restrictions import screening_as_it_stands
from retrowalk.clinical.screening import ScreeningAnswers, ScreeningOutcome, screen
from retrowalk.services.access import walker_for
from retrowalk.services.context import AppContext
from retrowalk.services.convert import screening_out
from retrowalk.services.errors import parse
from retrowalk.services.key_digest import key_digest, same_values
from retrowalk.services.policies import policy_in
from retrowalk.services.restrictions import active_out, record_added, restrictions_of
from retrowalk.services.schemas import Actor, ScreeningIn, ScreeningOut
from retrowalk.services.stored_once import stored_once
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
    once: the first screening comes back with ``created`` false and today's restrictions;
    the same key with other answers is refused (:class:`~.errors.KeyReused`)."""
    answers_in = parse(ScreeningIn, data)
    key = answers_in.client_key
    digest = key_digest(answers_in)
    return stored_once(
        ctx.db,
        key,
        lambda: _screen(ctx, actor, walker_id, answers_in, digest),
        lambda tx: _first(tx, walker_for(tx, actor, walker_id), key, digest) if key else None,
    )


def _first(tx: Session, walker: Walker, client_key: str, digest: str) -> ScreeningOut | None:
    """The screening stored under ``client_key`` (and the restrictions active now), or None;
    refused when it was sent with other answers than ``digest``."""
    row = client_keys.by_client_key(tx, Screening, walker.id, client_key)
    if row is None:
        return None
    same_values(row.client_key_digest, digest, "screening")
    _, policy = policy_in(tx)
    restrictions = active_out(tx, restrictions_of(tx, walker, policy))
    return screening_out(row).model_copy(update={"restrictions": restrictions, "created": False})


def _screen(
    ctx: AppContext, actor: Actor, walker_id: int, answers_in: ScreeningIn, digest: str
) -> ScreeningOut:
    at = ctx.now()
    with ctx.db.transaction() as tx:
        walker = walker_for(tx, actor, walker_id)
        if answers_in.client_key is not None:
            first = _first(tx, walker, answers_in.client_key, digest)
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
        answered = screen(answers, policy)
        before = restrictions_of(tx, walker, policy)
        row = repo.add(
            tx,
            Screening(
                walker_id=walker.id,
                created_at=at,
                outcome=answered.outcome.value,
                clearance_required=answered.outcome is ScreeningOutcome.CLEARANCE_REQUIRED,
                answers_json=answers.model_dump(mode="json"),
                result_json=answered.model_dump(mode="json"),
                rule_version=RULE_VERSION,
                recorded_by=actor.account_id,
                client_key=answers_in.client_key,
                client_key_digest=digest if answers_in.client_key else None,
            ),
        )
        # The result stored, shown and audited is the walker's standing after this screening:
        # these answers and every restriction still open (a red flag reported before is not
        # "cleared" by answering no now, RULES.md §7.1); ``answered_outcome`` keeps the rest.
        result = screening_as_it_stands(answered, restrictions_of(tx, walker, policy))
        row.outcome = result.outcome.value
        row.clearance_required = result.outcome is ScreeningOutcome.CLEARANCE_REQUIRED
        row.result_json = result.model_dump(mode="json")
        detail: dict[str, object] = {"outcome": row.outcome}
        if result.answered_outcome is not None:
            detail["these_answers"] = result.answered_outcome.value
            detail["still_open"] = [
                r.kind.value
                for r in before.active
                if r.kind in (RestrictionKind.RED_FLAG, RestrictionKind.CLEARANCE_REQUIRED)
            ]
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="screening.record",
            entity="screening",
            entity_id=row.id,
            walker_id=walker.id,
            detail=detail,
        )
        restrictions = record_added(
            tx, actor, walker, before, policy=policy, entity="screening", entity_id=row.id, at=at
        )
        return screening_out(row).model_copy(update={"restrictions": active_out(tx, restrictions)})
