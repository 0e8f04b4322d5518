"""The web layer's own pieces, without a server: password hashing, sessions kept in the
database, the sign-in throttle's growing delay (a property test) and the SVG charts."""

from __future__ import annotations

import itertools
import math
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.present.charts import HEIGHT, WIDTH, Band, Series, line_chart
from retrowalk.services import accounts, sign_in_throttle, sign_ins
from retrowalk.services.context import AppContext, build_context
from retrowalk.services.sign_in_throttle import ThrottlePolicy
from retrowalk.web.passwords import hash_password, verify_password
from retrowalk.web.sign_in_store import SignInStore, tokens_match
from retrowalk.web.signing import Signer


def test_passwords_are_argon2_hashed_and_verified() -> None:
    stored = hash_password("knees forward, feet backward")
    assert stored.startswith("$argon2id$")
    assert "knees" not in stored
    assert verify_password(stored, "knees forward, feet backward")
    assert not verify_password(stored, "knees forward, feet backwards")
    assert not verify_password("not a hash", "anything")


def test_a_password_typed_in_decomposed_unicode_is_the_same_password() -> None:
    """ "é" as one character (a phone) and as "e" + combining accent (a Mac) hash alike."""
    composed = "caf\u00e9 au lait backwards"
    decomposed = "cafe\u0301 au lait backwards"
    assert composed != decomposed
    assert verify_password(hash_password(composed), decomposed)
    assert verify_password(hash_password(decomposed), composed)


def test_a_hash_made_before_normalisation_still_matches() -> None:
    from argon2 import PasswordHasher

    legacy = PasswordHasher().hash("cafe\u0301 au lait backwards")  # not NFKC-normalised
    assert verify_password(legacy, "cafe\u0301 au lait backwards")


def _db(tmp_path: Path) -> AppContext:
    return build_context(f"sqlite+pysqlite:///{tmp_path / 'units.sqlite'}")


def test_sign_in_gives_a_new_random_session_id_and_csrf_token(tmp_path: Path) -> None:
    ctx = _db(tmp_path)
    admin = accounts.ensure_local_admin(ctx)
    store = SignInStore(ctx, Signer(ctx))
    visitor = store.new()
    signed = store.sign_in(
        visitor, account_id=admin.account_id, role="admin", display_name="A", walker_id=None
    )
    assert signed.session_id != visitor.session_id
    assert signed.csrf_token != visitor.csrf_token
    assert store.get(signed.session_id) is not None
    assert store.get(signed.session_id).account_id == admin.account_id  # type: ignore[union-attr]
    assert len(signed.session_id) >= 40
    store.drop(signed)
    assert store.get(signed.session_id) is None, "signed out: the id stops working"


def test_the_database_keeps_only_a_hash_of_the_cookie(tmp_path: Path) -> None:
    from sqlalchemy import select

    from retrowalk.store.models import SignIn

    ctx = _db(tmp_path)
    admin = accounts.ensure_local_admin(ctx)
    started = sign_ins.start(ctx, admin.account_id)
    with ctx.db.reader() as session:
        stored = session.scalars(select(SignIn.token_hash)).all()
    assert started.token not in stored
    assert stored == [sign_ins.token_hash(started.token)]


def test_idle_sign_ins_end(tmp_path: Path) -> None:
    ctx = _db(tmp_path)
    admin = accounts.ensure_local_admin(ctx)
    t0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    started = sign_ins.start(
        ctx.at(t0),
        admin.account_id,
    )
    idle = sign_ins.IDLE_TIMEOUT
    assert (
        sign_ins.find(
            ctx.at(t0 + idle - timedelta(minutes=1)),
            started.token,
        )
        is not None
    )
    later = t0 + 2 * idle - timedelta(minutes=2)  # seen a minute before the previous idle end
    assert (
        sign_ins.find(
            ctx.at(later),
            started.token,
        )
        is not None
    )
    assert (
        sign_ins.find(
            ctx.at(later + idle + timedelta(seconds=1)),
            started.token,
        )
        is None
    )


def test_a_forged_visitor_cookie_is_refused(tmp_path: Path) -> None:
    ctx = _db(tmp_path)
    store = SignInStore(ctx, Signer(ctx))
    visitor = store.new()
    visitor.flash.append("Hello")
    visitor.leave_flash("f1")  # kept for the page its redirect leads to
    cookie = store.cookie_value(visitor)
    loaded = store.get(cookie)
    assert loaded is not None
    assert loaded.csrf_token == visitor.csrf_token
    assert loaded.take_flash("f1") == ["Hello"]
    body, mac = cookie.removeprefix("v1.").split(".")
    assert store.get(f"v1.{body}.{mac[:-2]}AA") is None
    other = SignInStore(ctx, Signer(_db(tmp_path / "..")))  # another database: another key
    assert other.get(cookie) is None


def test_csrf_tokens_compare_exactly() -> None:
    assert tokens_match("abc", "abc")
    assert not tokens_match("abc", "abd")
    assert not tokens_match("abc", None)
    assert not tokens_match("abc", "")
    assert not tokens_match("abc", "\ud800")


def test_a_key_waits_exactly_as_long_as_its_failures_say(tmp_path: Path) -> None:
    """Property, against the real store: after n wrong passwords in a row a key waits
    ``wait_after(n)`` (none while n <= free, then doubling up to the maximum); an attempt
    during the wait is refused without being counted."""
    ctx = _db(tmp_path)
    t0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    @settings(max_examples=60, deadline=None, database=None)
    @given(
        gaps=st.lists(st.integers(min_value=0, max_value=400), max_size=15),
        free=st.integers(min_value=0, max_value=4),
        first=st.integers(min_value=1, max_value=30),
    )
    def check(gaps: list[int], free: int, first: int) -> None:
        policy = ThrottlePolicy(free_failures=free, first_wait_s=first, max_wait_s=600)
        waits = [policy.wait_after(n) for n in range(free + 1, free + 12)]
        assert [policy.wait_after(n) for n in range(free + 1)] == [0.0] * (free + 1)
        assert waits[0] == first
        assert all(b == min(600, 2 * a) for a, b in itertools.pairwise(waits))
        key = sign_in_throttle.address_key(f"{uuid.uuid4()}@example.org", "10.0.0.9")
        now, failures, allowed_at = 0, 0, 0.0
        for gap in gaps:
            now += gap
            at = t0 + timedelta(seconds=now)
            expected_wait = max(0, math.ceil(allowed_at - now))
            assert (
                sign_in_throttle.wait_s(
                    ctx.at(at),
                    key,
                )
                == expected_wait
            )
            if expected_wait == 0:
                failures += 1
                got = sign_in_throttle.record_failure(
                    ctx.at(at),
                    key,
                    policy,
                )
                assert got == math.ceil(policy.wait_after(failures))
                allowed_at = now + policy.wait_after(failures)

    check()


def test_wrong_passwords_for_one_key_do_not_delay_another(tmp_path: Path) -> None:
    ctx = _db(tmp_path)
    policy = ThrottlePolicy(free_failures=2, first_wait_s=5)
    t0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    key = sign_in_throttle.address_key("ann@example.org", "10.0.0.1")
    other = sign_in_throttle.address_key("ann@example.org", "10.0.0.2")
    device = sign_in_throttle.device_key("ann@example.org", "nonce")
    waits = [
        sign_in_throttle.record_failure(
            ctx.at(t0),
            key,
            policy,
        )
        for _ in range(5)
    ]
    assert waits == [0, 0, 5, 10, 20]
    assert (
        sign_in_throttle.wait_s(
            ctx.at(t0),
            key,
        )
        == 20
    )
    assert (
        sign_in_throttle.wait_s(
            ctx.at(t0 + timedelta(seconds=21)),
            key,
        )
        == 0
    )
    assert (
        sign_in_throttle.wait_s(
            ctx.at(t0),
            other,
        )
        == 0
    )
    assert (
        sign_in_throttle.wait_s(
            ctx.at(t0),
            device,
        )
        == 0
    )
    sign_in_throttle.forget(ctx, key)
    assert (
        sign_in_throttle.record_failure(
            ctx.at(t0),
            key,
            policy,
        )
        == 0
    )


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
    assert "No koos pain in this period" in html


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

    from retrowalk.web.app import create_app
    from retrowalk.web.pages.walker_pages import FAST_CLOCK_SPEED, clock_speed

    def speed(allow: bool | None) -> int:
        ctx = build_context("sqlite+pysqlite:///:memory:", migrate=False)
        app = create_app(ctx) if allow is None else create_app(ctx, allow_fast_clock=allow)
        scope = {"type": "http", "query_string": b"clock=fast", "headers": [], "app": app}
        return clock_speed(Request(scope))

    assert speed(None) == 1
    assert speed(False) == 1
    assert speed(True) == FAST_CLOCK_SPEED
