"""Speeds as people read them: one speed never reads two ways."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from retrowalk.clinical.norms import KM_H_PER_M_S
from retrowalk.present.numbers import speed_words


@given(st.floats(min_value=0.01, max_value=3.0, allow_nan=False))
def test_the_km_h_follow_the_m_s_as_shown(speed: float) -> None:
    """Found by the outside-in test: 0.32 m/s read 1.1 km/h on the plan and 1.2 km/h on the
    session page (the km/h came from the unrounded speed). Two speeds that show the same m/s
    show the same km/h."""
    found = re.fullmatch(r"(\d+\.\d\d) m/s \((\d+\.\d) km/h\)", speed_words(speed))
    assert found is not None, speed_words(speed)
    shown = float(found.group(1))
    assert found.group(2) == f"{shown * KM_H_PER_M_S:.1f}"
    assert speed_words(shown) == speed_words(speed)


def test_no_speed_is_a_dash() -> None:
    assert speed_words(None) == "—"
