"""Access is enforced in the services: the web app and the CLI rely on it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retrowalk.services import (
    accounts,
    checkins,
    clinician,
    history,
    plans,
    sessions,
    walkers,
)
from retrowalk.services.context import AppContext
from retrowalk.services.errors import AccessDenied, Conflict, InvalidRequest
from retrowalk.services.schemas import Actor, Role
from tests.services.factory import T0, planned_walker, session_data
from tests.services.factory import clinician as make_clinician


def _walker_actor(account_id: int) -> Actor:
    return Actor(account_id=account_id, role=Role.WALKER)


def test_walker_reaches_only_their_own_records(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    ann = planned_walker(ctx, admin, "ann@example.org")
    bob = planned_walker(ctx, admin, "bob@example.org")
    as_ann = _walker_actor(ann.account_id)
    sessions.log_session(
        ctx.at(T0),
        as_ann,
        ann.id,
        session_data("a1", T0),
    )
    assert (
        plans.todays_prescription(
            ctx.at(T0),
            as_ann,
            ann.id,
        ).walker_id
        == ann.id
    )
    with pytest.raises(AccessDenied):
        history.walker_history(ctx, as_ann, bob.id)
    with pytest.raises(AccessDenied):
        sessions.log_session(ctx, as_ann, bob.id, session_data("x", T0))
    with pytest.raises(AccessDenied):
        checkins.morning_checkin(
            ctx, as_ann, bob.id, {"pain_nprs": 1, "stiffness_nprs": 1, "new_red_flags": []}
        )
    with pytest.raises(AccessDenied):
        plans.todays_prescription(ctx, as_ann, bob.id)
    assert [w.id for w in walkers.list_walkers(ctx, as_ann)] == [ann.id]
    with pytest.raises(AccessDenied):
        clinician.adjust_prescription(
            ctx, as_ann, ann.id, {"duration_min": 30, "reason": "I want more"}
        )
    with pytest.raises(AccessDenied):
        clinician.walker_flags(ctx, as_ann)


def test_clinician_reaches_only_their_own_walkers(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr_a = make_clinician(ctx, admin, "a@clinic.org")
    dr_b = make_clinician(ctx, admin, "b@clinic.org")
    mine = planned_walker(ctx, dr_a, "mine@example.org")
    theirs = planned_walker(ctx, dr_b, "theirs@example.org")
    assert [w.id for w in walkers.list_walkers(ctx, dr_a)] == [mine.id]
    assert [f.walker.id for f in clinician.walker_flags(ctx, dr_a)] == [mine.id]
    with pytest.raises(AccessDenied):
        walkers.get_walker(ctx, dr_a, theirs.id)
    with pytest.raises(AccessDenied):
        clinician.add_note(ctx, dr_a, theirs.id, {"text": "hello"})
    with pytest.raises(AccessDenied):
        walkers.enrol_walker(
            ctx,
            dr_a,
            {
                "email": "x@example.org",
                "display_name": "X",
                "age_years": 60,
                "sex": "male",
                "knee_condition": "oa",
                "knee_side": "left",
                "clinician_id": dr_b.account_id,
            },
        )
    note = clinician.add_note(ctx, dr_a, mine.id, {"text": "Doing well"})
    assert note.author_id == dr_a.account_id
    assert {w.id for w in walkers.list_walkers(ctx, admin)} == {mine.id, theirs.id}


def test_forged_role_is_refused(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    ann = planned_walker(ctx, admin)
    forged = Actor(account_id=ann.account_id, role=Role.ADMIN)
    with pytest.raises(AccessDenied):
        walkers.list_walkers(ctx, forged)


def test_first_run_setup_token_and_invitation(ctx: AppContext) -> None:
    assert accounts.first_run_needed(ctx)
    token = accounts.create_setup_token(ctx).token
    with pytest.raises(AccessDenied):
        accounts.complete_setup(
            ctx,
            "wrong",
            {"email": "dr@c.org", "display_name": "Dr", "role": "clinician", "password_hash": "h"},
        )
    dr = accounts.complete_setup(
        ctx,
        token,
        {"email": "Dr@C.org", "display_name": "Dr", "role": "clinician", "password_hash": "h1"},
    )
    assert dr.email == "dr@c.org"
    assert not accounts.first_run_needed(ctx)
    with pytest.raises(AccessDenied):
        accounts.complete_setup(
            ctx,
            token,
            {"email": "e@c.org", "display_name": "E", "role": "admin", "password_hash": "h"},
        )
    login = accounts.find_account_by_email(ctx, "DR@c.org")
    assert login is not None
    assert login.password_hash == "h1"
    actor = login.actor
    invite = accounts.create_invitation(
        ctx.at(T0),
        actor,
        "walker@example.org",
    )
    signup = {
        "display_name": "Wendy",
        "password_hash": "h2",
        "age_years": 70,
        "sex": "female",
        "knee_condition": "patellofemoral_pain",
        "knee_side": "right",
        "timezone": "America/New_York",
    }
    with pytest.raises(AccessDenied, match="expired"):
        accounts.accept_invitation(
            ctx.at(T0 + timedelta(days=15)),
            invite.token,
            signup,
        )
    walker = accounts.accept_invitation(
        ctx.at(T0 + timedelta(days=1)),
        invite.token,
        signup,
    )
    assert walker.clinician_id == dr.id
    assert walker.email == "walker@example.org"
    with pytest.raises(AccessDenied, match="already used"):
        accounts.accept_invitation(ctx, invite.token, signup)
    with pytest.raises(Conflict):
        accounts.create_invitation(ctx, actor, "walker@example.org")
    updated = accounts.set_password_hash(ctx, actor, dr.id, "h3")
    assert updated.has_password


def test_bad_input_names_the_field(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    ann = planned_walker(ctx, admin)
    with pytest.raises(InvalidRequest, match="pain_peak_nprs") as err:
        sessions.log_session(ctx, admin, ann.id, session_data("k", T0, pain_peak_nprs=11))
    assert err.value.field == "pain_peak_nprs"
    with pytest.raises(InvalidRequest, match="timezone"):
        walkers.enrol_walker(
            ctx,
            admin,
            {
                "email": "t@example.org",
                "display_name": "T",
                "age_years": 60,
                "sex": "male",
                "knee_condition": "oa",
                "knee_side": "left",
                "timezone": "Mars/Olympus",
            },
        )
    with pytest.raises(InvalidRequest, match="speed_m_s or distance_m"):
        sessions.log_session(ctx, admin, ann.id, session_data("k2", T0, speed_m_s=None))
    with pytest.raises(Conflict, match="already exists"):
        walkers.enrol_walker(
            ctx,
            admin,
            {
                "email": "ann@example.org",
                "display_name": "Ann again",
                "age_years": 60,
                "sex": "female",
                "knee_condition": "oa",
                "knee_side": "left",
            },
        )


def test_cli_admin_does_not_end_first_run(ctx: AppContext) -> None:
    accounts.ensure_local_admin(ctx)
    assert accounts.first_run_needed(ctx), "the local admin cannot sign in"
    token = accounts.create_setup_token(ctx).token
    with pytest.raises(InvalidRequest, match="password"):
        accounts.complete_setup(
            ctx, token, {"email": "a@c.org", "display_name": "A", "role": "admin"}
        )
    accounts.complete_setup(
        ctx,
        token,
        {"email": "a@c.org", "display_name": "A", "role": "admin", "password_hash": "h"},
    )
    assert not accounts.first_run_needed(ctx)
    assert accounts.ensure_local_admin(ctx).account_id == 1


def test_walker_finds_their_own_profile(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    ann = planned_walker(ctx, admin)
    as_ann = _walker_actor(ann.account_id)
    assert walkers.walker_for_account(ctx, as_ann, ann.account_id).id == ann.id
