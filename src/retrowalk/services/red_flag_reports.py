"""A red flag reported at any time (RULES.md §7.7), not only at the next morning's check-in.

The morning check-in asks whether calf pain or swelling, a hot swollen knee, the knee locking,
giving way or being unable to bear weight is new since the last session. A sign that appears
the evening after a session, or on a day without one, must not wait for the next check-in:
the walker reports it here, from the web, the API or the terminal. It is stored as a record of
its own, audited in the same transaction (which raises the walker's record version, so every
kept record and flag is read afresh), and a flag sets the same stop-and-refer restriction as
one reported at the check-in, with the same words and what to do. "None of these" is kept
too: it answers the questions a check-in decided without its report left unasked
(:mod:`.pending_checkins`), and it never lifts anything — only a clinician's recorded
clearance does (§7.1).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from retrowalk.services.access import walker_for
from retrowalk.services.clock import local_date, utc_now
from retrowalk.services.context import AppContext
from retrowalk.services.convert import red_flag_report_out
from retrowalk.services.errors import Conflict, InvalidRequest, parse
from retrowalk.services.key_digest import key_digest, same_values
from retrowalk.services.policies import policy_in
from retrowalk.services.record_dates import check_since_enrolment, check_when
from retrowalk.services.restrictions import active_out, record_added, restrictions_of
from retrowalk.services.schemas import Actor, RedFlagReportIn, RedFlagReportOut, Role
from retrowalk.services.stored_once import stored_once
from retrowalk.store import client_keys
from retrowalk.store import repositories as repo
from retrowalk.store.models import Account, RedFlagReport, Walker

ENTITY = "red_flag_report"
ACTION = "red_flag_report.record"
WHAT = "a red-flag report"

KEPT_WITHOUT_CHECKIN = (
    "What you ticked about warning signs is kept all the same, and your clinician can see "
    "it: {title}. {what_to_do}"
)


class RedFlagsKeptWithoutCheckin(Conflict):
    """A morning check-in that could not be stored (decided meanwhile without its report,
    already given in another tab, not open yet, no session) but named red flags: they are
    kept as a red-flag report of their own, so a warning sign is never dropped (RULES.md
    §7.7: it may be reported at any time). ``report`` is what was stored (web: 409, with the
    stop-and-refer words in the sentence)."""

    def __init__(self, refused: Conflict, report: RedFlagReportOut) -> None:
        stop = next((r for r in report.restrictions if r.kind.value == "red_flag"), None)
        kept = KEPT_WITHOUT_CHECKIN.format(
            title=stop.title if stop is not None else "a warning sign",
            what_to_do=" ".join(stop.what_to_do) if stop is not None else "",
        ).strip()
        super().__init__(f"{refused} {kept}")
        self.refused = refused
        self.report = report


def report_red_flags(
    ctx: AppContext,
    actor: Actor,
    walker_id: int,
    data: RedFlagReportIn | dict[str, object],
) -> RedFlagReportOut:
    """Record which red flags are new (empty: none of them) and add the restriction they set.

    For a walker the server's clock says when (``at`` is refused: a report is "now"); a
    clinician or the terminal, writing down what the walker said on the phone, may give an
    earlier ``at`` as for any record (:func:`~.record_dates.check_when`), never a later one
    than now, nor one before the day she was enrolled.

    With a ``client_key`` (every page form has one) the same answer sent twice is stored
    once: the first report comes back with ``created`` false and today's restrictions; the
    same key with other flags (or another ``at``) is refused (:class:`~.errors.KeyReused`)."""
    report_in = parse(RedFlagReportIn, data)
    key = report_in.client_key
    digest = key_digest(report_in)
    return stored_once(
        ctx.db,
        key,
        lambda: _report(ctx, actor, walker_id, report_in, digest),
        lambda tx: _first(tx, walker_for(tx, actor, walker_id), key, digest) if key else None,
    )


def _first(tx: Session, walker: Walker, client_key: str, digest: str) -> RedFlagReportOut | None:
    """The report stored under ``client_key`` (and the restrictions active now), or None;
    refused when it was sent with other values than ``digest``."""
    row = client_keys.by_client_key(tx, RedFlagReport, walker.id, client_key)
    if row is None:
        return None
    same_values(row.client_key_digest, digest, "red-flag report")
    by = repo.get(tx, Account, row.recorded_by)
    _, policy = policy_in(tx)
    return red_flag_report_out(row, by.role if by is not None else None).model_copy(
        update={
            "restrictions": active_out(tx, restrictions_of(tx, walker, policy)),
            "created": False,
        }
    )


def _report(
    ctx: AppContext, actor: Actor, walker_id: int, report_in: RedFlagReportIn, digest: str
) -> RedFlagReportOut:
    clock = ctx.now()
    if report_in.at is not None and actor.role is Role.WALKER:
        raise InvalidRequest(
            "at: your answer is recorded at the moment you send it; leave the time out.",
            field="at",
        )
    at = utc_now(report_in.at) if report_in.at is not None else clock
    flags = list(dict.fromkeys(report_in.new_red_flags))
    with ctx.db.transaction() as tx:
        walker = walker_for(tx, actor, walker_id)
        if report_in.client_key is not None:
            first = _first(tx, walker, report_in.client_key, digest)
            if first is not None:
                return first
        _, policy = policy_in(tx)
        check_when(actor, at, clock, "at", WHAT, policy)
        check_since_enrolment(walker, at, "at", WHAT)
        before = restrictions_of(tx, walker, policy)
        row = repo.add(
            tx,
            RedFlagReport(
                walker_id=walker.id,
                created_at=at,
                local_date=local_date(at, walker.timezone),
                red_flags=flags,
                recorded_by=actor.account_id,
                client_key=report_in.client_key,
                client_key_digest=digest if report_in.client_key else None,
            ),
        )
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action=ACTION,
            entity=ENTITY,
            entity_id=row.id,
            walker_id=walker.id,
            detail={"red_flags": flags},
        )
        after = record_added(
            tx, actor, walker, before, policy=policy, entity=ENTITY, entity_id=row.id, at=at
        )
        return RedFlagReportOut(
            id=row.id,
            walker_id=walker.id,
            created_at=row.created_at,
            local_date=row.local_date,
            new_red_flags=tuple(flags),
            restrictions=active_out(tx, after),
            recorded_by_role=actor.role,
        )
