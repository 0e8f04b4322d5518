"""The JSON API, version 1: the walker's and the clinician's use cases over HTTP.

Sign in: ``GET /api/v1/session`` gives a CSRF token (and the session cookie);
``POST /api/v1/session`` with email and password signs in. Every POST/DELETE carries the
token in the ``X-CSRF-Token`` header. Access to each walker's records is decided by the
services (a walker: only their own; a clinician: only their own walkers). Every error is
``{"detail": "<one sentence>"}`` with the status listed on each operation. "Today" and "log
a session", the phone's two busiest requests, are in :mod:`retrowalk.web.api.phone_v1`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from fastapi import (
    APIRouter,
    Depends,
    File,
    Form,
    Path,
    Query,
    Request,
    Response,
    UploadFile,
    status,
)
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from retrowalk.clinical import evidence, red_flags
from retrowalk.clinical import screening as clinical_screening
from retrowalk.services import (
    accounts,
    assessments,
    audit_view,
    checkins,
    clinician,
    history,
    invitations,
    my_data,
    passwords,
    plans,
    policies,
    red_flag_reports,
    reset_links,
    restrictions,
    screening,
    session_recordings,
    walkers,
)
from retrowalk.services.errors import InvalidRequest, NotFound
from retrowalk.services.numbers import WholeNumberText
from retrowalk.services.schemas import (
    ID_MAX,
    AccountOut,
    Actor,
    AdjustmentIn,
    AssessmentIn,
    AssessmentOut,
    AuditDate,
    AuditPage,
    CheckinIn,
    CheckinOut,
    ClearanceIn,
    ClearanceOut,
    HistoryOut,
    InvitationOut,
    InvitationSummary,
    NoteIn,
    NoteOut,
    PolicyChangeIn,
    PolicyOut,
    PrescriptionOut,
    ReassessmentStatus,
    ReassignIn,
    RedFlagReportIn,
    RedFlagReportOut,
    ResetLinkOut,
    RestrictionsOut,
    Role,
    ScreeningIn,
    ScreeningOut,
    TimezoneIn,
    WalkerFlags,
    WalkerIn,
    WalkerOut,
)
from retrowalk.services.schemas.base import ClientKey
from retrowalk.services.schemas.recordings import RecordingOut
from retrowalk.web.auth import (
    authenticate,
    check_csrf,
    current_session,
    ensure_session,
    require_walker,
    sign_in_account,
    sign_out,
    signed_in,
    signed_in_clinician,
)
from retrowalk.web.auth import (
    sign_in as start_signed_in,
)
from retrowalk.web.downloads import (
    FHIR_JSON,
    PageSize,
    Since,
    Until,
    fhir_response,
    pdf_response,
    tables_response,
)
from retrowalk.web.errors import ERROR_RESPONSES
from retrowalk.web.password_policy import WeakPasswordError, check_new_password
from retrowalk.web.passwords import MAX_PASSWORD_LENGTH, hash_password, verify_password
from retrowalk.web.state import web_state

router = APIRouter(
    prefix="/api/v1",
    responses=ERROR_RESPONSES,
    dependencies=[Depends(check_csrf)],
)

WalkerId = Annotated[WholeNumberText, Path(ge=1, le=ID_MAX, description="The walker's id")]
InvitationId = Annotated[WholeNumberText, Path(ge=1, le=ID_MAX, description="The invitation's id")]
AccountId = Annotated[WholeNumberText, Path(ge=1, le=ID_MAX, description="The account's id")]
SessionId = Annotated[WholeNumberText, Path(ge=1, le=ID_MAX, description="The session's id")]
SignedIn = Annotated[Actor, Depends(signed_in)]
Clinician = Annotated[Actor, Depends(signed_in_clinician)]


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


ALREADY_STORED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": (
            "Already stored under this client_key with the same values: the first record, "
            "unchanged (the same key with other values is refused: 409, nothing stored)"
        )
    }
}

Once = TypeVar(
    "Once",
    NoteOut,
    AssessmentOut,
    ScreeningOut,
    RedFlagReportOut,
    InvitationOut,
    ClearanceOut,
    PrescriptionOut,
    PolicyOut,
    ResetLinkOut,
)


def _once(response: Response, saved: Once) -> Once:
    """201 for a new record, 200 when its ``client_key`` stored it before (nothing new)."""
    if not saved.created:
        response.status_code = status.HTTP_200_OK
    return saved


class InvitationIn(_Model):
    email: Annotated[str, Field(min_length=1, max_length=320)]
    role: Literal["walker", "clinician"] = "walker"
    """``clinician``: an administrator invites a clinician (they choose their password)."""
    client_key: ClientKey | None = None
    """Sent again with the same key, nothing new is made: 200 with the first invitation,
    ``token`` null (it was returned once)."""


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
        account = accounts.get_account(web_state(request).ctx, actor, session.account_id)
    return SessionInfo(csrf_token=session.csrf_token, account=account, walker_id=session.walker_id)


@router.get("/session", tags=["session"])
def get_session(request: Request) -> SessionInfo:
    """The current session and its CSRF token (starts a visitor session if there is none)."""
    return _session_info(request)


@router.post("/session", tags=["session"])
def sign_in(request: Request, body: LoginIn) -> SessionInfo:
    """Sign in (rate limited per account and per address). The session id changes."""
    account = authenticate(request, body.email.strip(), body.password)
    sign_in_account(request, account)
    return _session_info(request)


@router.delete("/session", tags=["session"])
def sign_out_api(request: Request) -> SessionInfo:
    """Sign out; a fresh visitor session (with a new CSRF token) is returned."""
    sign_out(request)
    request.scope["state"].pop("web_session_clear_cookie", None)
    return _session_info(request)


@router.get("/me", tags=["session"])
def me(request: Request, actor: SignedIn) -> AccountOut:
    return accounts.get_account(web_state(request).ctx, actor, actor.account_id)


# --- walkers ---------------------------------------------------------------------


@router.get("/walkers", tags=["walkers"])
def list_walkers(request: Request, actor: SignedIn) -> list[WalkerOut]:
    """The walkers the signed-in person may see (a walker: only themselves)."""
    return walkers.list_walkers(web_state(request).ctx, actor)


@router.post("/walkers", tags=["walkers"], status_code=status.HTTP_201_CREATED)
def enrol_walker(request: Request, actor: Clinician, body: WalkerIn) -> WalkerOut:
    """Enrol a walker into the clinician's own list (without a password: CLI-style)."""
    return walkers.enrol_walker(web_state(request).ctx, actor, body)


@router.get("/walkers/{walker_id}", tags=["walkers"])
def get_walker(request: Request, actor: SignedIn, walker_id: WalkerId) -> WalkerOut:
    return walkers.get_walker(web_state(request).ctx, actor, walker_id)


@router.post(
    "/walkers/{walker_id}/screenings",
    tags=["onboarding"],
    status_code=status.HTTP_201_CREATED,
    responses=ALREADY_STORED,
)
def screen_walker(
    request: Request, response: Response, actor: SignedIn, walker_id: WalkerId, body: ScreeningIn
) -> ScreeningOut:
    """Screen the walker; the same ``client_key`` twice stores it once (200 the second time)."""
    return _once(response, screening.screen_walker(web_state(request).ctx, actor, walker_id, body))


@router.post(
    "/walkers/{walker_id}/assessments",
    tags=["onboarding"],
    status_code=status.HTTP_201_CREATED,
    responses=ALREADY_STORED,
)
def record_assessment(
    request: Request, response: Response, actor: SignedIn, walker_id: WalkerId, body: AssessmentIn
) -> AssessmentOut:
    """Record tests; the same ``client_key`` twice stores them once (200 the second time)."""
    saved = assessments.record_assessment(web_state(request).ctx, actor, walker_id, body)
    return _once(response, saved)


@router.get("/walkers/{walker_id}/reassessment", tags=["onboarding"])
def reassessment(request: Request, actor: SignedIn, walker_id: WalkerId) -> ReassessmentStatus:
    return assessments.reassessment_status(web_state(request).ctx, actor, walker_id)


@router.post("/walkers/{walker_id}/plan", tags=["plan"], status_code=status.HTTP_201_CREATED)
def make_plan(request: Request, actor: SignedIn, walker_id: WalkerId) -> PrescriptionOut:
    """The starting prescription from the latest screening and baseline tests."""
    return plans.make_plan(web_state(request).ctx, actor, walker_id)


@router.get("/walkers/{walker_id}/prescription", tags=["plan"])
def current_prescription(request: Request, actor: SignedIn, walker_id: WalkerId) -> PrescriptionOut:
    plan = plans.current_prescription(web_state(request).ctx, actor, walker_id)
    if plan is None:
        raise NotFound(f"Walker {walker_id} has no plan yet.")
    return plan


@router.post(
    "/sessions/{session_id}/recording",
    tags=["sessions"],
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": RecordingOut, "description": "This file was already attached"}},
)
async def attach_recording(
    request: Request,
    response: Response,
    actor: SignedIn,
    session_id: SessionId,
    file: Annotated[UploadFile, File(description="The recording file (multipart field)")],
    fmt: Annotated[
        str, Form(alias="format", description="auto, or one of the formats retrowalk reads")
    ] = "auto",
) -> RecordingOut:
    """Attach a recording to the walker's own logged session (a file from phyphox, Sensor
    Logger, a FIT or GPX watch file, a CSV, or the guided session's JSON), at most 32 MB.

    It is analysed at once: steps, cadence, bouts with their direction (forward, backward or
    unknown, with a confidence; backward is not yet validated on real walking). A file that
    cannot be read is refused (422) with what was wrong and what was expected; the same file
    twice is stored once (200 the second time). Clinicians read recordings, never add them.
    """
    content = await file.read(session_recordings.MAX_RECORDING_BYTES + 1)
    saved = await run_in_threadpool(
        session_recordings.attach_recording,
        web_state(request).ctx,
        actor,
        session_id,
        content,
        file_name=file.filename,
        fmt=fmt,
    )
    if not saved.created:
        response.status_code = status.HTTP_200_OK
    return saved


@router.get("/sessions/{session_id}/recordings", tags=["sessions"])
def session_recording_list(
    request: Request, actor: SignedIn, session_id: SessionId
) -> list[RecordingOut]:
    """The recordings of a session and their analyses (the walker's own; a clinician's
    walker's)."""
    return session_recordings.session_recordings(web_state(request).ctx, actor, session_id)


@router.post(
    "/walkers/{walker_id}/checkins", tags=["sessions"], status_code=status.HTTP_201_CREATED
)
def morning_checkin(
    request: Request, actor: SignedIn, walker_id: WalkerId, body: CheckinIn
) -> CheckinOut:
    """The next-morning report → the progression decision and the next prescription."""
    return checkins.morning_checkin(web_state(request).ctx, actor, walker_id, body)


@router.post(
    "/walkers/{walker_id}/red-flags",
    tags=["sessions"],
    status_code=status.HTTP_201_CREATED,
    responses=ALREADY_STORED,
)
def report_red_flags(
    request: Request,
    response: Response,
    actor: SignedIn,
    walker_id: WalkerId,
    body: RedFlagReportIn,
) -> RedFlagReportOut:
    """Red flags new since the last session, at any time, not only at the morning check-in
    (RULES.md §7.7): any one stops backward walking at once and refers the walker (the
    answer's ``restrictions`` say what to do). ``new_red_flags: []`` answers "none of these":
    it is kept and lifts nothing; only a clinician's clearance lifts a red flag. The same
    ``client_key`` twice stores it once (200 the second time)."""
    saved = red_flag_reports.report_red_flags(web_state(request).ctx, actor, walker_id, body)
    return _once(response, saved)


@router.get("/walkers/{walker_id}/restrictions", tags=["plan"])
def walker_restrictions(request: Request, actor: SignedIn, walker_id: WalkerId) -> RestrictionsOut:
    """What stops or limits backward walking now (RULES.md §7), and what a clinician lifted,
    by whom and why. Only a clinician's clearance (``POST …/clearances``) lifts one."""
    return restrictions.walker_restrictions(web_state(request).ctx, actor, walker_id)


@router.get("/walkers/{walker_id}/history", tags=["sessions"])
def walker_history(
    request: Request,
    actor: SignedIn,
    walker_id: WalkerId,
    weeks: Annotated[WholeNumberText, Query(ge=1, le=520)] = 12,
) -> HistoryOut:
    return history.walker_history(web_state(request).ctx, actor, walker_id, weeks=weeks)


# --- clinician ---------------------------------------------------------------------


@router.get("/flags", tags=["clinician"])
def walker_flags(request: Request, actor: Clinician) -> list[WalkerFlags]:
    """The clinician's walker list with flags."""
    return clinician.walker_flags(web_state(request).ctx, actor)


@router.post(
    "/walkers/{walker_id}/clearances",
    tags=["clinician"],
    status_code=status.HTTP_201_CREATED,
    responses=ALREADY_STORED,
)
def clear_walker(
    request: Request, response: Response, actor: Clinician, walker_id: WalkerId, body: ClearanceIn
) -> ClearanceOut:
    """Lift one restriction; the same ``client_key`` twice stores it once (200 the second
    time, never "no active restriction")."""
    ctx = web_state(request).ctx
    return _once(response, clinician.clear_walker(ctx, actor, walker_id, body))


@router.post(
    "/walkers/{walker_id}/adjustments",
    tags=["clinician"],
    status_code=status.HTTP_201_CREATED,
    responses=ALREADY_STORED,
)
def adjust_prescription(
    request: Request, response: Response, actor: Clinician, walker_id: WalkerId, body: AdjustmentIn
) -> PrescriptionOut:
    """Change the plan; the same ``client_key`` twice makes one version (200 the second
    time, with that version)."""
    ctx = web_state(request).ctx
    return _once(response, clinician.adjust_prescription(ctx, actor, walker_id, body))


@router.post("/walkers/{walker_id}/clinician", tags=["clinician"])
def reassign_walker(
    request: Request, actor: Clinician, walker_id: WalkerId, body: ReassignIn
) -> WalkerOut:
    """An administrator moves the walker to another clinician, saying why (audited)."""
    return walkers.reassign_walker(web_state(request).ctx, actor, walker_id, body)


@router.put("/walkers/{walker_id}/timezone", tags=["walkers"])
def set_timezone(
    request: Request, actor: SignedIn, walker_id: WalkerId, body: TimezoneIn
) -> WalkerOut:
    """Correct the walker's time zone (an IANA name such as ``Pacific/Auckland``): the walker
    herself, her clinician or an administrator (audited, before → after). Records already
    stored keep their local dates; from now on her days are counted on the new clock. The
    same zone again changes nothing."""
    return walkers.set_timezone(web_state(request).ctx, actor, walker_id, body.timezone)


@router.post(
    "/walkers/{walker_id}/notes",
    tags=["clinician"],
    status_code=status.HTTP_201_CREATED,
    responses=ALREADY_STORED,
)
def add_note(
    request: Request, response: Response, actor: Clinician, walker_id: WalkerId, body: NoteIn
) -> NoteOut:
    """Add a note; the same ``client_key`` twice stores it once (200 the second time)."""
    return _once(response, clinician.add_note(web_state(request).ctx, actor, walker_id, body))


# --- reports -------------------------------------------------------------------------


@router.get(
    "/walkers/{walker_id}/fhir",
    tags=["reports"],
    response_class=Response,
    responses={200: {"content": {FHIR_JSON: {}}, "description": "A FHIR R4 Bundle"}},
)
def walker_fhir(
    request: Request, actor: Clinician, walker_id: WalkerId, since: Since = None,
    until: Until = None,
) -> Response:  # fmt: skip
    """The walker's record as a FHIR R4 ``Bundle`` (type ``collection``): Patient,
    Practitioner, Condition, Observations, QuestionnaireResponses and the plan as a CarePlan
    (codes: ``docs/fhir.md``). Default period: the last 12 weeks."""
    return fhir_response(request, actor, walker_id, since, until)


@router.get(
    "/walkers/{walker_id}/report.pdf",
    tags=["reports"],
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The PDF report"}},
)
def walker_report_pdf(
    request: Request, actor: Clinician, walker_id: WalkerId, since: Since = None,
    until: Until = None, size: PageSize = "A4",
) -> Response:  # fmt: skip
    """The clinical report a physiotherapist files (A4 or US Letter)."""
    return pdf_response(request, actor, walker_id, since, until, size)


@router.get(
    "/walkers/{walker_id}/tables.zip",
    tags=["reports"],
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "CSV tables"}},
)
def walker_tables_zip(
    request: Request, actor: Clinician, walker_id: WalkerId, since: Since = None,
    until: Until = None,
) -> Response:  # fmt: skip
    """Sessions, check-ins, assessments and decisions as tidy CSV (units in the names)."""
    return tables_response(request, actor, [walker_id], since, until)


# --- the clinic's policy ------------------------------------------------------------


@router.get("/policy", tags=["policy"])
def clinic_policy(request: Request, actor: SignedIn) -> PolicyOut:
    """The clinic's policy in force: every policy number with its default and meaning."""
    return policies.current_policy(web_state(request).ctx, actor)


@router.post(
    "/policy", tags=["policy"], status_code=status.HTTP_201_CREATED, responses=ALREADY_STORED
)
def set_clinic_policy(
    request: Request, response: Response, actor: Clinician, body: PolicyChangeIn
) -> PolicyOut:
    """A new policy version (administrators only): ``changes`` maps a policy name to its new
    value, each checked against the policy's own limits; audited with the rule version. The
    same ``client_key`` twice makes one version (200 the second time, with that version)."""
    ctx = web_state(request).ctx
    saved = policies.set_policy(ctx, actor, body.changes, body.reason, client_key=body.client_key)
    return _once(response, saved)


@router.post(
    "/invitations",
    tags=["accounts"],
    status_code=status.HTTP_201_CREATED,
    responses=ALREADY_STORED,
)
def invite(
    request: Request, response: Response, actor: Clinician, body: InvitationIn
) -> InvitationOut:
    """Invite a walker (a clinician) or a clinician (an administrator) by email; the token
    (for ``/join?token=…``) is returned only now. The same ``client_key`` twice makes one
    invitation (200 the second time, ``token`` null)."""
    ctx, key = web_state(request).ctx, body.client_key
    if body.role == "clinician":
        return _once(response, invitations.invite_clinician(ctx, actor, body.email, client_key=key))
    return _once(response, accounts.create_invitation(ctx, actor, body.email, client_key=key))


# --- reference ---------------------------------------------------------------------


@router.get("/screening/questions", tags=["reference"])
def screening_questions() -> QuestionsOut:
    return QuestionsOut(
        parq=list(clinical_screening.PARQ_QUESTIONS),
        steadi=dict(clinical_screening.STEADI_QUESTIONS),
        red_flags={f.value: f.info.question for f in red_flags.KneeRedFlag},
    )


@router.get("/evidence", tags=["reference"])
def evidence_catalogue() -> EvidenceOut:
    """What is known about backward walking for knee pain, and the seed's claims checked."""
    return EvidenceOut(
        bottom_line=evidence.BOTTOM_LINE,
        seed_claims=list(evidence.SEED_CLAIMS),
        sources=list(evidence.CATALOGUE.values()),
    )


# --- accounts: passwords, password links, invitations -------------------------------------------


class PasswordChangeIn(_Model):
    current_password: Annotated[str, Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)]
    new_password: Annotated[str, Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)]


@router.post("/me/password", tags=["accounts"])
def change_password(request: Request, actor: SignedIn, body: PasswordChangeIn) -> AccountOut:
    """Change one's own password (the current one is needed; wrong ones are throttled like
    sign-ins). Every other sign-in of the account ends; this one continues under a new id."""
    state = web_state(request)
    own = passwords.own_login(state.ctx, actor)
    state.guard.check(request, own.email)
    if own.password_hash is None or not verify_password(own.password_hash, body.current_password):
        state.guard.failed(request, own.email)
        raise InvalidRequest(
            "current_password: that is not your current password.", field="current_password"
        )
    try:
        new = check_new_password(body.new_password, None, (own.email, own.display_name))
    except WeakPasswordError as exc:
        raise InvalidRequest(f"new_password: {exc}", field="new_password") from None
    changed = passwords.change_own_password(state.ctx, actor, hash_password(new))
    state.guard.succeeded(request, own.email)
    session = current_session(request)
    assert session is not None
    state.sessions.drop_account(actor.account_id, keep=session)
    start_signed_in(
        request,
        account_id=actor.account_id,
        role=actor.role.value,
        display_name=own.display_name,
        walker_id=session.walker_id,
    )
    return changed


@router.get("/me/data", tags=["accounts"])
def download_my_data(request: Request) -> dict[str, Any]:
    """A walker's own data, all of it (the JSON of "Download my data" on the account page)."""
    actor, _ = require_walker(request)
    return my_data.my_data(web_state(request).ctx, actor)


class ResetLinkIn(_Model):
    client_key: ClientKey | None = None
    """Sent again with the same key, nothing new is made: 200 with the first link, ``token``
    null (it was returned once, and still works)."""


@router.post(
    "/accounts/{account_id}/reset-links",
    tags=["accounts"],
    status_code=status.HTTP_201_CREATED,
    responses=ALREADY_STORED,
)
def make_reset_link(
    request: Request,
    response: Response,
    actor: Clinician,
    account_id: AccountId,
    body: ResetLinkIn | None = None,
) -> ResetLinkOut:
    """A one-time password link (for ``/reset?token=…``; the token is returned only now) for
    one's own walker or a clinician colleague (an administrator: any web account). The body
    is optional; the same ``client_key`` twice makes one link (200 the second time)."""
    key = body.client_key if body is not None else None
    ctx = web_state(request).ctx
    return _once(response, reset_links.issue_reset_link(ctx, actor, account_id, client_key=key))


@router.get("/invitations", tags=["accounts"])
def pending_invitations(request: Request, actor: Clinician) -> list[InvitationSummary]:
    """The invitations the clinician sent that are not used or withdrawn (admin: all)."""
    return invitations.list_invitations(web_state(request).ctx, actor)


@router.post("/invitations/{invitation_id}/withdraw", tags=["accounts"])
def withdraw_invitation(
    request: Request, actor: Clinician, invitation_id: InvitationId
) -> InvitationSummary:
    """Withdraw an unused invitation: its link stops working."""
    return invitations.withdraw_invitation(web_state(request).ctx, actor, invitation_id)


@router.post(
    "/invitations/{invitation_id}/reissue", tags=["accounts"], status_code=status.HTTP_201_CREATED
)
def reissue_invitation(
    request: Request, actor: Clinician, invitation_id: InvitationId
) -> InvitationOut:
    """A new link and expiry for an unused invitation (the old link stops working)."""
    return invitations.reissue_invitation(web_state(request).ctx, actor, invitation_id)


# --- the audit view -------------------------------------------------------------------------


@router.get("/walkers/{walker_id}/audit", tags=["clinician"])
def walker_audit(
    request: Request,
    actor: Clinician,
    walker_id: WalkerId,
    action: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z_.]*$")] = None,
    actor_account_id: Annotated[WholeNumberText | None, Query(ge=1, le=ID_MAX)] = None,
    since: Annotated[AuditDate | None, Query()] = None,
    until: Annotated[AuditDate | None, Query()] = None,
    limit: Annotated[WholeNumberText, Query(ge=1, le=500)] = 100,
    offset: Annotated[WholeNumberText, Query(ge=0, le=ID_MAX)] = 0,
) -> AuditPage:
    """Who changed what in the walker's record, newest first (their clinician or an admin).

    ``action``: one action (``session.log``) or a kind (``session``); ``since``/``until``:
    UTC dates, both included.
    """
    return audit_view.walker_audit(
        web_state(request).ctx,
        actor,
        walker_id,
        {
            "action": action or None,
            "actor_account_id": actor_account_id,
            "since": since,
            "until": until,
            "limit": limit,
            "offset": offset,
        },
    )
