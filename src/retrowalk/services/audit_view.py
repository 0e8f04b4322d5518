"""The clinician's audit view: who changed what in a walker's record, and when.

Read from the append-only audit log, which every use case writes in the same transaction as
its change. Only the walker's own clinician (or an administrator) may read it. Filters: an
action or its kind (``session``, ``checkin.progress``), who did it, and a date range (UTC
dates, both ends included); newest first, a page at a time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta

from retrowalk.services.access import staff_walker_for
from retrowalk.services.context import AppContext
from retrowalk.services.errors import parse
from retrowalk.services.record_names import RECORD_NAMES, record_name, record_noun
from retrowalk.services.schemas import Actor, AuditEntryOut, AuditFilter, AuditPage, AuditPerson
from retrowalk.store import audit_queries
from retrowalk.store import repositories as repo
from retrowalk.store.models import Account, AuditEntry

ACTION_WORDS: dict[str, str] = {
    "walker.enrol": "enrolled the walker",
    "walker.reassign": "moved the walker to another clinician",
    "walker.set_timezone": "changed the walker's time zone",
    "invitation.create": "sent an invitation",
    "invitation.reissue": "sent the invitation again",
    "invitation.withdraw": "withdrew the invitation",
    "invitation.accept": "created their account from the invitation",
    "account.create": "created the account",
    "screening.record": "answered the safety screening",
    "assessment.record": "recorded the baseline tests",
    "prescription.start": "made the starting plan",
    "prescription.step_back": "stepped the plan back after a break",
    "prescription.adjust": "changed the plan",
    "prescription.reassess": "updated the plan after a reassessment",
    "session.log": "logged a session",
    "session.outside_supervision": "logged a session without the supervision the plan asks for",
    "session.adverse_events_added": "added what went wrong to a logged session",
    "checkin.missing_report": "decided without a next-morning report",
    "red_flag_report.record": "answered the questions about warning signs (red flags)",
    "note.add": "added a note",
    "account.change_password": "changed their password",
    "account.reset_password": "set a new password with a password link",
    "account.set_password": "set the password",
    "reset_link.create": "made a password link",
    "calendar.create": "made a private calendar link",
    "calendar.renew": "made a new calendar link (the old one stopped working)",
    "recording.attach": "added a movement recording to a session",
    "recording.research_export": "exported a recording for research (walker's consent)",
    "exercise.log": "ticked the strengthening exercises done",
    "exercise.switch_on": "switched a strengthening exercise on",
    "exercise.switch_off": "switched a strengthening exercise off",
}
"""Actions in words; an action not listed is shown by the kind of record it is about and the
rest of its code ("Check-in: progress", see :func:`action_words`)."""
FROM_RECORD = "restriction.add"
"""The entry written when a record added a restriction: its words name that record."""


def action_words(action: str, entity: str | None = None) -> str:
    """``session.log`` → "logged a session"; ``checkin.progress`` → "Check-in: progress";
    ``restriction.add`` of a check-in → "a restriction followed from this check-in".

    ``entity``: the kind of record the entry is about (the filter list has only the action).
    Every kind is named from :data:`~retrowalk.services.record_names.RECORD_NAMES`, never by
    its code."""
    if action == FROM_RECORD:
        where = record_noun(entity) if entity is not None and entity in RECORD_NAMES else "record"
        return f"a restriction followed from this {where}"
    if action in ACTION_WORDS:
        return ACTION_WORDS[action]
    kind, _, rest = action.partition(".")
    named = kind if kind in RECORD_NAMES or entity is None else entity
    head = record_name(named)
    return f"{head}: {rest.replace('_', ' ')}" if rest else head


def _entry(row: AuditEntry, actor: Account | None) -> AuditEntryOut:
    return AuditEntryOut(
        id=row.id,
        at=row.at,
        actor_account_id=row.actor_account_id,
        actor_name=actor.display_name if actor is not None else "retrowalk",
        actor_role=row.actor_role,
        action=row.action,
        what=action_words(row.action, row.entity),
        record=record_name(row.entity),
        entity=row.entity,
        entity_id=row.entity_id,
        detail=dict(row.detail_json or {}),
    )


def walker_audit(
    ctx: AppContext,
    actor: Actor,
    walker_id: int,
    filters: AuditFilter | Mapping[str, object] | None = None,
) -> AuditPage:
    """A page of ``walker_id``'s audit trail (their clinician or an administrator only)."""
    chosen = parse(AuditFilter, filters or {})
    since = datetime.combine(chosen.since, time(), UTC) if chosen.since else None
    before = (
        datetime.combine(chosen.until + timedelta(days=1), time(), UTC) if chosen.until else None
    )
    with ctx.db.reader() as tx:
        walker = staff_walker_for(tx, actor, walker_id)
        account = repo.get(tx, Account, walker.account_id)
        rows, total = audit_queries.walker_audit(
            tx,
            walker.id,
            action=chosen.action or None,
            actor_account_id=chosen.actor_account_id,
            since=since,
            before=before,
            limit=chosen.limit,
            offset=chosen.offset,
        )
        actions, people = audit_queries.walker_audit_choices(tx, walker.id)
        return AuditPage(
            walker_id=walker.id,
            walker_name=account.display_name if account is not None else "",
            entries=tuple(_entry(row, who) for row, who in rows),
            total=total,
            actions=tuple(actions),
            people=tuple(AuditPerson(account_id=i, name=n, role=r) for i, n, r in people),
        )
