"""One error model for every adapter: the API answers each wrong field as data beside the
sentence, documented in OpenAPI; pages and the API take their status from one table."""

from __future__ import annotations

from itertools import count

import pytest

from retrowalk.services import errors as service_errors
from retrowalk.services.errors import FieldProblem, InvalidRequest, ProblemKind, parse
from retrowalk.services.schemas import SessionIn
from retrowalk.web.errors import STATUS, FormError, status_for
from tests.web.conftest import CLEARED_SCREENING, World, invite_walker, sign_in

_emails = count()


def test_a_bad_session_body_names_each_field_with_its_kind_and_limits(world: World) -> None:
    n = next(_emails)
    person = invite_walker(
        world.ctx, world.clinician_a, f"err{n}@example.org", f"Err {n}", "error-pass-12"
    )
    with world.client() as client:
        csrf = sign_in(client, person)
        body = {
            "client_key": "bad-1",
            "duration_min": 10,
            "speed_m_s": 0.7,
            "surface": "moon",
            "supervised": True,
            "pain_before_nprs": 2,
            "pain_peak_nprs": 12,
            "pain_after_nprs": 2,
            "effort_cr10": "lots",
        }
        answer = client.post(
            f"/api/v1/walkers/{person.walker.id}/sessions",
            json=body,
            headers={"X-CSRF-Token": csrf},
        )
    assert answer.status_code == 422
    found = {p["field"]: p for p in answer.json()["problems"]}
    assert found["pain_peak_nprs"]["kind"] == "too_large"
    assert found["pain_peak_nprs"]["limits"] == {"le": 10}
    assert found["pain_peak_nprs"]["given"] == 12
    assert found["effort_cr10"]["kind"] == "not_whole_number"
    assert found["surface"]["kind"] == "not_one_of"
    # The sentence is made from the same data.
    assert "pain_peak_nprs: must be at most 10 (got 12)" in answer.json()["detail"]


def test_a_rule_of_a_use_case_is_a_problem_too(world: World) -> None:
    n = next(_emails)
    person = invite_walker(
        world.ctx, world.clinician_a, f"rule{n}@example.org", f"Rule {n}", "error-pass-12"
    )
    base = f"/api/v1/walkers/{person.walker.id}"
    with world.client() as client:
        csrf = sign_in(client, person)
        client.post(f"{base}/screenings", json=CLEARED_SCREENING, headers={"X-CSRF-Token": csrf})
    with world.client() as desk:
        csrf = sign_in(desk, world.clinician_a)
        answer = desk.post(
            f"{base}/clearances",
            json={"scope": "red_flag", "reason": "   "},
            headers={"X-CSRF-Token": csrf},
        )
    assert answer.status_code == 422
    (problem,) = answer.json()["problems"]
    assert problem["field"] == "reason"


def test_the_openapi_schema_documents_the_problems(world: World) -> None:
    with world.client() as client:
        schema = client.get("/api/v1/openapi.json").json()
    body = schema["components"]["schemas"]["ErrorBody"]
    assert set(body["properties"]) == {"detail", "problems"}
    problem = schema["components"]["schemas"]["FieldProblem"]
    assert {"field", "kind", "limits", "given", "message"} <= set(problem["properties"])
    kinds = schema["components"]["schemas"]["ProblemKind"]["enum"]
    assert set(kinds) == {k.value for k in ProblemKind}
    session_post = schema["paths"]["/api/v1/walkers/{walker_id}/sessions"]["post"]
    assert session_post["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }


def test_one_status_table_covers_every_error_the_services_raise() -> None:
    raised = [
        value
        for value in vars(service_errors).values()
        if isinstance(value, type) and issubclass(value, service_errors.ServiceError)
    ]
    for kind in raised:
        assert any(issubclass(kind, known) for known, _ in STATUS), kind
    assert status_for(service_errors.NotFound("x")) == 404
    assert status_for(service_errors.CheckinNotOpen("x")) == 409
    assert status_for(service_errors.NotReadyToWalk("x")) == 409
    assert status_for(service_errors.AccessDenied("x")) == 403
    assert status_for(FormError("x")) == 422
    assert status_for(RuntimeError("x")) == 400


def test_services_keep_every_problem_as_data() -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse(SessionIn, {"client_key": "k", "pain_peak_nprs": -1})
    problems = {p.field: p for p in caught.value.problems}
    assert problems["pain_peak_nprs"].kind is ProblemKind.TOO_SMALL
    assert problems["pain_peak_nprs"].limits == {"ge": 0}
    assert problems["duration_min"].kind is ProblemKind.MISSING
    assert caught.value.field == caught.value.problems[0].field
    assert str(caught.value) == "; ".join(p.sentence() for p in caught.value.problems) + "."


def test_a_sentence_with_a_field_becomes_one_rule_problem() -> None:
    error = InvalidRequest("reason: say why, in a few words.", field="reason")
    assert error.problems == (
        FieldProblem(field="reason", kind=ProblemKind.RULE, message="say why, in a few words."),
    )


def test_a_refused_password_is_never_echoed_back(world: World) -> None:
    """A mistyped password in a 422 would land in logs, proxies and the browser's history."""
    secret = "correct-horse-battery-" + "x" * 2000
    with world.client() as client:
        csrf = client.get("/api/v1/session").json()["csrf_token"]
        answer = client.post(
            "/api/v1/session",
            json={"email": world.walker_a.email, "password": secret},
            headers={"X-CSRF-Token": csrf},
        )
    assert answer.status_code == 422
    assert "correct-horse" not in answer.text
    (problem,) = answer.json()["problems"]
    assert problem["field"] == "password"
    assert problem["given"] is None


def test_text_that_would_show_backwards_is_refused(world: World) -> None:
    """A right-to-left override in a note or a name turns the text around it backwards on
    every page and in the report: refused where it is typed, naming the field."""
    assert world.walker_a.walker is not None
    with world.client() as client:
        csrf = sign_in(client, world.clinician_a)
        answer = client.post(
            f"/api/v1/walkers/{world.walker_a.walker.id}/notes",
            json={"text": "pain \u202eyad txen"},
            headers={"X-CSRF-Token": csrf},
        )
    assert answer.status_code == 422
    (problem,) = answer.json()["problems"]
    assert problem["field"] == "text"
    assert "text-direction control character" in problem["message"]


def test_a_name_of_only_spaces_is_refused_naming_the_field(world: World) -> None:
    """A walker named "   " showed as an empty line in the clinician's list."""
    with world.client() as client:
        csrf = sign_in(client, world.clinician_a)
        answer = client.post(
            "/api/v1/walkers",
            json={"email": "blank@example.org", "display_name": "   ", "timezone": "UTC"},
            headers={"X-CSRF-Token": csrf},
        )
    assert answer.status_code == 422
    problems = {p["field"]: p["message"] for p in answer.json()["problems"]}
    assert "must have letters in it, not only spaces" in problems["display_name"]
