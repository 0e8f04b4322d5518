"""The codes of the use cases as enums (role, decision, today status, flag, states);
their words are :mod:`retrowalk.present.vocabulary`."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from retrowalk.clinical.restriction_models import RestrictionKind


class Role(StrEnum):
    """Who an account is: it decides what they may reach (see :mod:`retrowalk.services.access`)."""

    WALKER = "walker"
    CLINICIAN = "clinician"
    ADMIN = "admin"


class Decision(StrEnum):
    """Why a plan version exists: the decision that made it (stored on every prescription).

    ``progress``, ``hold``, ``regress`` and ``stop`` are the clinical progression actions
    (:class:`retrowalk.clinical.session_records.Action`); the others are made by the services."""

    START = "start"
    PROGRESS = "progress"
    HOLD = "hold"
    REGRESS = "regress"
    STOP = "stop"
    STEP_BACK = "step_back"
    ADJUST = "adjust"
    REASSESS = "reassess"
    CLEAR = "clear"
    REVIEW = "review"


class TodayStatus(StrEnum):
    """What today holds for a walker, the first that applies (see ``plans.todays_prescription``).

    ``stopped``: a red flag; ``waiting_for_review``: an adverse event a clinician must review;
    ``rest_day``: next-morning pain called for rest; ``waiting_for_clearance``: a clearance is
        needed. In each of these no session is offered (RULES.md §7). ``see_clinician``: no safe
    starting speed could be measured and the fall risk is high or not known;
    ``needs_speed_test``: a treadmill plan without the treadmill test; ``checkin_first``: the
    last session's morning check-in is due, and it decides today's session (RULES.md §3), so
    it comes first; ``red_flags_first``: a morning check-in was decided without its report (a
    later session was logged first), so its red-flag questions (RULES.md §7.7) come first."""

    NEEDS_SCREENING = "needs_screening"
    STOPPED = "stopped"
    WAITING_FOR_REVIEW = "waiting_for_review"
    REST_DAY = "rest_day"
    WAITING_FOR_CLEARANCE = "waiting_for_clearance"
    SEE_CLINICIAN = "see_clinician"
    NEEDS_ASSESSMENT = "needs_assessment"
    NEEDS_SPEED_TEST = "needs_speed_test"
    NEEDS_PLAN = "needs_plan"
    CHECKIN_FIRST = "checkin_first"
    RED_FLAGS_FIRST = "red_flags_first"
    READY = "ready"
    DONE_TODAY = "done_today"

    @property
    def walk_allowed(self) -> bool:
        """A session may be shown and started today (also a second one the same day)."""
        return self in (TodayStatus.READY, TodayStatus.DONE_TODAY)


class InvitationState(StrEnum):
    """What an invitation link can still do, and nothing more (no email, no clinician)."""

    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    UNKNOWN = "unknown"


class Flag(StrEnum):
    """Why a clinician should look at a walker now (computed in the services).

    Every active restriction is a flag of its own (``red_flag`` … ``walking_aid``; the PAR-Q
    clearance keeps its name ``waiting_for_clearance``), beside the flags of the record."""

    RED_FLAG = "red_flag"
    ADVERSE_EVENT = "adverse_event"
    REST_DAY = "rest_day"
    WAITING_FOR_CLEARANCE = "waiting_for_clearance"
    FALL_RISK = "fall_risk"
    WALKING_AID = "walking_aid"
    WALKED_OUTSIDE_SUPERVISION = "walked_outside_supervision"
    WALKED_AGAINST_RESTRICTION = "walked_against_restriction"
    """A session with walking time came in (with an adverse event) while a restriction stopped
    every session: stored as told (RULES.md §7.9), the restriction it went against named."""
    ABOVE_PLAN = "above_plan"
    """A session well above its plan's minutes or speed (the thresholds are policy:
    ``PolicyConfig.above_plan_extra_min``, ``above_plan_speed_fraction``)."""
    PAIN_FLARE = "pain_flare"
    MORNING_PAIN_UP = "morning_pain_up"
    MISSED_SESSIONS = "missed_sessions"
    MORE_SESSIONS_THAN_PLANNED = "more_sessions_than_planned"
    """More sessions in the missed-sessions window than the plan's sessions a week (policy)."""
    RED_FLAGS_UNASKED = "red_flags_unasked"
    """A check-in closed without its report left the red-flag questions unasked (RULES.md
    §7.7): the walker's today asks them first (status ``red_flags_first``)."""
    REASSESSMENT_DUE = "reassessment_due"
    NO_CLINICIAN = "no_clinician"
    """Shown to administrators: the walker is on no clinician's list, so nobody but an
    administrator sees her flags (found by the outside-in test: an admin enrolled a walker
    without naming a clinician, and her red flag reached no one)."""
    NOT_SCREENED = "not_screened"
    """No screening yet: nothing is known of the safety questions (never "fine")."""
    NO_PLAN = "no_plan"
    """Screened, but no plan yet (not shown beside a red flag, which makes none)."""
    RECORD_UNREADABLE = "record_unreadable"
    """A stored record the rules cannot read: the walker is marked, the list still shows."""


FLAG_OF_RESTRICTION: Final[dict[RestrictionKind, Flag]] = {
    RestrictionKind.RED_FLAG: Flag.RED_FLAG,
    RestrictionKind.ADVERSE_EVENT: Flag.ADVERSE_EVENT,
    RestrictionKind.REST_DAY: Flag.REST_DAY,
    RestrictionKind.CLEARANCE_REQUIRED: Flag.WAITING_FOR_CLEARANCE,
    RestrictionKind.FALL_RISK: Flag.FALL_RISK,
    RestrictionKind.WALKING_AID: Flag.WALKING_AID,
}


"""The flag each active restriction shows on the clinician's list."""


class ResetLinkState(StrEnum):
    """What a password link can still do."""

    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"
