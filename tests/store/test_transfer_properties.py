"""Export encoding is exact for any value a column can hold (property tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from retrowalk.store import transfer
from retrowalk.store.models import Base

SESSIONS = Base.metadata.tables["sessions"]
PRESCRIPTIONS = Base.metadata.tables["prescriptions"]

texts = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)


@given(st.none() | texts)
def test_text_cells_round_trip(value: str | None) -> None:
    cell = transfer._cell(SESSIONS, "note", value)
    assert transfer._uncell(SESSIONS, "note", cell) == value


@given(st.none() | st.floats(allow_nan=False, allow_infinity=False))
def test_float_cells_round_trip_exactly(value: float | None) -> None:
    cell = transfer._cell(SESSIONS, "speed_m_s", value)
    assert transfer._uncell(SESSIONS, "speed_m_s", cell) == value


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(texts, json_values, max_size=5))
def test_json_cells_round_trip(value: dict[str, object]) -> None:
    cell = transfer._cell(PRESCRIPTIONS, "prescription_json", value)
    assert transfer._uncell(PRESCRIPTIONS, "prescription_json", cell) == value


@given(
    st.datetimes(
        min_value=datetime(1970, 1, 2),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30))]),
    )
)
def test_datetimes_encode_as_aware_utc_and_back(value: datetime) -> None:
    from retrowalk.store.column_types import UTCDateTime

    class _Dialect:
        name = "sqlite"

    kind = UTCDateTime()
    stored = kind.process_bind_param(value, _Dialect())  # type: ignore[arg-type]
    back = kind.process_result_value(stored, _Dialect())  # type: ignore[arg-type]
    assert back == value
    assert back is not None
    assert back.utcoffset() == timedelta(0)
    encoded = transfer._encode(back)
    assert transfer._decode(SESSIONS, "performed_at", encoded) == value
