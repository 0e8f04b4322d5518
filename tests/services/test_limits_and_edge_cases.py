"""Limits and edge cases of the records, each on both databases (SQLite and PostgreSQL).

- ``walker_for_account`` returns the profile (it used to read a row after its session closed);
- a session stopped before any backward walking (0 minutes) can be logged and decided;
- ids beyond a 32-bit INTEGER and text with a NUL character are refused with a sentence
  naming the field, identically on both databases, and nothing is stored;
- the clinician's adjustment is bounded by the clinical constants, not by copies of them.
"""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from typing import Any

import pytest

from retrowalk.clinical.errors import ClinicalError
from retrowalk.clinical.policy import DEFAULT_POLICY, PolicyConfig
from retrowalk.clinical.prescription import (
    INCLINE_STEPS_PCT,
    MAX_DURATION_MIN,
    MAX_SESSIONS_PER_WEEK,
)
from retrowalk.services import (
    accounts,
    assessments,
    checkins,
    clinician,
    history,
    plans,
    sessions,
    walkers,
)
from retrowalk.services.context import AppContext
from retrowalk.services.errors import AccessDenied, InvalidRequest, NotFound
from retrowalk.services.schemas import ID_MAX, Actor, Role
from tests.services.factory import (
    T0,
    TREADMILL_TEST,
    enrol,
    morning,
    planned_walker,
    session_data,
)
from tests.services.factory import clinician as make_clinician

TOO_BIG_IDS = [ID_MAX + 1, 2**63, 2**80]
NUL = "\x00"


# --- 1. walker_for_account --------------------------------------------------------------------


def test_walker_for_account_returns_the_profile_for_each_role(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr_a = make_clinician(ctx, admin, "a@clinic.org")
    dr_b = make_clinician(ctx, admin, "b@clinic.org")
    ann = enrol(ctx, dr_a, "ann@example.org")
    bob = enrol(ctx, dr_b, "bob@example.org")
    as_ann = Actor(account_id=ann.account_id, role=Role.WALKER)

    assert walkers.walker_for_account(ctx, as_ann, ann.account_id) == ann
    assert walkers.walker_for_account(ctx, dr_a, ann.account_id) == ann
    assert walkers.walker_for_account(ctx, admin, bob.account_id) == bob
    with pytest.raises(AccessDenied):
        walkers.walker_for_account(ctx, as_ann, bob.account_id)
    with pytest.raises(AccessDenied):
        walkers.walker_for_account(ctx, dr_a, bob.account_id)
    with pytest.raises(NotFound, match="no walker profile"):
        walkers.walker_for_account(ctx, admin, dr_a.account_id)


# --- 2. a fall during the warm-up ---------------------------------------------------------------


def test_a_fall_before_any_backward_walking_is_logged_and_regresses(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    logged = sessions.log_session(
        ctx,
        admin,
        walker.id,
        session_data(
            "warm-up-fall",
            T0,
            duration_min=0,
            speed_m_s=None,
            adverse_events=["fall"],
            completed=False,
            pain_peak_nprs=4,
        ),
    )
    assert logged.duration_min == 0
    assert logged.adverse_events == ("fall",)
    decided = checkins.morning_checkin(ctx, admin, walker.id, morning(T0))
    assert decided.decision in ("stop", "regress")
    assert any("adverse" in r.code for r in decided.reasons)
    flags = clinician.walker_flags(
        ctx.at(T0 + timedelta(days=1)),
        admin,
    )
    assert "adverse_event" in flags[0].flags
    assert plans.todays_prescription(
        ctx.at(T0 + timedelta(days=2)),
        admin,
        walker.id,
    ).supervised


def test_zero_minutes_stopped_early_without_an_event_is_logged(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    data = session_data("knee-said-no", T0, duration_min=0, speed_m_s=None, completed=False)
    assert sessions.log_session(ctx, admin, walker.id, data).duration_min == 0
    out = checkins.morning_checkin(ctx, admin, walker.id, morning(T0))
    assert out.decision != "progress"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"duration_min": 0}, "duration_min: may be 0 only"),
        (
            {"duration_min": 0, "distance_m": 40, "speed_m_s": None, "completed": False},
            "distance_m: must be 0",
        ),
        ({"duration_min": -1}, "duration_min"),
    ],
)
def test_zero_minutes_needs_a_reason(
    ctx: AppContext, overrides: dict[str, Any], message: str
) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    with pytest.raises(InvalidRequest, match=message):
        sessions.log_session(ctx, admin, walker.id, session_data("x", T0, **overrides))
    assert (
        history.walker_history(
            ctx.at(T0),
            admin,
            walker.id,
        ).sessions
        == ()
    )


# --- 4. ids and NUL characters ------------------------------------------------------------------


@pytest.mark.parametrize("too_big", TOO_BIG_IDS)
def test_ids_beyond_the_integer_column_are_refused(ctx: AppContext, too_big: int) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    sessions.log_session(ctx, admin, walker.id, session_data("s", T0))
    with pytest.raises(InvalidRequest, match=f"session_id.*{ID_MAX}"):
        checkins.morning_checkin(ctx, admin, walker.id, {**morning(T0), "session_id": too_big})
    with pytest.raises(InvalidRequest, match=f"clinician_id.*{ID_MAX}"):
        enrol(ctx, admin, "other@example.org", clinician_id=too_big)
    with pytest.raises(InvalidRequest, match=f"walker_id.*{ID_MAX}"):
        walkers.get_walker(ctx, admin, too_big)
    with pytest.raises(InvalidRequest, match=f"walker_id.*{ID_MAX}"):
        plans.todays_prescription(
            ctx.at(T0),
            admin,
            too_big,
        )
    with pytest.raises(InvalidRequest, match=f"account_id.*{ID_MAX}"):
        accounts.get_account(ctx, admin, too_big)
    with pytest.raises(InvalidRequest, match=f"account_id.*{ID_MAX}"):
        walkers.walker_for_account(ctx, admin, too_big)
    # the database is still usable afterwards (no aborted transaction left behind)
    assert checkins.morning_checkin(ctx, admin, walker.id, morning(T0)).decision


def _with_nul(text: str) -> str:
    return text[:2] + NUL + text[2:]


def test_nul_in_every_free_text_field_is_refused_and_nothing_is_stored(
    ctx: AppContext,
) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    refused: list[tuple[str, Any]] = [
        ("text", lambda: clinician.add_note(ctx, admin, walker.id, {"text": _with_nul("x")})),
        (
            "reason",
            lambda: clinician.clear_walker(
                ctx, admin, walker.id, {"scope": "start", "reason": _with_nul("seen")}
            ),
        ),
        (
            "reason",
            lambda: clinician.adjust_prescription(
                ctx, admin, walker.id, {"duration_min": 12, "reason": _with_nul("why")}
            ),
        ),
        (
            "note",
            lambda: sessions.log_session(
                ctx, admin, walker.id, session_data("k", T0, note=_with_nul("felt ok"))
            ),
        ),
        ("display_name", lambda: enrol(ctx, admin, "n@example.org", display_name="A\0B")),
        ("email", lambda: enrol(ctx, admin, _with_nul("nul@example.org"))),
        ("timezone", lambda: enrol(ctx, admin, "tz@example.org", timezone="UTC\0")),
        (
            "display_name",
            lambda: accounts.create_account(
                ctx, admin, {"email": "c@example.org", "display_name": "C\0", "role": "admin"}
            ),
        ),
        (
            "koos_answers",
            lambda: assessments.record_assessment(
                ctx.at(T0),
                admin,
                walker.id,
                {"koos_answers": {"P1\0": 1}},
            ),
        ),
        (
            "password_hash",
            lambda: accounts.set_password_hash(ctx, admin, admin.account_id, "h\0"),
        ),
    ]
    for field, call in refused:
        with pytest.raises(InvalidRequest, match=f"(?s){field}.*NUL character") as caught:
            call()
        assert caught.value.field is None or caught.value.field.startswith(field)
    record = history.walker_history(
        ctx.at(T0 + timedelta(days=1)),
        admin,
        walker.id,
    )
    assert record.notes == ()
    assert record.sessions == ()
    assert record.clearances == ()
    assert [p.decision for p in record.prescriptions] == ["start"]
    assert len(walkers.list_walkers(ctx, admin)) == 1


# --- 5. one place for each clinical number ------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"duration_min": MAX_DURATION_MIN + 1}, "duration_min"),
        ({"sessions_per_week": MAX_SESSIONS_PER_WEEK + 1}, "sessions_per_week"),
        ({"incline_pct": INCLINE_STEPS_PCT[-1] + 1}, "incline_pct"),
    ],
)
def test_adjustment_beyond_the_clinical_ceilings_is_refused(
    ctx: AppContext, change: dict[str, int], field: str
) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    with pytest.raises(InvalidRequest, match=field):
        clinician.adjust_prescription(ctx, admin, walker.id, {**change, "reason": "why not"})


def test_adjustment_at_the_ceilings_is_accepted(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    assessments.record_assessment(ctx.at(T0), admin, walker.id, TREADMILL_TEST)  # §7.10
    out = clinician.adjust_prescription(
        ctx.at(T0),
        admin,
        walker.id,
        {
            "duration_min": MAX_DURATION_MIN,
            "sessions_per_week": MAX_SESSIONS_PER_WEEK,
            "incline_pct": INCLINE_STEPS_PCT[-1],
            "surface": "treadmill",
            "reason": "at the ceilings",
        },
    )
    assert (out.duration_min, out.sessions_per_week, out.incline_pct) == (
        MAX_DURATION_MIN,
        MAX_SESSIONS_PER_WEEK,
        INCLINE_STEPS_PCT[-1],
    )


def test_an_incline_between_the_steps_is_refused_by_the_clinical_rule(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    between = (INCLINE_STEPS_PCT[0] + INCLINE_STEPS_PCT[1]) // 2
    with pytest.raises(ClinicalError, match="incline"):
        clinician.adjust_prescription(
            ctx,
            admin,
            walker.id,
            {"incline_pct": between, "surface": "treadmill", "reason": "odd step"},
        )


def test_missed_sessions_window_is_a_documented_policy(ctx: AppContext) -> None:
    window = DEFAULT_POLICY.missed_sessions_window_days
    assert "Policy" in (PolicyConfig.model_fields["missed_sessions_window_days"].description or "")
    assert "Policy" in (PolicyConfig.model_fields["flag_window_days"].description or "")
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    flags = clinician.walker_flags(
        ctx.at(T0 + timedelta(days=window)),
        admin,
    )
    assert "missed_sessions" in flags[0].flags
    assert f"0 sessions in the last {window} days" in " ".join(flags[0].details)
    assert walker.id == flags[0].walker.id


def test_text_that_looks_like_a_formula_is_plain_text_in_a_spreadsheet() -> None:
    """A note typed as ``=HYPERLINK(…)`` must not run when the walker opens her own data in a
    spreadsheet (the report tables already did this; her own download did not)."""
    from retrowalk.services import my_data

    data = {
        "account": None,
        "walker": {"id": 1, "display_name": '=HYPERLINK("http://x")', "age_years": 66},
        "records": {"sessions": [{"id": 1, "notes": "+1 then -2", "duration_min": -0.0}]},
    }
    with zipfile.ZipFile(io.BytesIO(my_data.as_csv_zip(data))) as archive:
        walker = archive.read("walker.csv").decode()
        sessions = archive.read("sessions.csv").decode()
    assert "'=HYPERLINK" in walker
    assert ",66" in walker  # numbers stay numbers
    assert "'+1 then -2" in sessions


def test_more_sessions_than_the_plan_a_week_are_flagged_for_her_clinician(
    ctx: AppContext,
) -> None:
    """Found by the outside-in test: six sessions in one day against a plan of three a week
    told nobody. Each is stored (the record is the truth); her clinician's list says it."""
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    day = T0 + timedelta(days=1)
    plan_a_week = 3
    for n in range(plan_a_week):
        sessions.log_session(
            ctx.at(day + timedelta(hours=n)),
            admin,
            walker.id,
            session_data(f"s{n}", day + timedelta(hours=n), another_today=True),
        )
    row = clinician.walker_flags(ctx.at(day + timedelta(hours=5)), admin)[0]
    assert "more_sessions_than_planned" not in row.flags  # as many as planned: fine
    sessions.log_session(
        ctx.at(day + timedelta(hours=4)),
        admin,
        walker.id,
        session_data("s-more", day + timedelta(hours=4), another_today=True),
    )
    row = clinician.walker_flags(ctx.at(day + timedelta(hours=5)), admin)[0]
    assert "more_sessions_than_planned" in row.flags
    said = " ".join(row.details)
    assert "4 sessions on 1 day" in said
    assert f"{plan_a_week} a week are prescribed" in said


def test_a_missed_sessions_window_longer_than_the_flag_window_counts_every_session(
    ctx: AppContext,
) -> None:
    """Found in review: the sessions were read for the flag window only, so a clinic whose
    missed-sessions window is longer saw sessions "missed" that were done."""
    from retrowalk.services import policies

    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    policies.set_policy(
        ctx.at(T0),
        admin,
        {"flag_window_days": 7, "missed_sessions_window_days": 21},
        "Three weeks of sessions for the missed flag.",
    )
    first = T0 + timedelta(days=7)
    for n in range(9):  # three a week for three weeks, as prescribed
        at = first + timedelta(days=n * 7 // 3)
        sessions.log_session(ctx.at(at), admin, walker.id, session_data(f"w{n}", at))
    row = clinician.walker_flags(ctx.at(first + timedelta(days=20, hours=10)), admin)[0]
    assert "missed_sessions" not in row.flags
    assert "more_sessions_than_planned" not in row.flags


# --- strict numbers and yes/no; nonsense values; another's record --------------------------


def _scalar_fields() -> list[tuple[str, str, Any]]:
    """(model, field, FieldInfo) of every number and yes/no field of every input model."""
    import importlib
    import pkgutil

    import retrowalk.services.schemas as package
    from retrowalk.services.schemas.base import InputModel
    from retrowalk.web.forms import scalar_of

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    found = []
    pending = list(InputModel.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        for name, info in model.model_fields.items():
            if scalar_of(info.annotation) is not None or "bool" in str(info.annotation):
                found.append((model.__name__, name, info))
    return found


def test_every_number_and_yes_no_of_every_input_model_is_strict() -> None:
    """``true`` stored as 1, ``"0.5"`` taken as 0.5: each such field must hold a strict
    scalar (``WholeNumber``, ``Number``, ``YesNo``), a new field too."""
    from pydantic import Strict

    lax = [
        f"{model}.{name}"
        for model, name, info in _scalar_fields()
        if not any(isinstance(m, Strict) for m in _metadata(info.annotation))
        and not any(isinstance(m, Strict) for m in info.metadata)
    ]
    assert len(_scalar_fields()) > 30
    assert lax == []


def _metadata(annotation: Any) -> list[Any]:
    from typing import Annotated, get_args, get_origin

    if get_origin(annotation) is Annotated:
        return [*annotation.__metadata__, *_metadata(get_args(annotation)[0])]
    return [m for arg in get_args(annotation) for m in _metadata(arg)]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"supervised": 1}, "supervised", "must be true or false"),
        ({"completed": 0}, "completed", "must be true or false"),
        ({"duration_min": "10"}, "duration_min", "must be a number"),
        ({"speed_m_s": "0.5"}, "speed_m_s", "must be a number"),
        ({"pain_peak_nprs": True}, "pain_peak_nprs", "must be a whole number"),
        ({"pain_peak_nprs": 3.0}, "pain_peak_nprs", "must be a whole number"),
        ({"duration_min": 1e-300}, "duration_min", "or at least 0.1 minutes"),
        ({"speed_m_s": 0.0001}, "speed_m_s", "at least 0.01 m/s (1 cm a second)"),
    ],
)
def test_a_session_takes_numbers_and_yes_no_only_as_such_and_no_nonsense(
    ctx: AppContext, change: dict[str, Any], field: str, words: str
) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    with pytest.raises(InvalidRequest) as refused:
        sessions.log_session(ctx, admin, walker.id, session_data("strict-1", T0, **change))
    assert refused.value.field == field
    assert words in str(refused.value)
    assert history.walker_history(ctx, admin, walker.id).sessions == ()


def test_a_walk_of_a_tenth_of_a_minute_and_a_speed_of_a_centimetre_a_second_are_kept(
    ctx: AppContext,
) -> None:
    """The guided timer reports tenths of a minute; 0 minutes stays "not walked"."""
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    data = session_data("tenth-1", T0, duration_min=0.1, speed_m_s=0.01)
    logged = sessions.log_session(ctx, admin, walker.id, data)
    assert (logged.duration_min, logged.speed_m_s) == (0.1, 0.01)


def test_a_check_in_refuses_true_as_a_session_id(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    walker = planned_walker(ctx, admin)
    with pytest.raises(InvalidRequest) as refused:
        checkins.morning_checkin(ctx, admin, walker.id, {**morning(T0), "session_id": True})
    assert refused.value.field == "session_id"


def test_a_backward_speed_below_a_centimetre_a_second_is_refused_by_the_fall_risk_rule() -> None:
    from retrowalk.clinical.errors import InvalidInputError
    from retrowalk.clinical.fall_risk import FallRiskTests, Sex, assess_fall_risk

    with pytest.raises(InvalidInputError) as refused:
        assess_fall_risk(
            FallRiskTests(age_years=66, sex=Sex.FEMALE, backward_speed_m_s=0.0001), DEFAULT_POLICY
        )
    assert refused.value.field == "backward_speed_m_s"
    assert "1 cm a second" in str(refused.value)


def test_another_clinicians_walker_is_answered_as_one_that_does_not_exist(
    ctx: AppContext,
) -> None:
    """Same error type for the web's status (404), same words but for the id."""
    admin = accounts.ensure_local_admin(ctx)
    dr_a = make_clinician(ctx, admin, "a@clinic.org")
    dr_b = make_clinician(ctx, admin, "b@clinic.org")
    ann = enrol(ctx, dr_a, "ann@example.org")
    with pytest.raises(NotFound) as theirs:
        walkers.get_walker(ctx, dr_b, ann.id)
    with pytest.raises(NotFound) as nobody:
        walkers.get_walker(ctx, dr_b, ID_MAX)
    assert str(theirs.value).replace(str(ann.id), "N") == str(nobody.value).replace(
        str(ID_MAX), "N"
    )
    with pytest.raises(NotFound) as profile:
        walkers.walker_for_account(ctx, dr_b, ann.account_id)
    assert "walker" not in str(profile.value).split("profile")[1]
