"""When the walking tests wait: while a restriction stops every session, except a clearance.

A red flag means stop and see a doctor first (RULES.md §1.2, §7.7); chest pain, dizziness or a
fall means no further sessions until a clinician has reviewed (§7.8); a rest day means no
session (§3). Every baseline test makes the walker stand up and walk or balance (the 3-metre
backward walk, the Timed Up and Go, the chair stand, the tandem stance, the treadmill and
gait-speed tests), so while one of these restrictions is open no walking test is offered or
stored — for the walker, her clinician or the terminal alike — until a clinician's recorded
clearance lifts it (§7.1). That the tests wait with the sessions is retrowalk's own rule
(**policy**): the rules name the sessions, and a test walk on a knee that may need a doctor is
no safer. Two things are not held:

- the knee questionnaire (KOOS) alone: it is answered sitting down;
- tests done *before* a red flag was reported (dated an earlier day, or at an earlier time
  from the terminal), **entered by a clinician** (:func:`enters_the_past`): they are a record
  of the past, not new exercise. As for sessions (``sessions.start_blocker``), only a red
  flag's time says "before": an adverse event's time is when the session reporting it was
  logged, not when it happened, and a rest day holds whatever is entered while it stands.
  The walker's own entries dated before the report are held like any other: a date she types
  cannot get round a red flag (§7.1), so what she did before it reaches the record through
  her clinician.

An awaited clearance (PAR-Q: a heart condition, chest pain, dizziness; recent knee surgery)
holds the walker's *own* tests too (**policy**, found by the outside-in test: "A clinician
needs to clear you" sat above "You can do the baseline tests now", and the chair stand and the
Timed Up and Go are exertion that the clearance is there to judge first); her clinician may
record them, done with her (``by_walker`` False); the plan may then be made, and no session
is offered until the clearance (``sessions.start_blocker``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from retrowalk.clinical.reasons import spoken_date
from retrowalk.clinical.restriction_models import (
    Effect,
    Restriction,
    RestrictionKind,
    Restrictions,
)
from retrowalk.services.clock import local_date
from retrowalk.services.schemas import Actor, AssessmentIn, Role
from retrowalk.services.schemas.restrictions import RestrictionOut

HOLDS_TESTS = frozenset(
    {RestrictionKind.RED_FLAG, RestrictionKind.ADVERSE_EVENT, RestrictionKind.REST_DAY}
)
"""The kinds that hold the walking tests while they stop every session (policy)."""

HOLDS_HER_OWN_TESTS = HOLDS_TESTS | {RestrictionKind.CLEARANCE_REQUIRED}
"""The kinds that hold the tests the walker records herself (policy: see the module)."""

CLEARANCE_FIRST = (
    "The baseline tests wait for that clearance too (a retrowalk rule: each makes you stand "
    "up and walk); your clinician can do them with you when they see you."
)
"""What the walker is told when an awaited clearance holds her tests."""

TESTS_WAIT = (
    "The walking tests wait until your clinician has seen you and recorded that you can start "
    "again (a retrowalk rule: every test makes you stand up and walk). Please contact your "
    "clinician."
)
"""What the walker is told wherever the tests wait (labelled as retrowalk's rule)."""

HELD_BY_FOR_CLINICIAN = {
    RestrictionKind.RED_FLAG: ("a red flag (stop and refer)", "red flag"),
    RestrictionKind.ADVERSE_EVENT: (
        "an adverse event waiting for your review (a fall, chest pain, dizziness or fainting)",
        "adverse-event review",
    ),
    RestrictionKind.REST_DAY: ("a rest day after a painful morning", "rest day"),
}
"""Each kind of :data:`HOLDS_TESTS` in the clinician's words, and the clearance that lifts it."""

HOLDS_TESTS_FOR_CLINICIAN = (
    "a red flag, an adverse event waiting for your review (a fall, chest pain, dizziness or "
    "fainting) or a rest day"
)
"""What holds the walking tests, for the clinician's form (found by the outside-in test: the
form named only a red flag or an adverse event, and a rest day held them too)."""

TESTS_WAIT_FOR_CLINICIAN = (
    "That the walking tests wait with the sessions is a retrowalk rule: every test makes the "
    "walker stand up and walk. The KOOS answers can be saved now."
)

WALKING_TEST_FIELDS = (
    "tug_s",
    "tandem_stance_s",
    "chair_stand_count",
    "chair_stand_used_arms",
    "backward_walk_3m_s",
    "treadmill_speed_up_m_s",
    "treadmill_speed_down_m_s",
    "gait_speed_m_s",
)
"""The fields of :class:`AssessmentIn` that record a test done standing or walking."""


PAST_VIA_CLINICIAN = (
    "If you walked or did the tests before you reported the warning sign, tell your "
    "clinician: they can add it to your record."
)
"""What the walker is told when an entry dated before a red-flag report is held."""


def enters_the_past(actor: Actor) -> bool:
    """Whether this actor's entries dated before a red-flag report count as a record of the
    past: a clinician's (a paper diary, what the walker told her) or the clinic terminal's,
    never the walker's own (**policy**: nothing the walker does gets round a restriction)."""
    return actor.role is not Role.WALKER


def has_walking_test(data: AssessmentIn) -> bool:
    """Whether this assessment records any standing or walking test (not only KOOS)."""
    return any(getattr(data, name) not in (None, False) for name in WALKING_TEST_FIELDS)


def holding(restrictions: Restrictions, *, by_walker: bool = False) -> tuple[Restriction, ...]:
    """The active restrictions that hold the walking tests, most serious first (``by_walker``:
    the tests she records herself, which an awaited clearance holds too)."""
    kinds = HOLDS_HER_OWN_TESTS if by_walker else HOLDS_TESTS
    return tuple(r for r in restrictions.blocking if r.kind in kinds)


def tests_wait(active: Iterable[RestrictionOut], *, by_walker: bool) -> bool:
    """Whether these active restrictions (as shown) hold the walking tests: a page that would
    link to the tests leaves the link out (``by_walker``: the walker's own pages)."""
    kinds = HOLDS_HER_OWN_TESTS if by_walker else HOLDS_TESTS
    return any(r.effect is Effect.NO_SESSIONS and r.kind in kinds for r in active)


def held_by_for_clinician(active: Iterable[RestrictionOut]) -> tuple[str, ...]:
    """The active restrictions holding the walking tests now, in the clinician's words."""
    return tuple(
        HELD_BY_FOR_CLINICIAN[r.kind][0]
        for r in active
        if r.effect is Effect.NO_SESSIONS and r.kind in HOLDS_TESTS
    )


def walking_tests_blocker(
    restrictions: Restrictions,
    *,
    tested_on: date | None = None,
    at: datetime | None = None,
    timezone: str = "UTC",
    past_kept: bool = True,
    for_clinician: bool = False,
    by_walker: bool = False,
) -> str | None:
    """Why no walking test can be recorded now (what to do first), or None when it may be.

    ``tested_on``/``at``: when the tests were done (a day, or the moment when they are dated
    today); a red flag reported after that moment does not hold them (a record of the past)
    when ``past_kept`` (a clinician enters them: :func:`enters_the_past`). ``for_clinician``:
    in the clinician's words (which restriction, since when, what lifts it), never the
    walker's "Rest today … Please contact your clinician" (found by the outside-in test)."""
    held = [
        r
        for r in holding(restrictions, by_walker=by_walker)
        if not (past_kept and _before(r, tested_on, at, timezone))
    ]
    if not held:
        return None
    first = held[0]
    if for_clinician:
        return _clinician_words(first, timezone)
    parts = [first.emergency or "", f"No walking tests now: {first.title.lower()}."]
    wait = CLEARANCE_FIRST if first.kind is RestrictionKind.CLEARANCE_REQUIRED else TESTS_WAIT
    parts += [*first.what_to_do, wait]
    if any(_before(r, tested_on, at, timezone) for r in held):
        parts.append(PAST_VIA_CLINICIAN)
    return " ".join(p for p in dict.fromkeys(parts) if p)


def _before(
    restriction: Restriction, tested_on: date | None, at: datetime | None, timezone: str
) -> bool:
    """Whether tests done on ``tested_on`` (at ``at`` when that is the same day) came before
    this red flag was reported; unknown times count as now, other restrictions never."""
    if at is None or restriction.kind is not RestrictionKind.RED_FLAG:
        return False
    set_on = local_date(restriction.since, timezone)
    if tested_on is not None and tested_on < local_date(at, timezone):
        return tested_on < set_on
    return at < restriction.since


def _clinician_words(restriction: Restriction, timezone: str) -> str:
    """ "No walking tests now: a rest day after a painful morning, since Monday 23 November,
    holds them (…). It lifts when you record a clearance of the rest day …"."""
    held_by, clearance = HELD_BY_FOR_CLINICIAN[restriction.kind]
    since = spoken_date(local_date(restriction.since, timezone))
    why = restriction.clinician_summary.rstrip(". ")
    return (
        f"No walking tests now: {held_by}, since {since}, holds them ({why}). It lifts when "
        f"you record a clearance of the {clearance} on this walker's page. "
        f"{TESTS_WAIT_FOR_CLINICIAN}"
    )
