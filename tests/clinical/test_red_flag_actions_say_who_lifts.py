"""Each red flag's advice says how urgent it is and who lifts the stop (RULES.md §7.1: only
the clinician's recorded clearance does): never "until a doctor has seen you" or "your
clinician or a doctor", which promised a doctor's visit would restart the walking (found by
the outside-in test of the words)."""

from __future__ import annotations

from retrowalk.clinical.red_flags import RED_FLAGS, KneeRedFlag, RedFlagUrgency
from retrowalk.clinical.screening import ScreeningOutcome
from retrowalk.present import vocabulary as vocab
from retrowalk.services.schemas import TodayStatus


def test_no_red_flag_advice_lets_a_doctors_visit_lift_the_stop() -> None:
    for flag in KneeRedFlag:
        action = RED_FLAGS[flag].action
        assert "until they have seen you" not in action, flag
        assert "or a doctor has" not in action, flag
        if RED_FLAGS[flag].urgency is not RedFlagUrgency.URGENT:
            assert "lifted this stop" in action, flag


def test_the_stop_headline_carries_no_urgency_of_its_own_and_names_who_lifts_it() -> None:
    """Calf pain needs emergency care now: a headline "please see a doctor first" above it
    read as less urgent; the headline leaves the urgency to the flag's own advice."""
    for words in (
        vocab.TODAY_STATUSES.long(TodayStatus.STOPPED),
        vocab.SCREENING_OUTCOMES.long(ScreeningOutcome.STOP_AND_REFER),
    ):
        assert "see a doctor" not in words
        assert "only your clinician can lift the stop" in words
