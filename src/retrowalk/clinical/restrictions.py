"""Restrictions, and who may lift them (RULES.md §7).

A **restriction** is anything that stops or limits backward walking: a red flag (stop and
refer), a clearance requirement, high or not-known fall risk or a walking aid (every session
supervised), an open adverse-event review, a rest day. This module computes the set that is
active for a walker from their **whole record** — every screening, assessment, session,
morning check-in, red-flag report and clearance — never from "the latest screening":

- every record that calls for a restriction is a :class:`Trigger` of it, at the time the
  program learned of it; a later record can only add triggers, so re-screening with other
  answers, re-doing the tests or asking for a new plan never removes one (§7.1);
- only a clinician's recorded clearance lifts a restriction, and exactly the kind it names:
  it lifts every trigger of that kind up to its own time, nothing of another kind and nothing
  that comes later (§7.1);
- fall risk is lifted only after a reassessment that is low risk on its own (the minimum
  battery complete, no test at risk, a retested TUG beyond its measurement error), newer than
  what set it (§7.3–7.4): :attr:`Restriction.can_clear` says whether a clearance is possible.

Each restriction says what it does (:class:`Effect`), why (its reasons, with numbers and
sources), what the walker should do, in plain words, and who may lift it. The services read
this module at every gate; nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Final

from pydantic import BaseModel, ConfigDict

from retrowalk.clinical.fall_risk import FallRiskLevel
from retrowalk.clinical.norms import PARQ_SOURCES, RED_FLAG_SOURCES, STEADI_QUESTION_SOURCES
from retrowalk.clinical.pain_monitoring import is_rest_day
from retrowalk.clinical.policy import DEFAULT_POLICY, PolicyConfig
from retrowalk.clinical.policy_timeline import PolicyTimeline
from retrowalk.clinical.prescription import (
    SUPERVISED_START_COUNTS_FROM_MIN,
    Prescription,
    must_be_supervised,
)
from retrowalk.clinical.reasons import Reason, spoken_date
from retrowalk.clinical.red_flags import (
    KneeRedFlag,
    by_urgency,
    red_flag_for_clinician,
    red_flag_reason,
    urgency_rank,
)
from retrowalk.clinical.restriction_models import (
    Effect,
    Lifted,
    Restriction,
    RestrictionKind,
    Restrictions,
    Source,
    Trigger,
)
from retrowalk.clinical.screening import (
    CLEARANCE_ACTION,
    CLEARED_ACTION,
    STEADI_QUESTIONS,
    ScreeningOutcome,
    ScreeningResult,
    clearance_reasons,
    present_red_flags,
)
from retrowalk.clinical.session_records import ADVERSE_EVENT_SOURCES, AdverseEvent
from retrowalk.clinical.surfaces import Supervision, Surface, describe_surfaces
from retrowalk.clinical.walker_record import (
    ClearanceFact,
    Fact,
    WalkerRecord,
)

SERIOUS_ADVERSE_EVENTS: Final[frozenset[AdverseEvent]] = frozenset(
    {AdverseEvent.CHEST_PAIN, AdverseEvent.DIZZINESS, AdverseEvent.FALL}
)
"""Adverse events after which no session is offered until a clinician has reviewed
(RULES.md §7.8); a near-fall or sharp knee pain makes every session supervised instead."""

CHEST_PAIN_EMERGENCY: Final[str] = (
    "If the chest pain is still there or comes back, call your emergency number now."
)
"""RULES.md §7.8, shown with every restriction set by chest pain."""

CLINICIAN_DECIDES: Final[str] = (
    "Only your clinician can lift this, by a recorded clearance; nothing you answer or do "
    "in the app lifts it."
)

_TITLES: Final[dict[RestrictionKind, str]] = {
    # not "see a doctor": the advice under it says what care, and when (emergency care now,
    # a doctor today or soon: RULES.md §1.2), so the title never says less than the advice
    RestrictionKind.RED_FLAG: "A warning sign (red flag): no backward walking for now",
    RestrictionKind.ADVERSE_EVENT: "Something went wrong in a session: your clinician reviews it",
    RestrictionKind.REST_DAY: "A rest day: your knee needs a break",
    RestrictionKind.CLEARANCE_REQUIRED: "Your clinician must clear you before you walk",
    RestrictionKind.FALL_RISK: "Fall risk high or not known: someone with you every session",
    RestrictionKind.WALKING_AID: "You use a walking aid: someone with you every session",
}
"""Each kind in the walker's words (the clinician sees the same, with the reasons)."""

_LIFTED_BY: Final[dict[RestrictionKind, str]] = dict.fromkeys(
    RestrictionKind, CLINICIAN_DECIDES
) | {
    RestrictionKind.FALL_RISK: (
        "Only your clinician can lift this, by a recorded clearance after a reassessment that "
        "is low risk on its own; new tests alone do not lift it."
    ),
}

# --- what the program knows: the walker's record, as facts -------------------------------------


# --- what it computes ------------------------------------------------------------------------


# --- the triggers of each kind ------------------------------------------------------------------


def _trigger(
    fact: Fact,
    source: Source,
    reasons: Iterable[Reason],
    actions: Iterable[str] = (),
    *,
    at: datetime | None = None,
    serious: bool = False,
    chest_pain: bool = False,
    red_flags: Iterable[KneeRedFlag] = (),
    clinician_words: Iterable[str] = (),
) -> Trigger:
    return Trigger(
        source=source,
        record_id=fact.record_id,
        at=at or fact.at,
        seq=fact.seq,
        recorded_by=fact.recorded_by,
        reasons=tuple(reasons),
        actions=tuple(dict.fromkeys(actions)),
        serious=serious,
        chest_pain=chest_pain,
        red_flags=tuple(red_flags),
        clinician_words=tuple(clinician_words),
    )


def _red_flag_triggers(record: WalkerRecord) -> list[Trigger]:
    found: list[Trigger] = []
    for s in record.screenings:
        flags = by_urgency(present_red_flags(s.answers))
        if flags:
            found.append(
                _trigger(
                    s,
                    Source.SCREENING,
                    (red_flag_reason(f) for f in flags),
                    (f.info.action for f in flags),
                    red_flags=flags,
                    clinician_words=(red_flag_for_clinician(f) for f in flags),
                )
            )
    for c in record.checkins:
        flags = by_urgency(c.red_flags)
        if flags:
            found.append(
                _trigger(
                    c,
                    Source.CHECKIN,
                    (red_flag_reason(f, "checkin.red_flag") for f in flags),
                    (f.info.action for f in flags),
                    red_flags=flags,
                    clinician_words=(red_flag_for_clinician(f) for f in flags),
                )
            )
    for r in record.red_flag_reports:
        flags = by_urgency(r.red_flags)
        if flags:
            found.append(
                _trigger(
                    r,
                    Source.RED_FLAG_REPORT,
                    (red_flag_reason(f, "report.red_flag") for f in flags),
                    (f.info.action for f in flags),
                    red_flags=flags,
                    clinician_words=(red_flag_for_clinician(f) for f in flags),
                )
            )
    return found


def _not_known(missing: str, redone: bool) -> Reason:
    """Why fall risk is not known; once the walker has done the whole battery again (``redone``),
    that the new tests wait for the clinician's review, never "not done" (found by the
    outside-in test: the redone tests still read "not done" on today and the clinician's list).
    """
    if redone:
        return Reason(
            code="restriction.fall_risk.not_known",
            message=(
                "Your earlier tests left your fall risk not known (part of them was skipped). "
                "You have done the tests again since: the new results wait for your "
                "clinician's review, and every session stays supervised until your clinician "
                "clears it (retrowalk policy)."
            ),
            clinician_message=(
                f"Fall risk not known at an earlier assessment ({missing} missing then). The "
                "walker has done the whole battery since: the new results wait for your review "
                "and a clearance; until then every session is supervised (retrowalk policy)."
            ),
            sources=STEADI_QUESTION_SOURCES,
            policy=True,
        )
    return Reason(
        code="restriction.fall_risk.not_known",
        message=(
            f"Fall risk not known: {missing} not done, and a skipped test never counts as "
            "normal; every session is supervised as for a high risk (retrowalk policy)."
        ),
        sources=STEADI_QUESTION_SOURCES,
        policy=True,
    )


def _fall_risk_triggers(record: WalkerRecord) -> list[Trigger]:
    found: list[Trigger] = []
    for a in record.assessments:
        risk = a.fall_risk
        if risk is None or risk.level is FallRiskLevel.LOW:
            continue
        if risk.level is FallRiskLevel.HIGH:
            why = [r for r in risk.reasons if r.code.startswith("fall_risk.") and _fired(r)]
        else:
            redone = any(
                b.at > a.at and b.fall_risk is not None and not b.fall_risk.missing
                for b in record.assessments
            )
            why = [_not_known(" and ".join(risk.missing) or "part of the tests", redone)]
        found.append(
            _trigger(
                a,
                Source.ASSESSMENT,
                why or risk.reasons,
                ("Have someone with you for every session, on the surfaces your plan names.",),
            )
        )
    for s in record.screenings:
        yes = s.answers.steadi.yes_fields()
        if yes:
            asked = "; ".join(STEADI_QUESTIONS[name] for name in yes)
            quoted = "; ".join(f"“{STEADI_QUESTIONS[name]}”" for name in yes)
            found.append(
                _trigger(
                    s,
                    Source.SCREENING,
                    (
                        Reason(
                            code="restriction.fall_risk.steadi",
                            message=f"You answered yes to a question about falls ({asked}).",
                            clinician_message=(
                                f"The walker answered yes to a question about falls ({quoted})."
                            ),
                            sources=STEADI_QUESTION_SOURCES,
                        ),
                    ),
                    ("Have someone with you for every session.",),
                )
            )
    return found


_FIRED_CODES: Final[frozenset[str]] = frozenset(
    {
        "fall_risk.tug",
        "fall_risk.tug_within_error",
        "fall_risk.tandem_stance",
        "fall_risk.chair_stand",
        "fall_risk.backward_walk_3m",
        "fall_risk.backward_speed",
        "fall_risk.steadi_questions",
    }
)


def _fired(reason: Reason) -> bool:
    return reason.code in _FIRED_CODES


PolicyAt = Callable[[datetime], PolicyConfig]
"""The policy that was in force at a moment (``PolicyTimeline.at``)."""


def _always(policy: PolicyConfig) -> PolicyAt:
    return lambda _moment: policy


def _clearance_triggers(
    record: WalkerRecord, fall_risk: list[Trigger], policy_at: PolicyAt
) -> list[Trigger]:
    found: list[Trigger] = []
    for s in record.screenings:
        why = clearance_reasons(s.answers, policy_at(s.at))
        if why:
            found.append(
                _trigger(
                    s,
                    Source.SCREENING,
                    why,
                    ("Ask your clinician to clear you for backward walking.",),
                )
            )
    blood_thinner = [s for s in record.screenings if s.answers.takes_anticoagulant]
    if blood_thinner:
        first = min(blood_thinner, key=_order)
        for risk in fall_risk:
            later: Trigger | Fact = first if _before(risk, first) else risk
            if not policy_at(later.at).anticoagulant_clearance_with_fall_risk:
                continue
            found.append(
                Trigger(
                    source=risk.source,
                    record_id=risk.record_id,
                    at=later.at,
                    seq=later.seq,
                    recorded_by=risk.recorded_by,
                    reasons=(
                        Reason(
                            code="restriction.clearance.anticoagulant",
                            message=(
                                "You take a blood-thinning medicine and your fall risk is high "
                                "or not known: a fall costs more, so your clinician must clear "
                                "you first (retrowalk policy)."
                            ),
                            clinician_message=(
                                "The walker takes a blood-thinning medicine and her fall risk "
                                "is high or not known: a fall costs more, so a clinician must "
                                "clear her first (retrowalk policy)."
                            ),
                            policy=True,
                        ),
                    ),
                    actions=("Ask your clinician to clear you for backward walking.",),
                )
            )
    return found


def _walking_aid_triggers(record: WalkerRecord, policy_at: PolicyAt) -> list[Trigger]:
    return [
        _trigger(
            s,
            Source.SCREENING,
            (
                Reason(
                    code="restriction.walking_aid",
                    message=(
                        "You use a walking aid: the 3-metre backward-walk limits were found in "
                        "people walking without one, so every session is supervised (retrowalk "
                        "policy)."
                    ),
                    clinician_message=(
                        "The walker uses a walking aid: the 3-metre backward-walk limits were "
                        "found in people walking without one, so every session is supervised "
                        "(retrowalk policy)."
                    ),
                    sources=("carter2020",),
                    policy=True,
                ),
            ),
            ("Have someone with you for every session.",),
        )
        for s in record.screenings
        if s.answers.uses_walking_aid and policy_at(s.at).walking_aid_supervised
    ]


def _adverse_triggers(record: WalkerRecord) -> list[Trigger]:
    found: list[Trigger] = []
    for s in record.sessions:
        if not s.adverse_events:
            continue
        events = ", ".join(sorted(e.value.replace("_", " ") for e in s.adverse_events))
        serious = bool(s.adverse_events & SERIOUS_ADVERSE_EVENTS)
        chest = AdverseEvent.CHEST_PAIN in s.adverse_events
        day = spoken_date(s.local_date)
        if serious:
            message = (
                f"In your session of {day} you reported: {events}. No more sessions "
                "until your clinician has reviewed what happened."
            )
            for_clinician = (
                f"In the session of {day} the walker reported: {events}. No sessions until a "
                "clinician has reviewed what happened."
            )
            action = (
                "Do not walk backward again until your clinician has reviewed it: contact them."
            )
        else:
            message = (
                f"In your session of {day} you reported: {events}. Every session is "
                "supervised until your clinician has reviewed what happened."
            )
            for_clinician = (
                f"In the session of {day} the walker reported: {events}. Every session "
                "supervised until a clinician has reviewed what happened."
            )
            action = "Have someone with you for every session until your clinician has reviewed it."
        actions = (CHEST_PAIN_EMERGENCY, action) if chest else (action,)
        found.append(
            _trigger(
                s,
                Source.SESSION,
                (
                    Reason(
                        code="restriction.adverse_event",
                        message=message,
                        clinician_message=for_clinician,
                        sources=ADVERSE_EVENT_SOURCES,
                        policy=True,
                    ),
                ),
                actions,
                serious=serious,
                chest_pain=chest,
                clinician_words=(for_clinician,),
            )
        )
    return found


REST_DAY_ACTION: Final[str] = (
    "Rest from backward walking, and contact your clinician: the rest day lasts until they "
    "have looked at how your knee is, and they decide when you walk again."
)
"""What a rest day asks, in words true on any day it stands (found by the outside-in test:
"Rest today" nine days after the morning that began it)."""


def _rest_day_triggers(record: WalkerRecord, policy_at: PolicyAt) -> list[Trigger]:
    found: list[Trigger] = []
    for c in record.checkins:
        if c.pain_nprs is None:
            continue
        why = is_rest_day(c.pain_nprs, c.usual_pain_nprs, policy_at(c.at))
        if why is not None:
            found.append(
                _trigger(
                    c,
                    Source.CHECKIN,
                    (why,),
                    # never "today": it lasts until a clinician lifts it, days on if need be
                    (REST_DAY_ACTION,),
                )
            )
    return found


# --- putting it together -------------------------------------------------------------------


def _order(item: Trigger | Fact) -> tuple[int, datetime]:
    """Recording order first (``seq``), the stated time only where no order is known."""
    return (item.seq if item.seq is not None else 0, item.at)


def _before(first: Trigger | Fact, second: Trigger | Fact) -> bool:
    """Whether ``first`` was recorded no later than ``second``."""
    if first.seq is not None and second.seq is not None:
        return first.seq <= second.seq
    return first.at <= second.at


def _split(
    triggers: list[Trigger], clearances: list[ClearanceFact], kind: RestrictionKind
) -> tuple[list[Trigger], list[Lifted]]:
    """The triggers still active after the clearances of this kind, and what each lifted.

    A clearance lifts what was recorded before it and that the clinician had seen
    (:attr:`ClearanceFact.covers_seq`): a trigger recorded while her page was open stays,
    until a clearance that saw it. Each trigger is lifted by the first clearance that covers
    it."""
    triggers = sorted(triggers, key=_order)
    ordered = sorted(clearances, key=_order)
    covered_by: dict[int, list[Trigger]] = {i: [] for i in range(len(ordered))}
    active: list[Trigger] = []
    for trigger in triggers:
        first = next((i for i, c in enumerate(ordered) if _covers(c, trigger)), None)
        if first is None:
            active.append(trigger)
        else:
            covered_by[first].append(trigger)
    lifted = [
        Lifted(
            kind=kind,
            clearance_id=clearance.record_id,
            at=clearance.at,
            cleared_by=clearance.recorded_by,
            reason=clearance.reason,
            triggers=tuple(covered_by[i]),
        )
        for i, clearance in enumerate(ordered)
    ]
    return active, lifted


def _covers(clearance: ClearanceFact, trigger: Trigger) -> bool:
    """Whether ``clearance`` lifts ``trigger``: recorded before it, and seen by its clinician
    (no ``covers_seq``, or no recording order of the trigger to compare: recorded before)."""
    if not _before(trigger, clearance):
        return False
    if clearance.covers_seq is None or trigger.seq is None:
        return True
    return trigger.seq <= clearance.covers_seq


def _fall_risk_clearable(record: WalkerRecord, active: list[Trigger]) -> str | None:
    """Why fall risk cannot be cleared now (None: it can), RULES.md §7.4."""
    verdicts = sorted((a for a in record.assessments if a.fall_risk is not None), key=_order)
    latest = verdicts[-1] if verdicts else None
    newest_trigger = max(active, key=_order)
    if (
        latest is None
        or latest.fall_risk is None
        or latest.fall_risk.level is not FallRiskLevel.LOW
    ):
        return (
            "Record a reassessment that is low risk on its own first: the Timed Up and Go, the "
            "30-s chair stand or the tandem stance, and the questions about falls, with no test "
            "at risk (a retested Timed Up and Go must improve by more than its measurement "
            "error)."
        )
    if not _before(newest_trigger, latest):
        return (
            "The latest low-risk reassessment is older than what set this restriction: record "
            "a new reassessment first."
        )
    return None


def _most_urgent_first(triggers: list[Trigger]) -> tuple[str, ...]:
    """What to do for the open red flags, most urgent first (RULES.md §1.2), the newest first
    among the equally urgent (the sort is stable)."""
    newest_first = [f for t in reversed(triggers) for f in t.red_flags]
    return tuple(dict.fromkeys(f.info.action for f in sorted(newest_first, key=urgency_rank)))


def _restriction(
    kind: RestrictionKind,
    triggers: list[Trigger],
    record: WalkerRecord,
    policy: PolicyConfig,
) -> Restriction:
    reasons = tuple(dict.fromkeys(r for t in triggers for r in t.reasons))
    actions = tuple(dict.fromkeys(a for t in reversed(triggers) for a in t.actions))
    effect = Effect.NO_SESSIONS
    emergency: str | None = None
    surfaces: tuple[Surface, ...] = ()
    cannot: str | None = None
    if kind in (RestrictionKind.FALL_RISK, RestrictionKind.WALKING_AID):
        effect = Effect.SUPERVISED
    if kind is RestrictionKind.FALL_RISK:
        surfaces = policy.high_risk_surfaces
        cannot = _fall_risk_clearable(record, triggers)
        actions = (f"Have someone with you for every session, on {describe_surfaces(surfaces)}.",)
    if kind is RestrictionKind.RED_FLAG:
        actions = _most_urgent_first(triggers)
    if kind is RestrictionKind.ADVERSE_EVENT:
        serious = [t for t in triggers if t.serious]
        effect = Effect.NO_SESSIONS if serious else Effect.SUPERVISED
        if serious:
            # A fall stops every session whatever milder event came after it (found by the
            # outside-in test: a later sharp pain's "every session supervised" was the summary
            # and its advice came first). The serious triggers go last, where the summary reads
            # the newest, and only their advice is given: supervision is moot with no sessions.
            triggers = [t for t in triggers if not t.serious] + serious
            reasons = tuple(dict.fromkeys(r for t in reversed(triggers) for r in t.reasons))
            actions = tuple(dict.fromkeys(a for t in reversed(serious) for a in t.actions))
        if any(t.chest_pain for t in triggers):
            emergency = CHEST_PAIN_EMERGENCY
    return Restriction(
        kind=kind,
        effect=effect,
        title=_TITLES[kind],
        since=min(t.at for t in triggers),
        triggers=tuple(triggers),
        reasons=reasons,
        what_to_do=actions,
        emergency=emergency,
        lifted_by=_LIFTED_BY[kind],
        can_clear=cannot is None,
        cannot_clear_because=cannot,
        surfaces=surfaces,
    )


def active_restrictions(
    record: WalkerRecord,
    policy: PolicyConfig = DEFAULT_POLICY,
    *,
    timeline: PolicyTimeline | None = None,
) -> Restrictions:
    """The restrictions active for this walker, computed from their whole record (§7).

    With a ``timeline`` each record is read under the policy in force when it was made (and
    ``policy`` is the current one): a policy change never lifts a restriction already set.
    """
    if timeline is not None:
        policy = timeline.current
        policy_at: PolicyAt = timeline.at
    else:
        policy_at = _always(policy)
    fall_risk = _fall_risk_triggers(record)
    by_kind: dict[RestrictionKind, list[Trigger]] = {
        RestrictionKind.RED_FLAG: _red_flag_triggers(record),
        RestrictionKind.ADVERSE_EVENT: _adverse_triggers(record),
        RestrictionKind.REST_DAY: _rest_day_triggers(record, policy_at),
        RestrictionKind.CLEARANCE_REQUIRED: _clearance_triggers(record, fall_risk, policy_at),
        RestrictionKind.FALL_RISK: fall_risk,
        RestrictionKind.WALKING_AID: _walking_aid_triggers(record, policy_at),
    }
    active: list[Restriction] = []
    lifted: list[Lifted] = []
    for kind in RestrictionKind:
        clearances = [c for c in record.clearances if c.kind is kind]
        still, gone = _split(by_kind[kind], clearances, kind)
        lifted.extend(gone)
        if still:
            active.append(_restriction(kind, still, record, policy))
    return Restrictions(active=tuple(active), lifted=tuple(sorted(lifted, key=lambda x: x.at)))


# --- supervision: what the restrictions and the plan require of the next session ------------


class SupervisionNeed(BaseModel):
    """Whether the next session needs someone with the walker, and why (plain sentences)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    required: bool
    why: tuple[str, ...]


def supervision_needed(
    restrictions: Restrictions,
    prescription: Prescription | None,
    supervised_sessions_done: int,
) -> SupervisionNeed:
    """Every supervision rule at once: a restriction that supervises (fall risk, walking aid,
    a near-fall or sharp pain under review), the plan's own rule (every session, or the first
    N — counted in sessions that WERE supervised, so sessions walked alone never use them up).
    """
    why = [r.title for r in restrictions.active if r.effect is Effect.SUPERVISED]
    if prescription is not None and must_be_supervised(
        prescription, supervised_sessions_done, open_adverse_event_review=False
    ):
        first = prescription.supervised_first_sessions or 0
        if prescription.supervision is Supervision.FIRST_SESSIONS and not (
            prescription.supervised_until_review
        ):
            if why:  # a restriction holds every session: "your first N" would imply alone later
                return SupervisionNeed(required=True, why=tuple(why))
            why.append(
                f"Your first {first} sessions are supervised "
                f"({supervised_sessions_done} done with someone so far; one counts on each day, "
                f"when it lasts {SUPERVISED_START_COUNTS_FROM_MIN} minutes or more)"
            )
        elif not why:  # the plan's every-session rule, when no restriction already says why
            why.append(
                _TITLES[RestrictionKind.ADVERSE_EVENT]
                if prescription.supervised_until_review
                else "Your plan has every session supervised"
            )
    return SupervisionNeed(required=bool(why), why=tuple(why))


# --- the plan's supervision in words: the plan's own rule and the restrictions together -------

_HOLDS: Final[dict[RestrictionKind, tuple[str, str]]] = {
    RestrictionKind.WALKING_AID: ("you use a walking aid", "the walker uses a walking aid"),
    RestrictionKind.FALL_RISK: (
        "your fall risk is high or not known",
        "the walker's fall risk is high or not known",
    ),
    RestrictionKind.ADVERSE_EVENT: (
        "what happened in a session waits for your clinician's review",
        "an adverse event waits for a clinician's review",
    ),
}
"""What holds every session supervised, as the end of "while …" (walker's, clinician's)."""

ALONE_LATER_CODES: Final[frozenset[str]] = frozenset(
    {
        "prescription.supervision_first_sessions",
        "prescription.fall_risk_cleared",
        "fall_risk.supervision",
    }
)
"""Reasons that promise sessions alone after the first supervised ones: while a restriction
holds every session supervised they are shown reworded (:func:`reasons_as_held`), never as
"after that you may walk alone"."""


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


class PlanSupervision(BaseModel):
    """The supervision a plan has now: its own rule (as stored) and every active restriction
    that holds every session supervised on top of it.

    The stored plan keeps its own rule (``every_session`` or the first N): that is what holds
    again when a clinician lifts the restrictions, and a restriction can begin after the plan
    was made (a near-fall, a later screening). So nothing stores "every session" for a
    restriction: every word about the plan's supervision is derived here, from plan and
    restrictions together, and nowhere else.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    every_session: bool
    """Whether every session is supervised now (the plan's rule or a restriction)."""
    plan_rule: Supervision
    """The plan's own rule, as stored."""
    first_sessions: int | None
    """N of the plan's "the first N sessions" rule (None when the rule is every session)."""
    held_by: tuple[RestrictionKind, ...]
    """The active restrictions that hold every session supervised (empty: none)."""
    words: str
    """For the walker: "every session, while you use a walking aid (…)"."""
    clinician_words: str
    """For the clinician's pages and reports."""


def plan_supervision(prescription: Prescription, restrictions: Restrictions) -> PlanSupervision:
    """The plan's supervision as it holds now (see :class:`PlanSupervision`)."""
    held = tuple(
        r.kind for r in restrictions.active if r.effect is Effect.SUPERVISED and r.kind in _HOLDS
    )
    first = (
        prescription.supervised_first_sessions or 0
        if prescription.supervision is Supervision.FIRST_SESSIONS
        else None
    )
    own_every = first is None or prescription.supervised_until_review
    if held:
        while_walker = _joined([_HOLDS[k][0] for k in held])
        while_clinician = _joined([_HOLDS[k][1] for k in held])
        words = f"every session, while {while_walker} (only your clinician lifts this)"
        clinician = f"every session, while {while_clinician} (until a clinician lifts it)"
        if first is not None and not prescription.supervised_until_review:
            clinician += f"; the plan's own rule: the first {first} sessions"
    elif own_every:
        words = clinician = "every session"
    else:
        words = clinician = f"the first {first} sessions"
    return PlanSupervision(
        every_session=bool(held) or own_every,
        plan_rule=prescription.supervision,
        first_sessions=first,
        held_by=held,
        words=words,
        clinician_words=clinician,
    )


def reasons_as_held(reasons: Iterable[Reason], held: PlanSupervision) -> tuple[Reason, ...]:
    """``reasons`` as they read while ``held`` holds every session supervised: a reason that
    promises sessions alone later (:data:`ALONE_LATER_CODES`) says instead that every session
    is supervised, and why; the others are unchanged. Unchanged too when nothing holds."""
    return reasons_held_by(reasons, held.held_by, held.first_sessions)


def reasons_held_by(
    reasons: Iterable[Reason],
    held_by: Iterable[RestrictionKind | str],
    first_sessions: int | None,
) -> tuple[Reason, ...]:
    """:func:`reasons_as_held` from the kinds that hold every session supervised (as a plan's
    ``supervision_held_by`` names them) and the plan's own N."""
    reasons = tuple(reasons)
    kinds = [RestrictionKind(k) for k in held_by]
    kinds = [k for k in kinds if k in _HOLDS]
    if not kinds:
        return reasons
    while_walker = _joined([_HOLDS[k][0] for k in kinds])
    while_clinician = _joined([_HOLDS[k][1] for k in kinds])
    own = (
        f"On its own the plan would supervise the first {first_sessions} sessions"
        if first_sessions is not None
        else "On its own the plan would supervise the first sessions"
    )
    out: list[Reason] = []
    for reason in reasons:
        if reason.code not in ALONE_LATER_CODES:
            out.append(reason)
            continue
        out.append(
            reason.model_copy(
                update={
                    "message": (
                        f"Every session is supervised while {while_walker}: no session alone "
                        f"until your clinician lifts it. {own}."
                    ),
                    "clinician_message": (
                        f"Every session is supervised while {while_clinician}: no session "
                        f"alone until a clinician lifts it. {own}."
                    ),
                }
            )
        )
    return tuple(out)


# --- a screening as it stands: its answers, and every restriction still open (§7.1) ----------

EARLIER_STANDS_FOR_DOCTOR: Final[str] = (
    "New answers never remove it: only your clinician clears it, after a doctor has seen you."
)


def screening_as_it_stands(
    answered: ScreeningResult, restrictions: Restrictions
) -> ScreeningResult:
    """The result of a screening as the walker stands after it: what these answers were, and
    every red flag or clearance requirement still open from an earlier record (a later
    screening may add restrictions, never remove them, RULES.md §7.1). ``restrictions`` are
    the active ones after this screening.

    A walker referred before and answering "no" to every warning sign now is still referred:
    the outcome is ``stop_and_refer``, the reasons say the earlier red flag still stands and
    what to do (the open flags' advice, most urgent first), and "You can go on" is never
    among the actions. ``answered_outcome`` keeps what the answers alone decided.
    """
    red = restrictions.of(RestrictionKind.RED_FLAG)
    clearance = restrictions.of(RestrictionKind.CLEARANCE_REQUIRED)
    outcome = answered.outcome
    earlier: list[Reason] = []
    actions = list(answered.actions)
    if red is not None:
        outcome = ScreeningOutcome.STOP_AND_REFER
        actions = list(red.what_to_do)
        if answered.outcome is not ScreeningOutcome.STOP_AND_REFER:
            earlier.append(
                Reason(
                    code="screening.earlier_red_flag_stands",
                    message=(
                        f"A warning sign reported earlier still stands. {red.summary} "
                        f"{EARLIER_STANDS_FOR_DOCTOR}"
                    ),
                    clinician_message=(
                        f"A red flag reported earlier is still open: {red.clinician_summary}. "
                        "New answers never remove it: only a clinician clears it, after a "
                        "doctor has seen the walker."
                    ),
                    sources=red.reasons[0].sources if red.reasons else (),
                )
            )
    elif clearance is not None and answered.outcome is ScreeningOutcome.CLEARED:
        outcome = ScreeningOutcome.CLEARANCE_REQUIRED
        actions = [CLEARANCE_ACTION]
        earlier.append(
            Reason(
                code="screening.earlier_clearance_stands",
                message=(
                    "An earlier answer still needs your clinician's clearance. "
                    f"{clearance.summary} New answers never remove it: only your clinician "
                    "clears it."
                ),
                clinician_message=(
                    "An earlier answer still needs a clinician's clearance: "
                    f"{clearance.clinician_summary} New answers never remove it."
                ),
                sources=clearance.reasons[0].sources if clearance.reasons else (),
            )
        )
    if outcome is answered.outcome:
        return answered.model_copy(update={"actions": tuple(dict.fromkeys(actions))})
    reasons = [_THESE_ANSWERS if r.code == "screening.cleared" else r for r in answered.reasons]
    return answered.model_copy(
        update={
            "outcome": outcome,
            "answered_outcome": answered.outcome,
            "reasons": (*earlier, *reasons),
            "actions": tuple(a for a in dict.fromkeys(actions) if a != CLEARED_ACTION),
        }
    )


_THESE_ANSWERS: Final[Reason] = Reason(
    code="screening.cleared",
    message=(
        "This time your answers name no knee warning sign and no readiness question that needs "
        "a clearance."
    ),
    clinician_message=(
        "This time the walker's answers name no knee red flag and no PAR-Q item needing clearance."
    ),
    sources=PARQ_SOURCES + RED_FLAG_SOURCES,
)
"""The "nothing found" reason of answers given while an earlier restriction stands: about
this screening only, never "no knee red flag" on its own."""
