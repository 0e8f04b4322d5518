"""The JSON API, version 1: the walker's and the clinician's use cases over HTTP.

Sign in: ``GET /api/v1/session`` gives a CSRF token (and the session cookie);
``POST /api/v1/session`` with email and password signs in. Every POST/DELETE carries the
token in the ``X-CSRF-Token`` header. Access to each walker's records is decided by the
services (a walker: only their own; a clinician: only their own walkers). Every error is
``{"detail": "<one sentence>"}`` with the status listed on each operation.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from retrowalk.clinical import evidence
from retrowalk.clinical import screening as clinical_screening
from retrowalk.services import (
    accounts,
    assessments,
    checkins,
    clinician,
    history,
    plans,
    restrictions,
    screening,
    sessions,
    walkers,
)
from retrowalk.services.errors import NotFound
from retrowalk.services.schemas import (
    ID_MAX,
    AccountOut,
    Actor,
    AdjustmentIn,
    AssessmentIn,
    AssessmentOut,
    CheckinIn,
    CheckinOut,
    ClearanceIn,
    ClearanceOut,
    HistoryOut,
    InvitationOut,
    NoteIn,
    NoteOut,
    PrescriptionOut,
    ReassessmentStatus,
    RestrictionsOut,
    Role,
    ScreeningIn,
    ScreeningOut,
    SessionIn,
    SessionOut,
    TodayOut,
    WalkerFlags,
    WalkerIn,
    WalkerOut,
)
from retrowalk.web.auth import (
    check_csrf,
    ensure_session,
    require_actor,
    require_clinician,
    sign_out,
)
from retrowalk.web.errors import ERROR_RESPONSES
from retrowalk.web.pages.auth_pages import authenticate, start_session
from retrowalk.web.state import web_state

router = APIRouter(
    prefix="/api/v1",
    responses=ERROR_RESPONSES,
    dependencies=[Depends(check_csrf)],
)

WalkerId = Annotated[int, Path(ge=1, le=ID_MAX, description="The walker's id")]
SignedIn = Annotated[Actor, Depends(require_actor)]
Clinician = Annotated[Actor, Depends(require_clinician)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(_Model):
    email: Annotated[str, Field(min_length=1, max_length=320)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class SessionInfo(_Model):
    """Who is signed in (``account`` is null for a visitor) and the CSRF token to send."""

    csrf_token: str
    account: AccountOut | None
    walker_id: int | None
    """For a walker: their own walker id."""


class InvitationIn(_Model):
    email: Annotated[str, Field(min_length=1, max_length=320)]


class QuestionsOut(_Model):
    """The screening questions as the services expect the answers (see ScreeningIn)."""

    parq: list[str]
    """The 7 PAR-Q questions; answer with 7 booleans in this order."""
    steadi: dict[str, str]
    """STEADI key questions by field name."""
    red_flags: dict[str, str]
    """Knee red flags: value → question."""


class EvidenceOut(_Model):
    bottom_line: str
    seed_claims: list[evidence.SeedClaim]
    sources: list[evidence.Evidence]


# --- session ---------------------------------------------------------------------


def _session_info(request: Request) -> SessionInfo:
    session = ensure_session(request)
    account = None
    if session.account_id is not None and session.role is not None:
        actor = Actor(account_id=session.account_id, role=Role(session.role))
        account = accounts.get_account(web_state(request).db, actor, session.account_id)
    return SessionInfo(csrf_token=session.csrf_token, account=account, walker_id=session.walker_id)


@router.get("/session", tags=["session"])
def get_session(request: Request) -> SessionInfo:
    """The current session and its CSRF token (starts a visitor session if there is none)."""
    return _session_info(request)


@router.post("/session", tags=["session"])
def sign_in(request: Request, body: LoginIn) -> SessionInfo:
    """Sign in (rate limited per account and per address). The session id changes."""
    account = authenticate(request, body.email.strip(), body.password)
    start_session(request, account)
    return _session_info(request)


@router.delete("/session", tags=["session"])
def sign_out_api(request: Request) -> SessionInfo:
    """Sign out; a fresh visitor session (with a new CSRF token) is returned."""
    sign_out(request)
    request.scope["state"].pop("web_session_clear_cookie", None)
    return _session_info(request)


@router.get("/me", tags=["session"])
def me(request: Request, actor: SignedIn) -> AccountOut:
    return accounts.get_account(web_state(request).db, actor, actor.account_id)


# --- walkers ---------------------------------------------------------------------


@router.get("/walkers", tags=["walkers"])
def list_walkers(request: Request, actor: SignedIn) -> list[WalkerOut]:
    """The walkers the signed-in person may see (a walker: only themselves)."""
    return walkers.list_walkers(web_state(request).db, actor)


@router.post("/walkers", tags=["walkers"], status_code=status.HTTP_201_CREATED)
def enrol_walker(request: Request, actor: Clinician, body: WalkerIn) -> WalkerOut:
    """Enrol a walker into the clinician's own list (without a password: CLI-style)."""
    return walkers.enrol_walker(web_state(request).db, actor, body)


@router.get("/walkers/{walker_id}", tags=["walkers"])
def get_walker(request: Request, actor: SignedIn, walker_id: WalkerId) -> WalkerOut:
    return walkers.get_walker(web_state(request).db, actor, walker_id)


@router.post(
    "/walkers/{walker_id}/screenings", tags=["onboarding"], status_code=status.HTTP_201_CREATED
)
def screen_walker(
    request: Request, actor: SignedIn, walker_id: WalkerId, body: ScreeningIn
) -> ScreeningOut:
    return screening.screen_walker(web_state(request).db, actor, walker_id, body)


@router.post(
    "/walkers/{walker_id}/assessments", tags=["onboarding"], status_code=status.HTTP_201_CREATED
)
def record_assessment(
    request: Request, actor: SignedIn, walker_id: WalkerId, body: AssessmentIn
) -> AssessmentOut:
    return assessments.record_assessment(web_state(request).db, actor, walker_id, body)


@router.get("/walkers/{walker_id}/reassessment", tags=["onboarding"])
def reassessment(request: Request, actor: SignedIn, walker_id: WalkerId) -> ReassessmentStatus:
    return assessments.reassessment_status(web_state(request).db, actor, walker_id)


@router.post("/walkers/{walker_id}/plan", tags=["plan"], status_code=status.HTTP_201_CREATED)
def make_plan(request: Request, actor: SignedIn, walker_id: WalkerId) -> PrescriptionOut:
    """The starting prescription from the latest screening and baseline tests."""
    return plans.make_plan(web_state(request).db, actor, walker_id)


@router.get("/walkers/{walker_id}/prescription", tags=["plan"])
def current_prescription(request: Request, actor: SignedIn, walker_id: WalkerId) -> PrescriptionOut:
    plan = plans.current_prescription(web_state(request).db, actor, walker_id)
    if plan is None:
        raise NotFound(f"Walker {walker_id} has no plan yet.")
    return plan


@router.get("/walkers/{walker_id}/today", tags=["plan"])
def today(request: Request, actor: SignedIn, walker_id: WalkerId) -> TodayOut:
    return plans.todays_prescription(web_state(request).db, actor, walker_id)


@router.post(
    "/walkers/{walker_id}/sessions",
    tags=["sessions"],
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": SessionOut, "description": "Already stored under this client_key"}},
)
def log_session(
    request: Request, response: Response, actor: SignedIn, walker_id: WalkerId, body: SessionIn
) -> SessionOut:
    """Log a session; the same ``client_key`` twice stores it once (200 the second time)."""
    saved = sessions.log_session(web_state(request).db, actor, walker_id, body)
    if not saved.created:
        response.status_code = status.HTTP_200_OK
    return saved


@router.post(
    "/walkers/{walker_id}/checkins", tags=["sessions"], status_code=status.HTTP_201_CREATED
)
def morning_checkin(
    request: Request, actor: SignedIn, walker_id: WalkerId, body: CheckinIn
) -> CheckinOut:
    """The next-morning report → the progression decision and the next prescription."""
    return checkins.morning_checkin(web_state(request).db, actor, walker_id, body)


@router.get("/walkers/{walker_id}/restrictions", tags=["plan"])
def walker_restrictions(request: Request, actor: SignedIn, walker_id: WalkerId) -> RestrictionsOut:
    """What stops or limits backward walking now (RULES.md §7), and what a clinician lifted,
    by whom and why. Only a clinician's clearance (``POST …/clearances``) lifts one."""
    return restrictions.walker_restrictions(web_state(request).db, actor, walker_id)


@router.get("/walkers/{walker_id}/history", tags=["sessions"])
def walker_history(
    request: Request,
    actor: SignedIn,
    walker_id: WalkerId,
    weeks: Annotated[int, Query(ge=1, le=520)] = 12,
) -> HistoryOut:
    return history.walker_history(web_state(request).db, actor, walker_id, weeks=weeks)


# --- clinician ---------------------------------------------------------------------


@router.get("/flags", tags=["clinician"])
def walker_flags(request: Request, actor: Clinician) -> list[WalkerFlags]:
    """The clinician's walker list with flags."""
    return clinician.walker_flags(web_state(request).db, actor)


@router.post(
    "/walkers/{walker_id}/clearances", tags=["clinician"], status_code=status.HTTP_201_CREATED
)
def clear_walker(
    request: Request, actor: Clinician, walker_id: WalkerId, body: ClearanceIn
) -> ClearanceOut:
    return clinician.clear_walker(web_state(request).db, actor, walker_id, body)


@router.post(
    "/walkers/{walker_id}/adjustments", tags=["clinician"], status_code=status.HTTP_201_CREATED
)
def adjust_prescription(
    request: Request, actor: Clinician, walker_id: WalkerId, body: AdjustmentIn
) -> PrescriptionOut:
    return clinician.adjust_prescription(web_state(request).db, actor, walker_id, body)


@router.post("/walkers/{walker_id}/notes", tags=["clinician"], status_code=status.HTTP_201_CREATED)
def add_note(request: Request, actor: Clinician, walker_id: WalkerId, body: NoteIn) -> NoteOut:
    return clinician.add_note(web_state(request).db, actor, walker_id, body)


@router.post("/invitations", tags=["clinician"], status_code=status.HTTP_201_CREATED)
def invite(request: Request, actor: Clinician, body: InvitationIn) -> InvitationOut:
    """Invite a walker by email; the token (for ``/join?token=…``) is returned only now."""
    return accounts.create_invitation(web_state(request).db, actor, body.email)


# --- reference ---------------------------------------------------------------------


@router.get("/screening/questions", tags=["reference"])
def screening_questions() -> QuestionsOut:
    return QuestionsOut(
        parq=list(clinical_screening.PARQ_QUESTIONS),
        steadi=dict(clinical_screening.STEADI_QUESTIONS),
        red_flags={f.value: f.info.question for f in clinical_screening.KneeRedFlag},
    )


@router.get("/evidence", tags=["reference"])
def evidence_catalogue() -> EvidenceOut:
    """What is known about backward walking for knee pain, and the seed's claims checked."""
    return EvidenceOut(
        bottom_line=evidence.BOTTOM_LINE,
        seed_claims=list(evidence.SEED_CLAIMS),
        sources=list(evidence.CATALOGUE.values()),
    )
