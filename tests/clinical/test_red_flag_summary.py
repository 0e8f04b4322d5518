"""The one line a red-flag restriction is listed with (the walker's today, the clinician's
list) names the most urgent open flag, not the newest (RULES.md §1.2: emergency care before
a doctor today before a doctor soon; ``RedFlagUrgency`` is that order). Found by the
outside-in test: ``locked_knee`` then ``knee_giving_way`` read "a doctor soon" everywhere
but the walker's page, while the locked knee needs emergency care now."""

from __future__ import annotations

import re

import pytest

from retrowalk.clinical.red_flags import (
    RED_FLAGS,
    URGENCY_WHEN,
    KneeRedFlag,
    red_flag_for_clinician,
    red_flag_reason,
)
from retrowalk.clinical.restriction_models import Restriction, RestrictionKind
from retrowalk.clinical.restrictions import active_restrictions
from retrowalk.clinical.walker_record import WalkerRecord
from tests.clinical.test_restrictions import checkin, clearance, report

LOCKED = KneeRedFlag.LOCKED_KNEE
GIVING_WAY = KneeRedFlag.KNEE_GIVING_WAY
HOT = KneeRedFlag.HOT_SWOLLEN_KNEE
CALF = KneeRedFlag.CALF_PAIN_SWELLING_WARMTH


def _red_flag(record: WalkerRecord) -> Restriction:
    found = active_restrictions(record).of(RestrictionKind.RED_FLAG)
    assert found is not None
    return found


def test_a_locked_knee_then_a_knee_giving_way_is_listed_as_emergency_care() -> None:
    stop = _red_flag(
        WalkerRecord(
            checkins=(checkin(0, 2, 2.0, LOCKED),), red_flag_reports=(report(5, GIVING_WAY),)
        )
    )
    assert stop.summary == red_flag_reason(LOCKED).message
    assert "emergency care now" in stop.summary
    # what to do, most urgent first: the emergency before "contact them soon"
    assert stop.what_to_do == (RED_FLAGS[LOCKED].action, RED_FLAGS[GIVING_WAY].action)


def test_the_order_they_came_in_does_not_matter() -> None:
    stop = _red_flag(
        WalkerRecord(red_flag_reports=(report(0, GIVING_WAY), report(5, HOT), report(9, LOCKED)))
    )
    assert stop.summary == red_flag_reason(LOCKED).message
    later = _red_flag(
        WalkerRecord(red_flag_reports=(report(0, LOCKED), report(5, HOT), report(9, GIVING_WAY)))
    )
    assert later.summary == red_flag_reason(LOCKED).message
    assert later.what_to_do[0] == RED_FLAGS[LOCKED].action


def test_a_doctor_today_comes_before_a_doctor_soon() -> None:
    stop = _red_flag(WalkerRecord(red_flag_reports=(report(0, HOT), report(5, GIVING_WAY))))
    assert stop.summary == red_flag_reason(HOT).message
    assert stop.what_to_do == (RED_FLAGS[HOT].action, RED_FLAGS[GIVING_WAY].action)


@pytest.mark.parametrize("first_then", [(CALF, LOCKED), (LOCKED, CALF)])
def test_among_flags_as_urgent_the_newest_is_listed(first_then: tuple[KneeRedFlag, ...]) -> None:
    first, then = first_then
    stop = _red_flag(WalkerRecord(red_flag_reports=(report(0, first), report(5, then))))
    assert stop.summary == red_flag_reason(then).message


def test_a_cleared_flag_no_longer_sets_the_line() -> None:
    """Only the open flags count: a locked knee cleared before the knee gave way is not
    listed."""
    stop = _red_flag(
        WalkerRecord(
            red_flag_reports=(report(0, LOCKED), report(9, GIVING_WAY)),
            clearances=(clearance(5, RestrictionKind.RED_FLAG),),
        )
    )
    assert stop.summary == red_flag_reason(GIVING_WAY).message
    assert stop.what_to_do == (RED_FLAGS[GIVING_WAY].action,)


def test_the_line_of_other_restrictions_is_still_the_newest_reason() -> None:
    rest = active_restrictions(WalkerRecord(checkins=(checkin(0, 8, 2.0), checkin(5, 9, 2.0))))
    found = rest.of(RestrictionKind.REST_DAY)
    assert found is not None
    assert found.summary == found.triggers[-1].reasons[0].message


@pytest.mark.parametrize("flag", list(KneeRedFlag))
def test_each_flag_has_one_urgency_in_every_sentence_that_quotes_it(flag: KneeRedFlag) -> None:
    """Found by the outside-in test of the words: the knee giving way read "a doctor soon"
    and "contact them today" on one page. A flag's action, its reason for the walker and for
    the clinician, and the lines of its restriction all say one time: now, today or soon."""
    when = URGENCY_WHEN[flag.info.urgency]
    others = [w for w in URGENCY_WHEN.values() if w != when]
    stop = _red_flag(WalkerRecord(red_flag_reports=(report(0, flag),)))
    reason = red_flag_reason(flag)
    quoting = (
        flag.info.action,
        reason.message,
        reason.for_clinician,
        red_flag_for_clinician(flag),
        stop.summary,
        stop.clinician_summary,
        *stop.what_to_do,
    )
    for sentence in quoting:
        words = set(re.findall(r"[a-z]+", sentence.lower()))
        assert when in words, (when, sentence)
        assert not words & set(others), (others, sentence)
