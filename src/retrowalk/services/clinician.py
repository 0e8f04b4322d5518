"""What only a walker's clinician (or an admin) does: clear, adjust, annotate, and the list.

Clearance and adjustment change the plan through the clinical rules
(``clinician_clear``, ``clinician_review``, ``clinician_adjust``), each stored as a new
version with the clinician's reason. The walker list's flags are computed here from storage.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import Row
from sqlalchemy.orm import Session

from retrowalk.clinical.clearance import apply_clearance
from retrowalk.clinical.clinician_changes import ADJUSTABLE, clinician_adjust
from retrowalk.clinical.errors import ClinicalError
from retrowalk.clinical.exercises import EXERCISES
from retrowalk.clinical.norms import NPRS_MAX
from retrowalk.clinical.pain_monitoring import PAIN_ACCEPTABLE_MAX_NPRS
from retrowalk.clinical.policy import PolicyConfig
from retrowalk.clinical.policy_timeline import PolicyTimeline
from retrowalk.clinical.prescription import Prescription, SpeedSource, speed_for_surface
from retrowalk.clinical.reasons import spoken_date
from retrowalk.clinical.reassessment import reassessment_due
from retrowalk.clinical.restriction_models import (
    Restriction,
    RestrictionKind,
    Restrictions,
    Trigger,
)
from retrowalk.clinical.restrictions import active_restrictions
from retrowalk.clinical.speed_override import (
    SPEED_OVERRIDE_CODE,
    above_policy_speed,
    crosses_speed_tests,
    no_speed_test_words,
    policy_speed_max_m_s,
    source_of,
    speed_on_new_surface,
    speed_override_reason,
    speed_words,
    untested_speed_words,
)
from retrowalk.clinical.surfaces import Surface, describe_surfaces
from retrowalk.services.access import check_actor, staff_walker_for, walker_name
from retrowalk.services.clock import local_date
from retrowalk.services.context import AppContext
from retrowalk.services.convert import clearance_out, note_out, walker_out
from retrowalk.services.errors import (
    AccessDenied,
    Conflict,
    FieldProblem,
    InvalidRequest,
    ProblemKind,
    ServiceError,
    parse,
)
from retrowalk.services.flag_cache import FlagCache, KeptRecord, Stamp
from retrowalk.services.key_digest import key_digest, same_values
from retrowalk.services.plans import (
    clinical_prescription,
    measured_speeds,
    plan_as_held,
    store_prescription,
)
from retrowalk.services.policies import policy_in, policy_timeline
from retrowalk.services.record_names import record_name
from retrowalk.services.restrictions import (
    UNREADABLE_ERRORS,
    _Names,
    active_out,
    plain_rows,
    restrictions_of,
    walker_records,
)
from retrowalk.services.schemas import (
    FLAG_OF_RESTRICTION,
    Actor,
    AdjustmentIn,
    ClearanceIn,
    ClearanceOut,
    Decision,
    Flag,
    NoteIn,
    NoteOut,
    PrescriptionOut,
    RestrictionOut,
    Role,
    WalkerFlags,
)
from retrowalk.services.sessions import (
    above_plan,
    load_words,
    off_safe_surface,
    stored_against,
    walked_speed_m_s,
)
from retrowalk.services.stored_once import stored_once
from retrowalk.store import client_keys, exercise_records
from retrowalk.store import repositories as repo
from retrowalk.store.models import Clearance, ClinicianNote, Walker
from retrowalk.store.models import Prescription as PrescriptionRow

logger = logging.getLogger(__name__)


REFUSED = (ServiceError, ClinicalError)
"""What a clearance or an adjustment refuses: sent twice at once, the second copy may read the
first's change and refuse it (:func:`~retrowalk.services.stored_once.stored_once`)."""


def clear_walker(
    ctx: AppContext,
    actor: Actor,
    walker_id: int,
    data: ClearanceIn | dict[str, object],
) -> ClearanceOut:
    """Lift exactly the restriction named (RULES.md §7.1), with the clinician's reason.

    Refused (``Conflict``, with the sentence) when no restriction of that kind is active, or
    when fall risk cannot be lifted yet (no low-risk reassessment newer than what set it,
    §7.4). When a plan exists its next version carries the clearance (``clinical.clearance``).

    With a ``client_key`` (every page form has one) the same clearance sent twice — a double
    click, the browser sending the form again, two workers at once — is stored once: the
    first comes back with ``created`` false, never "no active restriction to clear". The
    same key with another scope or reason is refused (:class:`~.errors.KeyReused`).
    """
    clearance = parse(ClearanceIn, data)
    key = clearance.client_key
    digest = key_digest(clearance)

    def first(tx: Session) -> ClearanceOut | None:
        walker = staff_walker_for(tx, actor, walker_id)
        return _clearance_under(tx, actor, walker, key, digest)

    return stored_once(
        ctx.db,
        key,
        lambda: _clear_walker(ctx, actor, walker_id, clearance, digest),
        first,
        refused=REFUSED,
    )


def _clearance_under(
    tx: Session, actor: Actor, walker: Walker, key: str | None, digest: str
) -> ClearanceOut | None:
    """The walker's clearance stored under ``key``, as a replay answers it (None: none), with
    what it lifted (a program retrying after a lost answer learns it as the first answer
    said); refused when it is another person's, or was sent with other values."""
    row = client_keys.by_client_key(tx, Clearance, walker.id, key) if key else None
    if row is None:
        return None
    _own_key(actor, row.cleared_by, "clearance")
    same_values(row.client_key_digest, digest, "clearance")
    _, policy = policy_in(tx)
    lifted = next(
        (g for g in restrictions_of(tx, walker, policy).lifted if g.clearance_id == row.id), None
    )
    lines = tuple(_lifted_line(t, walker) for t in lifted.triggers) if lifted else ()
    return clearance_out(row).model_copy(update={"created": False, "lifted": lines})


def _own_key(actor: Actor, made_by: int | None, what: str) -> None:
    """Refuse a one-time key another person's record of this walker was stored under: the
    key is unique per walker, so answering with that record would hand the sender someone
    else's {what} as if it were theirs, and store nothing of what they sent."""
    if made_by != actor.account_id:
        raise Conflict(
            f"client_key: another person's {what} for this walker was stored under this key; "
            "send yours with a key of its own."
        )


def _clear_walker(
    ctx: AppContext, actor: Actor, walker_id: int, clearance: ClearanceIn, digest: str
) -> ClearanceOut:
    at = ctx.now()
    kind = clearance.scope
    with ctx.db.transaction() as tx:
        walker = staff_walker_for(tx, actor, walker_id)
        replay = _clearance_under(tx, actor, walker, clearance.client_key, digest)
        if replay is not None:
            return replay
        _, policy = policy_in(tx)
        restriction = restrictions_of(tx, walker, policy).of(kind)
        if restriction is None:
            raise Conflict(
                f"{walker_name(tx, walker)} has no active restriction of the kind "
                f"{kind.value.replace('_', ' ')!r} to clear."
            )
        if not restriction.can_clear:
            raise Conflict(restriction.cannot_clear_because or "This cannot be cleared yet.")
        _refuse_unseen(tx, walker, restriction, clearance.seen_through)
        later = [t for t in restriction.triggers if t.at > at]
        if later:  # the terminal's --at: a clearance dated before what it would lift
            raise Conflict(
                f"at: a clearance cannot be dated before what it lifts ("
                f"{'; '.join(_lifted_line(t, walker) for t in later)}); give a later time."
            )
        row = repo.add(
            tx,
            Clearance(
                walker_id=walker.id,
                cleared_by=actor.account_id,
                created_at=at,
                scope=kind.value,
                reason=clearance.reason,
                client_key=clearance.client_key,
                # what she saw: a record that comes in before this commits stays active
                covers_seq=(
                    clearance.seen_through
                    if clearance.seen_through is not None
                    else restriction.seen_through
                ),
                client_key_digest=digest if clearance.client_key else None,
            ),
        )
        plan = repo.latest_prescription(tx, walker.id)
        if plan is not None:
            updated = apply_clearance(clinical_prescription(plan), kind, clearance.reason, policy)
            store_prescription(
                tx,
                walker,
                updated,
                decision=Decision.REVIEW
                if kind is RestrictionKind.ADVERSE_EVENT
                else Decision.CLEAR,
                reasons=updated.reasons[-1:],
                made_by=actor.account_id,
                at=at,
                effective_from=local_date(at, walker.timezone),
                decision_detail={"clearance_id": row.id, "restriction": kind.value},
            )
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action=f"clearance.{kind.value}",
            entity="clearance",
            entity_id=row.id,
            walker_id=walker.id,
            detail={
                "reason": clearance.reason,
                "lifted": [t.reasons[0].for_clinician for t in restriction.triggers if t.reasons],
            },
        )
        lifted = tuple(_lifted_line(t, walker) for t in restriction.triggers)
        return clearance_out(row).model_copy(update={"lifted": lifted})


def _refuse_unseen(
    tx: Session, walker: Walker, restriction: Restriction, seen_through: int | None
) -> None:
    """Refuse a clearance sent from a page that did not show every record behind the
    restriction: a warning sign reported while the clinician's page was open must be read
    before it is lifted, never lifted with the ones she read (found by the outside-in test).
    The clearance would not lift it anyway (``covers_seq``); refusing says so."""
    if seen_through is None:
        return
    unseen = [t for t in restriction.triggers if t.seq is not None and t.seq > seen_through]
    if not unseen:
        return
    lines = "; ".join(_lifted_line(t, walker) for t in unseen)
    raise Conflict(
        f"Nothing was cleared: since this restriction was read (the page shown), "
        f"{walker_name(tx, walker)} has a new record behind it — {lines}. Read it on the "
        "walker's page, then clear again if it is cleared too."
    )


def _lifted_line(trigger: Trigger, walker: Walker) -> str:
    """One record behind a restriction, as the clinician reads it: what, when (on the
    walker's own day), why."""
    words = trigger.clinician_words or tuple(r.for_clinician for r in trigger.reasons)
    when = spoken_date(local_date(trigger.at, walker.timezone))
    said = " ".join(words)
    what = f"{record_name(trigger.source.value)} of {when}"
    return f"{what}: {said}" if said else what


def adjust_prescription(
    ctx: AppContext,
    actor: Actor,
    walker_id: int,
    data: AdjustmentIn | dict[str, object],
) -> PrescriptionOut:
    """A clinician changes the current plan by hand, with a reason (checked by clinical/).

    The speed follows the surface (RULES.md §7.10: a treadmill plan takes its speed from the
    treadmill speed test, never from the 3-m walk; an overground plan from the 3-m walk).
    Moving the plan between the ground and a treadmill (``crosses_speed_tests``):

    - with the walker's newest test for the new surface, the plan's speed becomes that
      test's measured speed, never above the policy's starting ceiling (**policy**: a new
      surface starts again from its own test), and that test is the base of the speed's
      limit from then on; a speed the clinician gives instead is checked against that limit
      (above it: the usual confirmation);
    - without that test and without a speed given: refused (:class:`NoSpeedTest`, the
      sentence names the test needed); with a speed given, it is kept only when confirmed
      (:class:`SpeedNotConfirmed`), and the plan records the clinician as its speed's source
      (**policy**: the clinician's setting stands in for the missing test), which the walker
      reads on this version and every later one;
    - a later new speed on such a plan asks the confirmation again, until the test is done.

    The version's reasons say where the speed came from, in the walker's words. The audit
    entry and the version's decision keep the reason and only what changed, each as
    ``{"before": …, "after": …}`` (:func:`_adjustment_detail`).

    With a ``client_key`` (every page form has one) the same change sent twice is one
    version: the one it made comes back with ``created`` false (never "nothing to change",
    nor a second confirmation asked for a speed already confirmed); the same key with other
    values is refused (:class:`~.errors.KeyReused`).
    """
    adjustment = parse(AdjustmentIn, data)
    key = adjustment.client_key
    digest = key_digest(adjustment)

    def first(tx: Session) -> PrescriptionOut | None:
        walker = staff_walker_for(tx, actor, walker_id)
        return _version_under(tx, actor, walker, key, digest)

    return stored_once(
        ctx.db,
        key,
        lambda: _adjust_prescription(ctx, actor, walker_id, adjustment, digest),
        first,
        refused=REFUSED,
    )


def _version_under(
    tx: Session, actor: Actor, walker: Walker, key: str | None, digest: str
) -> PrescriptionOut | None:
    """The plan version an adjustment stored under ``key``, as a replay answers it (as it
    holds now, like the first answer); refused when it is another person's, or was sent
    with other values than ``digest``."""
    row = client_keys.by_client_key(tx, PrescriptionRow, walker.id, key) if key else None
    if row is None:
        return None
    _own_key(actor, row.made_by, "change to the plan")
    same_values(row.client_key_digest, digest, "change to the plan")
    held = plan_as_held(row, restrictions_of(tx, walker, policy_in(tx)[1]))
    return held.model_copy(update={"created": False})


def _adjust_prescription(
    ctx: AppContext, actor: Actor, walker_id: int, adjustment: AdjustmentIn, digest: str
) -> PrescriptionOut:
    at = ctx.now()
    with ctx.db.transaction() as tx:
        walker = staff_walker_for(tx, actor, walker_id)
        replay = _version_under(tx, actor, walker, adjustment.client_key, digest)
        if replay is not None:
            return replay
        plan = repo.latest_prescription(tx, walker.id)
        if plan is None:
            raise Conflict(
                f"{walker_name(tx, walker)} has no plan to adjust yet: make the plan first."
            )
        _, policy = policy_in(tx)
        restrictions = restrictions_of(tx, walker, policy)  # a plan's change changes none
        if adjustment.surface is not None:
            _surface_held(restrictions, adjustment.surface)
        current = clinical_prescription(plan)
        updated = clinician_adjust(
            current,
            adjustment.reason,
            duration_min=adjustment.duration_min,
            speed_m_s=adjustment.speed_m_s,
            incline_pct=adjustment.incline_pct,
            sessions_per_week=adjustment.sessions_per_week,
            surface=adjustment.surface,
        )
        updated = _speed_follows_surface(tx, walker, adjustment, current, updated, policy)
        _speed_meant(adjustment, current, updated, policy)
        override = speed_override_reason(updated, policy)
        if override is not None:  # RULES §7.10: the clinician's own setting, said as such
            updated = updated.model_copy(update={"reasons": (*updated.reasons, override)})
        detail = _adjustment_detail(adjustment, current, updated)
        row = store_prescription(
            tx,
            walker,
            updated,
            decision=Decision.ADJUST,
            reasons=updated.reasons[len(current.reasons) :],
            made_by=actor.account_id,
            at=at,
            effective_from=local_date(at, walker.timezone),
            decision_detail=detail,
        )
        row.client_key = adjustment.client_key  # written with the version, in its transaction
        row.client_key_digest = digest if adjustment.client_key else None
        if override is not None:
            key = "speed_above_policy" if override.code == SPEED_OVERRIDE_CODE else "speed_untested"
            detail = {**detail, key: override.message}
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="prescription.adjust",
            entity="prescription",
            entity_id=row.id,
            walker_id=walker.id,
            detail=detail,
        )
        # as every other answer words a plan: its supervision read with the restrictions
        return plan_as_held(row, restrictions)


SURFACE_HELD = (
    "While {restriction} is active, the plan's surface must be {allowed}: {chosen} is not "
    "one of them. Clear the restriction first (with its reassessment) to plan another surface."
)
"""RULES.md §7.1 and §7.3: the fall-risk restriction names the surfaces a session may use;
changing the plan's surface past it would lift part of it without a recorded clearance."""

SPEED_ABOVE_LIMIT = (
    "{speed} is above retrowalk's own limit for this walker, {most} (the highest starting "
    "speed, or {fraction:.0%} above the measured comfortable backward speed). If you mean this "
    "speed, confirm it; the walker will read that it is your own setting."
)
"""RULES.md §7.10: the clinician may override the policy's ceiling — on purpose, not by a
slip of the keys (found by the outside-in test: 9.5 m/s was stored without a question)."""


class SpeedNotConfirmed(InvalidRequest):
    """A new speed above the policy's limit, or on a surface without its speed test, sent
    without the clinician's confirmation: each front end says how to confirm (the form's
    box, ``confirm_speed``, ``--confirm-speed``)."""


class NoSpeedTest(InvalidRequest):
    """The plan moved to a surface whose speed test the walker has not done, with no speed of
    the clinician's own: the sentence names the test; each front end says how to give a
    speed instead (the form's speed box, ``speed_m_s``, ``--speed``)."""


def _surface_held(restrictions: Restrictions, surface: Surface) -> None:
    """Refuse a surface outside what an active restriction allows (``InvalidRequest``)."""
    for restriction in restrictions.active:
        if restriction.surfaces and surface not in restriction.surfaces:
            said = SURFACE_HELD.format(
                restriction=f"the {restriction.kind.value.replace('_', '-')} restriction",
                allowed=describe_surfaces(restriction.surfaces, for_clinician=True),
                chosen=describe_surfaces([surface], for_clinician=True),
            )
            raise InvalidRequest(said, problems=(_rule("surface", said, surface.value),))


def _speed_follows_surface(
    tx: Session,
    walker: Walker,
    adjustment: AdjustmentIn,
    current: Prescription,
    updated: Prescription,
    policy: PolicyConfig,
) -> Prescription:
    """``updated`` with the speed, its limit's base and its source that its surface allows
    (RULES.md §7.10; the behaviour is in :func:`adjust_prescription`'s docstring)."""
    given = adjustment.speed_m_s is not None
    moved = crosses_speed_tests(current.surface, updated.surface)
    untested_again = (
        source_of(current) is SpeedSource.CLINICIAN
        and given
        and updated.speed_m_s != current.speed_m_s
    )
    if not moved and not untested_again:
        return updated
    speeds = measured_speeds(tx, walker)
    if speed_for_surface(updated.surface, speeds) is None:
        name = walker_name(tx, walker)
        if adjustment.speed_m_s is None:
            said = no_speed_test_words(updated.surface, name)
            raise NoSpeedTest(said, problems=(_rule("surface", said, updated.surface.value),))
        if not adjustment.confirm_speed:
            said = untested_speed_words(updated.surface, name, adjustment.speed_m_s)
            raise SpeedNotConfirmed(
                said, problems=(_rule("speed_m_s", said, adjustment.speed_m_s),)
            )
    return speed_on_new_surface(updated, speeds, policy, speed_given=given)


def _speed_meant(
    adjustment: AdjustmentIn,
    current: Prescription,
    updated: Prescription,
    policy: PolicyConfig,
) -> None:
    """Refuse a NEW speed above the policy's limit unless the clinician confirmed it (a plan
    already above it, adjusted in another value, needs no second confirmation; a speed on a
    new limit's base, after a move to another surface, is new)."""
    if adjustment.speed_m_s is None or adjustment.confirm_speed:
        return
    same_base = updated.comfortable_speed_m_s == current.comfortable_speed_m_s
    if updated.speed_m_s == current.speed_m_s and same_base:
        return
    if not above_policy_speed(updated, policy):
        return
    most = policy_speed_max_m_s(updated, policy)
    speed, limit = speed_words(updated.speed_m_s), speed_words(most)
    if speed == limit:  # 0.845 against 0.84: both read "0.84 m/s" at two decimals
        speed, limit = f"{updated.speed_m_s:.3f} m/s", f"{most:.3f} m/s"
    said = SPEED_ABOVE_LIMIT.format(
        speed=speed,
        most=limit,
        fraction=policy.speed_ceiling_fraction_above_comfortable,
    )
    raise SpeedNotConfirmed(said, problems=(_rule("speed_m_s", said, updated.speed_m_s),))


def _rule(field: str, said: str, given: object) -> FieldProblem:
    """A rule's sentence for one field, with the value refused (a form shows the sentence
    beside the box; without the value it would read as an empty box)."""
    return FieldProblem(field=field, kind=ProblemKind.RULE, message=said, given=given)


CHANGES_KEPT = (*ADJUSTABLE, "comfortable_speed_m_s", "speed_source")
"""What an adjustment's audit entry compares, before and after: what the clinician may set,
and what follows from it (the speed limit's base and where the speed comes from)."""


def _adjustment_detail(
    adjustment: AdjustmentIn, current: Prescription, updated: Prescription
) -> dict[str, object]:
    """The reason and only what changed, ``{"before": …, "after": …}`` each (found by the
    outside-in test: "duration min: None" for every value left alone); the confirmation only
    when given (an unconfirmed adjustment says nothing of it)."""
    detail: dict[str, object] = {"reason": adjustment.reason}
    for name in CHANGES_KEPT:
        before: object = getattr(current, name)
        after: object = getattr(updated, name)
        if name == "speed_source":
            before, after = source_of(current), source_of(updated)
        if before != after:
            detail[name] = {"before": _plain(before), "after": _plain(after)}
    if adjustment.confirm_speed:
        detail["speed_confirmed"] = True
    return detail


def _plain(value: object) -> object:
    """A value as JSON keeps it (a code, not an enum)."""
    return value.value if isinstance(value, StrEnum) else value


def add_note(
    ctx: AppContext,
    actor: Actor,
    walker_id: int,
    data: NoteIn | dict[str, object],
) -> NoteOut:
    """A clinician's free-text note about a walker.

    With a ``client_key`` (every page form has one) the same note sent twice — a double
    tap, a browser sending the form again, two workers at once — is stored once: the first
    note comes back with ``created`` false (the key is unique per walker, written with it).
    The same key with another text — the form sent back after an edit, the browser keeping
    its key — is refused (:class:`~.errors.KeyReused`): the edit is never lost in silence.
    """
    note = parse(NoteIn, data)
    key = note.client_key
    digest = key_digest(note)

    def first(tx: Session) -> NoteOut | None:
        walker = staff_walker_for(tx, actor, walker_id)
        return _note_under(tx, actor, walker.id, key, digest)

    return stored_once(ctx.db, key, lambda: _add_note(ctx, actor, walker_id, note, digest), first)


def _note_under(
    tx: Session, actor: Actor, walker_id: int, key: str | None, digest: str
) -> NoteOut | None:
    """The walker's note stored under ``key``, as a replay answers it (None: none); refused
    when another person wrote it, or it was sent with other values than ``digest``."""
    row = client_keys.by_client_key(tx, ClinicianNote, walker_id, key) if key else None
    if row is None:
        return None
    _own_key(actor, row.author_id, "note")
    same_values(row.client_key_digest, digest, "note")
    return note_out(row).model_copy(update={"created": False})


def _add_note(ctx: AppContext, actor: Actor, walker_id: int, note: NoteIn, digest: str) -> NoteOut:
    at = ctx.now()
    with ctx.db.transaction() as tx:
        walker = staff_walker_for(tx, actor, walker_id)
        replay = _note_under(tx, actor, walker.id, note.client_key, digest)
        if replay is not None:
            return replay
        row = repo.add(
            tx,
            ClinicianNote(
                walker_id=walker.id,
                author_id=actor.account_id,
                created_at=at,
                text=note.text,
                client_key=note.client_key,
                client_key_digest=digest if note.client_key else None,
            ),
        )
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="note.add",
            entity="note",
            entity_id=row.id,
            walker_id=walker.id,
        )
        return note_out(row)


def _cached_flags(
    tx: Session,
    profiles: Sequence[Row[Any]],
    at: datetime,
    policy: PolicyConfig,
    cache: FlagCache,
) -> list[WalkerFlags]:
    """:func:`_flags` of these walkers (``repositories.walker_profiles`` rows), computed only
    for those whose record, policy, local date, profile or recorders' names changed since the
    cache last saw them (:mod:`~retrowalk.services.flag_cache`); the others' are those kept.
    Of those computed, the record is read (and the restrictions computed) only where the
    record, the policy or the profile changed: a new day recomputes only the date's part."""
    timeline = policy_timeline(tx)
    # The policy the records are read under is the timeline's newest, from the same read: on
    # PostgreSQL two statements could see a change between them (found in review).
    policy = timeline.current if timeline.versions else policy
    # Each profile row's columns read once (a row's attribute costs ten times an index).
    walkers = [(p.id, p.record_version, p.timezone, tuple(p)) for p in profiles]
    order = [walker_id for walker_id, _, _, _ in walkers]
    days = {zone: local_date(at, zone) for zone in {zone for _, _, zone, _ in walkers}}
    versions = len(timeline.versions)
    record_stamps: dict[int, Stamp] = {}
    stamps: dict[int, Stamp] = {}
    kept: dict[int, WalkerFlags] = {}
    for walker_id, version, zone, whole in walkers:
        record_stamps[walker_id] = (version, versions, whole)
        stamps[walker_id] = (version, versions, whole, days[zone])
        flags = cache.flags.get(walker_id, stamps[walker_id])
        if flags is not None:
            kept[walker_id] = flags
    recorders = repo.accounts_by_id(tx, {i for f in kept.values() for i, _ in _recorders(f)})
    names = {i: account.display_name for i, account in recorders.items()}
    for walker_id, flags in list(kept.items()):
        if any(names.get(i) != name for i, name in _recorders(flags)):
            del kept[walker_id]
    missing = [walker_id for walker_id in order if walker_id not in kept]
    if missing:
        records: dict[int, KeptRecord] = {}
        for walker_id in missing:
            record = cache.records.get(walker_id, record_stamps[walker_id])
            if record is not None:
                records[walker_id] = record
        unread = [i for i in missing if i not in records]
        if unread:
            summaries = repo.walker_summaries(tx, walker_ids=unread)
            for record in _records(tx, summaries, policy, timeline):
                records[record.walker.id] = record
                if record.restrictions is not None and record.walker.id in record_stamps:
                    cache.records.put(record.walker.id, record_stamps[record.walker.id], record)
        wanted = [records[i] for i in missing if i in records]
        for flags in _flags(tx, wanted, at, policy):
            kept[flags.walker.id] = flags
            if Flag.RECORD_UNREADABLE not in flags.flags and flags.walker.id in stamps:
                cache.flags.put(flags.walker.id, stamps[flags.walker.id], flags)
    return [kept[walker_id] for walker_id in order if walker_id in kept]


def _recorders(flags: WalkerFlags) -> list[tuple[int, str | None]]:
    """Who recorded the restrictions shown, with the name they are shown with."""
    return [
        (t.recorded_by, t.recorded_by_name)
        for r in flags.restrictions
        for t in r.triggers
        if t.recorded_by is not None
    ]


def _records(
    tx: Session,
    summaries: Sequence[repo.WalkerSummary],
    policy: PolicyConfig,
    timeline: PolicyTimeline,
) -> list[KeptRecord]:
    """What the flags need of these walkers' records that does not depend on the date: the
    active restrictions from each whole record (:func:`walker_records`, one query per kind of
    fact for all of them), and the profile and summary. A walker whose record cannot be read
    gets no restrictions (and is logged), never the others."""
    walkers = [s.walker for s in summaries]
    facts = walker_records(tx, walkers, policy)
    found: list[KeptRecord] = []
    for summary in summaries:
        walker = summary.walker
        restrictions: Restrictions | None = None
        fact = facts[walker.id]
        if isinstance(fact, Exception):
            logger.error("walker %s: flags could not be computed: %r", walker.id, fact)
        else:
            try:
                restrictions = active_restrictions(fact, timeline=timeline)
            except UNREADABLE_ERRORS:
                logger.exception("walker %s: flags could not be computed", walker.id)
        found.append(
            KeptRecord(
                walker=walker_out(walker, summary.account),
                last_session_on=summary.last_session_on,
                plan=summary.plan,
                first_plan_from=summary.first_plan_from,
                last_assessed_on=summary.last_assessed_on,
                screened=not isinstance(fact, Exception) and bool(fact.screenings),
                restrictions=restrictions,
            )
        )
    return found


class WindowSession(NamedTuple):
    """A session of the flag windows (``repositories.FLAG_SESSION_COLUMNS``, in order), as
    a plain tuple (:func:`~retrowalk.services.restrictions.plain_rows`: the flags read each
    session several times, and a column row's attribute costs ten times an index)."""

    id: int
    walker_id: int
    local_date: date
    pain_before_nprs: int
    pain_peak_nprs: int
    supervised: bool
    planned_supervised: bool | None
    surface: str
    planned_surface: str | None
    duration_min: float
    speed_m_s: float | None
    distance_m: float | None
    planned_duration_min: float | None
    planned_speed_m_s: float | None
    walked_against: list[Any] | None


class MorningReport(NamedTuple):
    """A session's morning pain report (``repositories.checkins_of_sessions_in_window``)."""

    session_id: int
    pain_nprs: int | None
    usual_pain_nprs: float | None


@dataclass
class _ListRules:
    """What the policy says for every walker of one list, worked out once per list rather
    than once per walker or per session (the windows; whether a surface pair left the safe
    surfaces, kept per pair as :func:`off_safe_surface` answers it)."""

    policy: PolicyConfig
    flag_window: timedelta
    missed_window: timedelta
    off_safe: dict[tuple[str, str | None], bool]

    @classmethod
    def of(cls, policy: PolicyConfig) -> _ListRules:
        return cls(
            policy=policy,
            flag_window=timedelta(days=policy.flag_window_days - 1),
            missed_window=timedelta(days=policy.missed_sessions_window_days - 1),
            off_safe={},
        )

    def off_safe_surface(self, walk: WindowSession) -> bool:
        """:func:`off_safe_surface` of this session's surfaces (asked once per pair)."""
        pair = (walk.surface, walk.planned_surface)
        found = self.off_safe.get(pair)
        if found is None:
            found = self.off_safe[pair] = off_safe_surface(
                walk.surface, walk.planned_surface, self.policy
            )
        return found


def _flags(
    tx: Session,
    records: Sequence[KeptRecord],
    at: datetime,
    policy: PolicyConfig,
) -> list[WalkerFlags]:
    """The flags of these walkers from their records (:func:`_records`) and the date, in the
    same few queries for one walker or a thousand: the sessions and check-ins of the flag
    window (and of the missed-sessions window) for all of them at once."""
    if not records:
        return []
    ids = [r.walker.id for r in records]
    days = {zone: local_date(at, zone) for zone in {r.walker.timezone for r in records}}
    today = {r.walker.id: days[r.walker.timezone] for r in records}
    rules = _ListRules.of(policy)
    window = rules.flag_window
    # The sessions of the flag window, and of the missed-sessions window if it is longer
    # (both are policy): each flag reads its own window of them.
    reach = timedelta(days=max(policy.flag_window_days, policy.missed_sessions_window_days) - 1)
    since, until = min(today.values()) - reach, max(today.values())
    recent: dict[int, list[WindowSession]] = defaultdict(list)
    reached = {day: day - reach for day in days.values()}
    for walk in plain_rows(repo.sessions_in_window(tx, ids, since, until), WindowSession):
        day = today[walk.walker_id]
        if reached[day] <= walk.local_date <= day:
            recent[walk.walker_id].append(walk)
    logged: dict[int, list[WindowSession]] = defaultdict(list)
    for walk in plain_rows(
        repo.sessions_logged_after(tx, ids, at - timedelta(days=policy.flag_window_days)),
        WindowSession,
    ):
        logged[walk.walker_id].append(walk)
    mornings = repo.checkins_of_sessions_in_window(tx, ids, since, until)
    by_session = {m.session_id: m for m in plain_rows(list(mornings.values()), MorningReport)}
    unasked = repo.red_flags_unasked_by_walker(tx, ids)
    painful: dict[int, list[Row[Any]]] = defaultdict(list)
    for tick in exercise_records.painful_exercises_in_window(
        tx, ids, since, until, PAIN_ACCEPTABLE_MAX_NPRS
    ):
        if today[tick.walker_id] - window <= tick.local_date <= today[tick.walker_id]:
            painful[tick.walker_id].append(tick)
    names = _Names(tx).prefetch(r.restrictions for r in records if r.restrictions is not None)
    found: list[WalkerFlags] = []
    for record in records:
        walker_id = record.walker.id
        try:
            if record.restrictions is None:
                raise ValueError("unreadable record")
            found.append(
                _walker_flags(
                    record,
                    record.restrictions,
                    today[walker_id],
                    recent.get(walker_id, []),
                    logged.get(walker_id, []),
                    by_session,
                    painful.get(walker_id, []),
                    rules,
                    _shown(tx, record, record.restrictions, names),
                    unasked.get(walker_id),
                )
            )
        except UNREADABLE_ERRORS:
            if record.restrictions is not None:
                logger.exception("walker %s: flags could not be computed", walker_id)
            found.append(
                WalkerFlags(
                    walker=record.walker,
                    flags=(Flag.RECORD_UNREADABLE,),
                    details=(RECORD_UNREADABLE,),
                    last_session_on=None,
                    current_prescription_version=None,
                )
            )
    return found


def _shown(
    tx: Session, record: KeptRecord, restrictions: Restrictions, names: _Names
) -> tuple[RestrictionOut, ...]:
    """The active restrictions as the list shows them: those made for this kept record under
    the same recorders' names (:class:`~retrowalk.services.flag_cache.ShownRestrictions`),
    else made now and kept with it."""
    recorders = tuple(names(t.recorded_by) for r in restrictions.active for t in r.triggers)
    shown = record.shown.get(recorders)
    if shown is None:
        shown = active_out(tx, restrictions, names)
        record.shown.put(recorders, shown)
    return shown


def _walker_flags(
    summary: KeptRecord,
    restrictions: Restrictions,
    today: date,
    recent: list[WindowSession],
    logged: list[WindowSession],
    by_session: dict[int, MorningReport],
    painful: list[Row[Any]],
    rules: _ListRules,
    restrictions_shown: tuple[RestrictionOut, ...],
    red_flags_unasked: date | None = None,
) -> WalkerFlags:
    """One walker's flags from what was read for everyone (no query here)."""
    policy = rules.policy
    flags: list[Flag] = []
    details: list[str] = []
    plan = summary.plan
    if not summary.screened:
        flags.append(Flag.NOT_SCREENED)
        details.append(NOT_SCREENED_DETAIL)
    elif plan is None and not restrictions.of(RestrictionKind.RED_FLAG):
        flags.append(Flag.NO_PLAN)
        details.append(NO_PLAN_DETAIL if summary.last_assessed_on is None else NO_PLAN_TESTED)
    for restriction, shown in zip(restrictions.active, restrictions_shown, strict=True):
        # ``shown.clinician_summary`` is the restriction's own (``restriction_out``), made once
        flags.append(FLAG_OF_RESTRICTION[restriction.kind])
        details.append(f"{FOR_THE_CLINICIAN[restriction.kind]}: {shown.clinician_summary}")
    if red_flags_unasked is not None:
        flags.append(Flag.RED_FLAGS_UNASKED)
        details.append(RED_FLAGS_UNASKED_DETAIL.format(day=spoken_date(red_flags_unasked)))
    outside = [
        s
        for s in logged
        if s.planned_supervised and (not s.supervised or rules.off_safe_surface(s))
    ]
    if outside:
        last_one = outside[-1]
        how, needed = (
            ("alone", "a helper was")
            if not last_one.supervised
            else (f"on {last_one.surface.replace('_', ' ')}", "the planned surface was")
        )
        flags.append(Flag.WALKED_OUTSIDE_SUPERVISION)
        details.append(
            f"Walked {how} on {spoken_date(last_one.local_date)} although {needed} needed "
            f"({len(outside)} such session{'s' if len(outside) != 1 else ''} in the "
            f"last {policy.flag_window_days} days)."
        )
    _against_and_above_plan(logged, policy, flags, details)
    flag_window_start = today - rules.flag_window
    in_flag_window = [s for s in recent if s.local_date >= flag_window_start]
    flare = [s for s in in_flag_window if s.pain_peak_nprs > PAIN_ACCEPTABLE_MAX_NPRS]
    if flare or painful:
        flags.append(Flag.PAIN_FLARE)
    if flare:
        details.append(
            f"Pain during a session above {PAIN_ACCEPTABLE_MAX_NPRS}/{NPRS_MAX} on "
            f"{spoken_date(flare[-1].local_date)} ({flare[-1].pain_peak_nprs}/{NPRS_MAX})."
        )
    if painful:
        last = painful[-1]
        exercise = EXERCISES[last.exercise_key].name if last.exercise_key in EXERCISES else None
        more = (
            f"; {len(painful)} such exercises in the last {policy.flag_window_days} days"
            if len(painful) > 1
            else ""
        )
        details.append(
            f"Pain during an exercise above {PAIN_ACCEPTABLE_MAX_NPRS}/{NPRS_MAX} on "
            f"{spoken_date(last.local_date)} ({exercise or last.exercise_key}, "
            f"{last.pain_nprs}/{NPRS_MAX}"
            f"{more})."
        )
    up: list[tuple[WindowSession, MorningReport]] = []
    for s in in_flag_window:
        report = by_session.get(s.id)
        if report is not None and (report.pain_nprs or 0) > _usual(report.usual_pain_nprs, s):
            up.append((s, report))
    if up:
        s, c = up[-1]
        flags.append(Flag.MORNING_PAIN_UP)
        details.append(
            f"Next-morning pain {c.pain_nprs}/{NPRS_MAX} after the session of "
            f"{spoken_date(s.local_date)} "
            f"was above the usual level ({_usual(c.usual_pain_nprs, s):g}/{NPRS_MAX})."
        )
    if plan is not None and not restrictions.blocks_sessions:
        start = summary.first_plan_from if summary.first_plan_from is not None else today
        missed_window_days = policy.missed_sessions_window_days
        window_start = today - rules.missed_window
        planned_in_window = plan.sessions_per_week * missed_window_days / 7
        done_lately = [s for s in recent if s.local_date >= window_start]
        if start <= window_start:
            done = len(done_lately)
            if done < planned_in_window:
                flags.append(Flag.MISSED_SESSIONS)
                details.append(
                    f"{done} sessions in the last {missed_window_days} days; "
                    f"{plan.sessions_per_week} a week are prescribed (flag: retrowalk policy)."
                )
        if len(done_lately) > planned_in_window:
            days = len({s.local_date for s in done_lately})
            flags.append(Flag.MORE_SESSIONS_THAN_PLANNED)
            details.append(
                f"{len(done_lately)} sessions on {days} day{'s' if days != 1 else ''} in the "
                f"last {missed_window_days} days; {plan.sessions_per_week} a week are "
                "prescribed (flag: retrowalk policy)."
            )
    assessed = summary.last_assessed_on
    if assessed is not None and reassessment_due(assessed, today, policy):
        flags.append(Flag.REASSESSMENT_DUE)
        details.append(
            f"Last assessment on {spoken_date(assessed)}: the tests and KOOS are due again."
        )
    return WalkerFlags(
        walker=summary.walker,
        flags=tuple(flags),
        details=tuple(details),
        last_session_on=summary.last_session_on,
        current_prescription_version=plan.version if plan is not None else None,
        restrictions=restrictions_shown,
    )


def _against_and_above_plan(
    logged: list[WindowSession], policy: PolicyConfig, flags: list[Flag], details: list[str]
) -> None:
    """The flags of sessions (logged in the flag window) walked while a restriction stopped
    every session, with the restriction named, and of sessions well above their plan
    (**policy**), labelled as such."""
    # A session with nothing stored against a restriction (NULL or an empty list, nearly
    # all of them) is none: ``stored_against`` of it is empty, so it is not asked.
    against = [(s, stored_against(s.walked_against)) for s in logged if s.walked_against]
    against = [(s, kinds) for s, kinds in against if kinds]
    if against:
        last, kinds = against[-1]
        flags.append(Flag.WALKED_AGAINST_RESTRICTION)
        details.append(
            WALKED_AGAINST_DETAIL.format(
                minutes=f"{last.duration_min:g}",
                day=spoken_date(last.local_date),
                restrictions=" and ".join(STOPPED_BY[k] for k in kinds),
                more=_in_window(len(against), policy),
            )
        )
    above: list[tuple[WindowSession, float | None, float]] = []
    for s in logged:
        planned = s.planned_duration_min
        if planned is None:
            continue  # no plan to be above (``above_plan`` says nothing of it)
        speed = walked_speed_m_s(s.speed_m_s, s.distance_m, s.duration_min)
        if above_plan(s.duration_min, speed, planned, s.planned_speed_m_s, policy):
            above.append((s, speed, planned))
    if above:
        last, speed, planned = above[-1]
        flags.append(Flag.ABOVE_PLAN)
        details.append(
            ABOVE_PLAN_DETAIL.format(
                day=spoken_date(last.local_date),
                done=load_words(last.duration_min, speed),
                planned=load_words(planned, last.planned_speed_m_s),
                more=_in_window(len(above), policy),
                extra=policy.above_plan_extra_min,
                fraction=policy.above_plan_speed_fraction,
            )
        )


def _in_window(count: int, policy: PolicyConfig) -> str:
    """``; 2 such sessions in the last 14 days`` (nothing for one)."""
    if count < 2:
        return ""
    return f"; {count} such sessions in the last {policy.flag_window_days} days"


def _usual(usual_pain_nprs: float | None, walk: WindowSession) -> float:
    """The usual level a report was compared with (the pain before, for older reports)."""
    return usual_pain_nprs if usual_pain_nprs is not None else float(walk.pain_before_nprs)


def walker_flag(ctx: AppContext, actor: Actor, walker_id: int) -> WalkerFlags:
    """One walker's flags (their clinician or an admin), without computing everyone's."""
    at = ctx.now()
    with ctx.db.reader() as tx:
        walker = staff_walker_for(tx, actor, walker_id)
        _, policy = policy_in(tx)
        summaries = repo.walker_summaries(tx, walker_id=walker.id)
        rows = _flags(tx, _records(tx, summaries, policy, policy_timeline(tx)), at, policy)
        return _nobodys_named(tx, rows)[0]


def walker_flags(ctx: AppContext, actor: Actor) -> list[WalkerFlags]:
    """The clinician's walker list with its flags (an admin sees every walker), in a number
    of queries that does not grow with the number of walkers."""
    at = ctx.now()
    with ctx.db.reader() as tx:
        check_actor(tx, actor)
        if actor.role is Role.WALKER:
            raise AccessDenied("Only a clinician or an admin sees the walker list.")
        clinician = actor.account_id if actor.role is Role.CLINICIAN else None
        _, policy = policy_in(tx)
        profiles = repo.walker_profiles(tx, clinician_id=clinician)
        return _nobodys_named(tx, _cached_flags(tx, profiles, at, policy, ctx.flag_cache))


NO_CLINICIAN_DETAIL = (
    "No clinician: this walker is on no clinician's list, so only administrators see her "
    "flags; assign her a clinician on her page."
)


def _nobodys_named(tx: Session, rows: list[WalkerFlags]) -> list[WalkerFlags]:
    """The rows, with the walkers on no clinician's list flagged first (only an administrator
    sees them), where the clinic has clinicians (a clinic of one administrator is hers). One
    query, and only when such a walker is listed."""
    if all(row.walker.clinician_id is not None for row in rows):
        return rows
    if not repo.clinician_account_exists(tx):
        return rows
    return [
        row
        if row.walker.clinician_id is not None
        else row.model_copy(
            update={
                "flags": (Flag.NO_CLINICIAN, *row.flags),
                "details": (NO_CLINICIAN_DETAIL, *row.details),
            }
        )
        for row in rows
    ]


NOT_SCREENED_DETAIL = (
    "Not screened yet: the safety questions (PAR-Q, knee red flags, falls) are not answered, "
    "so nothing is known about whether backward walking is safe; no plan until they are."
)
NO_PLAN_DETAIL = (
    "No plan yet: screened, but the baseline tests and the starting plan are still to come."
)
NO_PLAN_TESTED = (
    "No plan yet: screened and tested; the starting plan is still to be made (on the "
    "walker's page)."
)
RED_FLAGS_UNASKED_DETAIL = (
    "Warning-sign questions unasked since the session of {day}: its morning check-in was "
    "closed without the walker's report (a later session was logged first). The app asks "
    "them before their next session; you can also ask and record the answer."
)
FOR_THE_CLINICIAN = {
    RestrictionKind.RED_FLAG: "Red flag: stop and refer",
    RestrictionKind.ADVERSE_EVENT: "Adverse event: held until you review it",
    RestrictionKind.REST_DAY: "Rest day after a painful morning: until you clear it",
    RestrictionKind.CLEARANCE_REQUIRED: "Needs your clearance before any session",
    RestrictionKind.FALL_RISK: "High or unknown fall risk: every session supervised",
    RestrictionKind.WALKING_AID: "Walking aid: every session supervised",
}
"""How the clinician's list names each restriction (the walker's own titles say "your
clinician"; the sentence after the title is the restriction's summary, as the walker sees it)."""


STOPPED_BY = {
    RestrictionKind.RED_FLAG: "a red flag (stop and refer)",
    RestrictionKind.ADVERSE_EVENT: "an adverse event waiting for your review",
    RestrictionKind.REST_DAY: "a rest day after a painful morning",
    RestrictionKind.CLEARANCE_REQUIRED: "your clearance still awaited",
    RestrictionKind.FALL_RISK: "fall-risk supervision",
    RestrictionKind.WALKING_AID: "walking-aid supervision",
}
"""How the flag names the restriction a session went against (only those that stop every
session are stored; the supervised ones are flagged as walked outside supervision)."""

WALKED_AGAINST_DETAIL = (
    "Walked backward {minutes} min on {day} while {restrictions} stopped every session: the "
    "session came in with an adverse event, so it was stored as told (RULES.md §7.9) and the "
    "walker was told why it matters; the restriction still stands{more}."
)
ABOVE_PLAN_DETAIL = (
    "Well above the plan on {day}: {done} walked against {planned} planned{more}. Flag: "
    "retrowalk policy (more than {extra} min longer or {fraction:.0%} faster than planned); "
    "the walker was told you will see it. The progression rule decides as before."
)

RECORD_UNREADABLE = (
    "One of this walker's records could not be read, so the flags are not shown: open the "
    "walker's page or ask your administrator to check the records."
)


def prepare_walker_list(ctx: AppContext) -> int:
    """Compute every walker's flags into the list's cache (:mod:`~retrowalk.services.flag_cache`)
    so that a clinician's next load finds them kept; what is still kept is not computed again.
    Returns the number of walkers prepared (none when the clinic has more walkers than the
    cache holds: preparing them would only push each other out).

    No access check: nothing read leaves this function but a count. The server runs it in the
    background (:mod:`~retrowalk.services.list_keeper`)."""
    at = ctx.now()
    with ctx.db.reader() as tx:
        _, policy = policy_in(tx)
        profiles = repo.walker_profiles(tx)
        if len(profiles) > ctx.flag_cache.capacity:
            return 0
        return len(_cached_flags(tx, profiles, at, policy, ctx.flag_cache))
