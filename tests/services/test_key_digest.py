"""The digest of what a one-time key was sent with: the same values give the same digest
however they were written; any one value changed gives another; what a replay may change
(a session's adverse events) and the key itself are never part of it."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from retrowalk.clinical.session_records import AdverseEvent
from retrowalk.clinical.surfaces import Surface
from retrowalk.services.key_digest import key_digest
from retrowalk.services.schemas import NoteIn, SessionIn
from retrowalk.services.sessions import REPLAY_MAY_CHANGE, session_digest

SESSION_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "performed_at": st.sampled_from(
        ["2026-01-05T09:00:00+00:00", "2026-01-05T10:30:00+01:00", "2026-01-06T18:00:00Z"]
    ),
    "duration_min": st.integers(min_value=1, max_value=60),
    "speed_m_s": st.floats(min_value=0.1, max_value=1.5, allow_nan=False),
    "incline_pct": st.sampled_from([0.0, 1.0, 2.0]),
    "surface": st.sampled_from([s.value for s in Surface]),
    "supervised": st.booleans(),
    "pain_before_nprs": st.integers(min_value=0, max_value=10),
    "pain_peak_nprs": st.integers(min_value=0, max_value=10),
    "pain_after_nprs": st.integers(min_value=0, max_value=10),
    "effort_cr10": st.integers(min_value=0, max_value=10),
    "note": st.none() | st.from_regex(r"[A-Za-z][A-Za-z .,]{0,40}", fullmatch=True),
    "steps": st.none() | st.integers(min_value=0, max_value=20_000),
}
"""A valid value for every session field the digest holds (``REPLAY_MAY_CHANGE`` apart)."""

sessions_sent = st.fixed_dictionaries(SESSION_FIELDS)


def _session(values: dict[str, Any], key: str = "k-1") -> SessionIn:
    return SessionIn.model_validate({"client_key": key, **values})


@given(
    values=sessions_sent, order=st.randoms(use_true_random=False), key=st.text("abc", min_size=1)
)
def test_equal_sessions_have_equal_digests(values: dict[str, Any], order: Any, key: str) -> None:
    """However the names are ordered, and whatever the key: the same values, the same digest."""
    names = list(values)
    order.shuffle(names)
    shuffled = {name: values[name] for name in names}
    assert session_digest(_session(values)) == session_digest(_session(shuffled, key=key))
    assert len(session_digest(_session(values))) == 64


@given(values=sessions_sent, data=st.data())
def test_any_one_value_changed_changes_the_digest(values: dict[str, Any], data: Any) -> None:
    name = data.draw(st.sampled_from(sorted(SESSION_FIELDS)))
    other = data.draw(SESSION_FIELDS[name].filter(lambda v: v != values[name]))
    first, changed = _session(values), _session({**values, name: other})
    if getattr(first, name) == getattr(changed, name):  # two spellings of one moment
        assert session_digest(first) == session_digest(changed)
    else:
        assert session_digest(first) != session_digest(changed)


@given(
    values=sessions_sent,
    events=st.lists(st.sampled_from([e.value for e in AdverseEvent]), unique=True),
    completed=st.booleans(),
    another=st.none() | st.booleans(),
)
def test_what_a_replay_may_change_is_not_in_a_sessions_digest(
    values: dict[str, Any], events: list[str], completed: bool, another: bool | None
) -> None:
    assert {"adverse_events", "completed", "another_today"} == REPLAY_MAY_CHANGE
    plain = _session(values)
    resent = _session(
        {**values, "adverse_events": events, "completed": completed, "another_today": another}
    )
    assert session_digest(plain) == session_digest(resent)


@given(text=st.from_regex(r"[A-Za-z][A-Za-z .,]{0,80}", fullmatch=True))
def test_a_note_and_the_same_values_as_a_mapping_have_one_digest(text: str) -> None:
    """A use case without an input model (an invitation, a link) digests its named values
    the same way: canonical JSON of what was sent, without the key."""
    note = NoteIn(text=text, client_key="k-1")
    assert key_digest(note) == key_digest({"text": note.text, "client_key": "another"})
    assert key_digest(note) != key_digest({"text": note.text + "!"})
