"""The web layer's own pieces, without a server: password hashing, sessions, the login
rate limiter (a property test over random attempt times) and the SVG charts."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.web.charts import HEIGHT, WIDTH, Band, Series, line_chart
from retrowalk.web.passwords import hash_password, verify_password
from retrowalk.web.ratelimit import SlidingWindowLimiter
from retrowalk.web.sessions import SessionStore, tokens_match


def test_passwords_are_argon2_hashed_and_verified() -> None:
    stored = hash_password("knees forward, feet backward")
    assert stored.startswith("$argon2id$")
    assert "knees" not in stored
    assert verify_password(stored, "knees forward, feet backward")
    assert not verify_password(stored, "knees forward, feet backwards")
    assert not verify_password("not a hash", "anything")


def test_sign_in_gives_a_new_random_session_id_and_csrf_token() -> None:
    store = SessionStore()
    visitor = store.new()
    signed = store.sign_in(visitor, account_id=7, role="walker", display_name="W", walker_id=3)
    assert signed.session_id != visitor.session_id
    assert signed.csrf_token != visitor.csrf_token
    assert store.get(visitor.session_id) is None, "the pre-login id stops working"
    assert store.get(signed.session_id) is signed
    assert len(signed.session_id) >= 40


def test_idle_sessions_expire() -> None:
    now = [0.0]
    store = SessionStore(idle_timeout_s=60, clock=lambda: now[0])
    session = store.new()
    now[0] = 59
    assert store.get(session.session_id) is session
    now[0] = 59 + 61
    assert store.get(session.session_id) is None


def test_the_store_never_holds_more_than_its_limit() -> None:
    store = SessionStore(max_sessions=3)
    ids = [store.new().session_id for _ in range(5)]
    assert [store.get(i) is not None for i in ids] == [False, False, True, True, True]


def test_csrf_tokens_compare_exactly() -> None:
    assert tokens_match("abc", "abc")
    assert not tokens_match("abc", "abd")
    assert not tokens_match("abc", None)
    assert not tokens_match("abc", "")


@settings(max_examples=200, deadline=None)
@given(
    gaps=st.lists(st.floats(min_value=0, max_value=50, allow_nan=False), max_size=30),
    max_failures=st.integers(min_value=1, max_value=6),
    window_s=st.floats(min_value=1, max_value=100, allow_nan=False),
)
def test_a_key_is_blocked_exactly_while_the_window_holds_max_failures(
    gaps: list[float], max_failures: int, window_s: float
) -> None:
    now = [0.0]
    limiter = SlidingWindowLimiter(
        max_failures=max_failures, window_s=window_s, clock=lambda: now[0]
    )
    times: list[float] = []
    for gap in gaps:
        now[0] += gap
        recent = [t for t in times if now[0] - t < window_s]
        blocked = limiter.retry_after_s("key") > 0
        assert blocked == (len(recent) >= max_failures)
        if not blocked:
            limiter.record_failure("key")
            times.append(now[0])
    assert limiter.retry_after_s("other key") == 0


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(
        st.floats(min_value=-50, max_value=150, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=40,
    ),
    band=st.floats(min_value=0, max_value=20, allow_nan=False),
)
def test_every_chart_point_is_drawn_inside_the_picture(values: list[float], band: float) -> None:
    start = date(2026, 1, 5)
    points = [(start + timedelta(days=3 * i), v) for i, v in enumerate(values)]
    svg = str(
        line_chart(
            Series(
                title="Pain",
                unit="/10",
                points=points,
                y_min=0,
                y_max=10,
                band=Band(values[0] - band, values[0] + band, "band"),
            )
        )
    )
    dots = [(float(x), float(y)) for x, y in re.findall(r'cx="([-\d.]+)" cy="([-\d.]+)"', svg)]
    assert len(dots) == len(points)
    assert all(0 <= x <= WIDTH and 0 <= y <= HEIGHT for x, y in dots)
    assert 'role="img"' in svg
    assert "<title" in svg


def test_an_empty_chart_says_so_in_words() -> None:
    html = str(line_chart(Series(title="KOOS Pain", unit="points", points=[], y_min=0, y_max=100)))
    assert "No koos pain recorded yet" in html


def test_chart_text_is_escaped() -> None:
    html = str(
        line_chart(
            Series(
                title="<script>x</script>",
                unit="min",
                points=[(date(2026, 1, 1), 3.0)],
                y_min=0,
                y_max=10,
            )
        )
    )
    assert "<script>" not in html


def test_sources_are_shown_as_short_citations() -> None:
    from retrowalk.web.render import source_label

    assert source_label("alghadir2019") == "Alghadir 2019"
    assert source_label("silbernagel2007") == "Silbernagel 2007"
    assert source_label("not-a-key") == "not-a-key"


def test_sources_without_an_author_are_named_without_a_cut_off_explanation() -> None:
    """The screening result showed "PAR-Q, the classic 7-item CSEP version (item wording …"."""
    from retrowalk.clinical.evidence import CATALOGUE
    from retrowalk.web.render import source_label

    assert source_label("parq_classic") == "PAR-Q"
    assert source_label("nhs_knee_red_flags") == "NHS knee red-flag pathways"
    assert source_label("ottawa_knee_rule") == "Ottawa Knee Rule"
    for key in CATALOGUE:
        label = source_label(key)
        assert "…" not in label, label
        assert label.count("(") == label.count(")"), label


def test_the_served_app_ignores_the_test_only_fast_clock() -> None:
    """A 120×-fast stopwatch would record a wrong baseline-test time: only the browser tests
    may ask for it (``allow_fast_clock=True``); the app `retrowalk serve` runs never does."""
    from starlette.requests import Request

    from retrowalk.store import open_database
    from retrowalk.web.app import create_app
    from retrowalk.web.pages.walker_pages import FAST_CLOCK_SPEED, clock_speed

    def speed(allow: bool | None) -> int:
        db = open_database("sqlite+pysqlite:///:memory:", migrate=False)
        app = create_app(db) if allow is None else create_app(db, allow_fast_clock=allow)
        scope = {"type": "http", "query_string": b"clock=fast", "headers": [], "app": app}
        return clock_speed(Request(scope))

    assert speed(None) == 1
    assert speed(False) == 1
    assert speed(True) == FAST_CLOCK_SPEED
