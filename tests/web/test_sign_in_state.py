"""Sign-in state lives in the database: visitors cost no rows, so no flood of them can push a
signed-in walker out (before, 10,400 anonymous ``GET /api/v1/session`` evicted one)."""

from __future__ import annotations

from sqlalchemy import func, select

from retrowalk.store.models import SignIn
from tests.web.conftest import World, sign_in

VISITORS = 100


def stored_sign_ins(world: World) -> int:
    with world.ctx.db.reader() as session:
        return int(session.scalar(select(func.count()).select_from(SignIn)) or 0)


def test_visitors_get_no_stored_session_and_evict_nobody(world: World) -> None:
    with world.client() as walker:
        sign_in(walker, world.walker_a)
        before = stored_sign_ins(world)
        with world.client() as visitor:
            for _ in range(VISITORS):
                visitor.cookies.clear()  # a new visitor each time
                assert visitor.get("/api/v1/session").status_code == 200
                assert visitor.get("/login").status_code == 200
        assert stored_sign_ins(world) == before, "a visitor never makes a row"
        assert walker.get("/api/v1/me").status_code == 200, "still signed in"


def test_a_visitors_form_token_needs_no_row_and_works(world: World) -> None:
    before = stored_sign_ins(world)
    with world.client() as visitor:
        token = visitor.get("/api/v1/session").json()["csrf_token"]
        assert stored_sign_ins(world) == before
        signed = visitor.post(
            "/api/v1/session",
            json={"email": world.walker_b.email, "password": world.walker_b.password},
            headers={"X-CSRF-Token": token},
        )
        assert signed.status_code == 200
        assert stored_sign_ins(world) == before + 1, "signing in stores the sign-in"
        visitor.delete("/api/v1/session", headers={"X-CSRF-Token": signed.json()["csrf_token"]})
    assert stored_sign_ins(world) == before, "signing out removes it"
