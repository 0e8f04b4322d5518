"""An administrator moves a walker to another clinician (a clinician leaves, or the clinic
shares out the work): her records go with her, the clinician before loses access at once,
the restrictions stay until a clinician clears them, and the move is audited with its
reason. Nobody else can move a walker. On both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retrowalk.services import accounts, audit_view, clinician, history, sessions, walkers
from retrowalk.services.context import AppContext
from retrowalk.services.errors import AccessDenied, Conflict, InvalidRequest
from retrowalk.services.schemas import Actor, Flag, Role
from tests.services.factory import T0, planned_walker, session_data
from tests.services.factory import clinician as make_clinician

REASON = "Dr Ng leaves the clinic at the end of the month."


@pytest.fixture
def clinic(ctx: AppContext) -> tuple[AppContext, Actor, Actor, Actor, int]:
    admin = accounts.ensure_local_admin(ctx)
    ng = make_clinician(ctx, admin, "ng@example.org")
    ola = make_clinician(ctx, admin, "ola@example.org")
    walker = planned_walker(ctx, ng)
    at = T0 + timedelta(hours=26)
    sessions.log_session(
        ctx.at(at), ng, walker.id, session_data("fall", at, adverse_events=["near_fall"])
    )
    return ctx.at(T0 + timedelta(days=2)), admin, ng, ola, walker.id


def test_the_walker_and_her_record_move_and_the_clinician_before_loses_access(
    clinic: tuple[AppContext, Actor, Actor, Actor, int],
) -> None:
    ctx, admin, ng, ola, walker_id = clinic
    before = history.walker_history(ctx, ng, walker_id, weeks=4)
    assert [w.walker.id for w in clinician.walker_flags(ctx, ng)] == [walker_id]  # kept
    moved = walkers.reassign_walker(
        ctx, admin, walker_id, {"clinician_id": ola.account_id, "reason": REASON}
    )
    assert moved.clinician_id == ola.account_id
    assert clinician.walker_flags(ctx, ng) == []  # the kept list is not shown to Dr Ng
    with pytest.raises(AccessDenied):
        walkers.get_walker(ctx, ng, walker_id)
    rows = clinician.walker_flags(ctx, ola)
    assert [r.walker.id for r in rows] == [walker_id]
    assert Flag.ADVERSE_EVENT in rows[0].flags  # the restriction went with her
    after = history.walker_history(ctx, ola, walker_id, weeks=4)
    assert after.sessions == before.sessions
    entry = next(
        e
        for e in audit_view.walker_audit(ctx, ola, walker_id).entries
        if e.action == "walker.reassign"
    )
    assert entry.what == "moved the walker to another clinician"
    assert entry.detail == {
        "from_clinician_id": ng.account_id,
        "to_clinician_id": ola.account_id,
        "reason": REASON,
        "password_links_withdrawn": 0,
    }


def test_only_an_administrator_moves_a_walker_and_only_to_a_clinician(
    clinic: tuple[AppContext, Actor, Actor, Actor, int],
) -> None:
    ctx, admin, ng, ola, walker_id = clinic
    change = {"clinician_id": ola.account_id, "reason": REASON}
    with pytest.raises(AccessDenied, match="Only an admin"):
        walkers.reassign_walker(ctx, ng, walker_id, change)  # her own clinician
    with pytest.raises(AccessDenied):
        walkers.reassign_walker(ctx, ola, walker_id, {**change, "clinician_id": ola.account_id})
    me = walkers.get_walker(ctx, admin, walker_id)
    her = Actor(account_id=me.account_id, role=Role.WALKER)
    with pytest.raises(AccessDenied):
        walkers.reassign_walker(ctx, her, walker_id, change)
    with pytest.raises(
        InvalidRequest,
        match=r"clinician_id: \d+ is not a clinician.s or an administrator.s account",
    ):
        walkers.reassign_walker(ctx, admin, walker_id, {**change, "clinician_id": me.account_id})
    with pytest.raises(InvalidRequest, match="clinician_id"):
        walkers.reassign_walker(ctx, admin, walker_id, {**change, "clinician_id": 99_999})
    with pytest.raises(InvalidRequest, match="reason"):
        walkers.reassign_walker(ctx, admin, walker_id, {**change, "reason": "  "})
    with pytest.raises(Conflict, match="already"):
        walkers.reassign_walker(ctx, admin, walker_id, {**change, "clinician_id": ng.account_id})
    assert walkers.get_walker(ctx, admin, walker_id).clinician_id == ng.account_id


def test_an_administrator_can_take_a_walker_herself(
    clinic: tuple[AppContext, Actor, Actor, Actor, int],
) -> None:
    """Found by the outside-in test: the administrator is a clinician too (the first account,
    with walkers of her own), so a walker can be moved to her and back."""
    ctx, admin, ng, _ola, walker_id = clinic
    ada = accounts.create_account(
        ctx, admin, {"email": "ada@example.org", "display_name": "Ada", "role": "admin"}
    )
    mine = walkers.reassign_walker(
        ctx, admin, walker_id, {"clinician_id": ada.id, "reason": REASON}
    )
    assert mine.clinician_id == ada.id
    with pytest.raises(AccessDenied):
        walkers.get_walker(ctx, ng, walker_id)
    back = walkers.reassign_walker(
        ctx, admin, walker_id, {"clinician_id": ng.account_id, "reason": "Dr Ng is back."}
    )
    assert back.clinician_id == ng.account_id


def test_a_password_link_the_clinician_before_made_stops_working(
    clinic: tuple[AppContext, Actor, Actor, Actor, int],
) -> None:
    """Found in review: the link comes back to whoever makes it, so after the move the
    clinician before could still have set her password and signed in as her."""
    from retrowalk.services import reset_links
    from retrowalk.services.schemas import ResetLinkState

    ctx, admin, ng, ola, walker_id = clinic
    account_id = walkers.get_walker(ctx, admin, walker_id).account_id
    link = reset_links.issue_reset_link(ctx, ng, account_id)
    assert reset_links.reset_link_preview(ctx, link.token).state is ResetLinkState.VALID
    walkers.reassign_walker(
        ctx, admin, walker_id, {"clinician_id": ola.account_id, "reason": REASON}
    )
    assert reset_links.reset_link_preview(ctx, link.token).state is not ResetLinkState.VALID
    with pytest.raises(AccessDenied):
        reset_links.use_reset_link(ctx, link.token, "$argon2id$v=19$m=65536,t=3,p=4$x$y")
    entry = next(
        e
        for e in audit_view.walker_audit(ctx, ola, walker_id).entries
        if e.action == "walker.reassign"
    )
    assert entry.detail["password_links_withdrawn"] == 1


def test_the_terminals_own_administrator_is_nobodys_clinician(
    clinic: tuple[AppContext, Actor, Actor, Actor, int],
) -> None:
    """It never signs in on the web: a walker under it would have nobody to look after her."""
    ctx, admin, _ng, _ola, walker_id = clinic
    with pytest.raises(InvalidRequest, match="terminal's own administrator"):
        walkers.reassign_walker(
            ctx, admin, walker_id, {"clinician_id": admin.account_id, "reason": REASON}
        )
