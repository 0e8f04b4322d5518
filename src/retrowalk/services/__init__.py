"""Use cases of retrowalk: one transaction each, access checked here, decisions by clinical/.

Every use case is a function ``use_case(db, actor, ...)``: ``db`` is a
:class:`retrowalk.store.Database` (``open_database(url)``), ``actor`` an
:class:`~retrowalk.services.schemas.Actor` (account id + role). Inputs are the pydantic
models of :mod:`retrowalk.services.schemas` (or plain dicts of the same shape); outputs are
frozen models from the same module. Access is enforced IN the service: a walker reaches only
their own records, a clinician only the walkers assigned to them, an admin everything. Every
change is written with its audit entry in the same transaction. Optional ``now`` arguments
(aware datetimes) exist for imports, tests and the demo; they default to the current time.

Errors (:mod:`retrowalk.services.errors`, all ``ServiceError(ValueError)`` with one readable
sentence): ``NotFound`` (404), ``AccessDenied`` (403), ``Conflict`` (409), ``InvalidRequest``
(422; ``.field`` names the input). Inputs refuse ids above ``schemas.ID_MAX`` (2^31 − 1, the
INTEGER columns) and text containing a NUL character, so SQLite and PostgreSQL behave the
same. Clinical errors (``retrowalk.clinical.errors.ClinicalError``)
pass through unchanged.

Public API (stable):

``accounts``
    ``first_run_needed(db) -> bool`` — no clinician/admin account with a password exists
    yet (the CLI's password-less local admin does not count: it cannot sign in on the web).
    ``create_setup_token(db) -> SetupTokenOut`` — one-time token for the first account (only
    while ``first_run_needed``; only its hash is stored; a new one replaces older unused ones).
    ``complete_setup(db, token, AccountIn) -> AccountOut`` — creates the first clinician/admin.
    ``create_account(db, actor, AccountIn) -> AccountOut`` — admin only.
    ``find_account_by_email(db, email) -> LoginAccount | None`` — for login (has the hash).
    ``get_account(db, actor, account_id) -> AccountOut`` — self or admin.
    ``set_password_hash(db, actor, account_id, password_hash) -> AccountOut`` — self or admin.
    ``create_invitation(db, actor, email, *, valid_days=14, now=None) -> InvitationOut`` —
    a clinician invites a walker; ``token`` is returned once, stored hashed. An email that
    has an account (not the clinician's own walker) is invited like any other, so the answer
    never says whose account it is.
    ``invitation_status(db, token, *, now=None) -> InvitationState`` — read-only: ``valid``,
    ``used``, ``withdrawn``, ``expired`` or ``unknown``, nothing else.
    ``accept_invitation(db, token, WalkerSignup, *, now=None) -> WalkerOut`` — creates the
    walker account + profile linked to the inviting clinician (single use, expires).
    ``ensure_local_admin(db) -> Actor`` — the CLI's local administrator (created by ``init``).
``walkers``
    ``enrol_walker(db, actor, WalkerIn, *, now=None) -> WalkerOut`` — clinician/admin.
    ``list_walkers(db, actor) -> list[WalkerOut]``; ``get_walker(db, actor, walker_id)``;
    ``walker_for_account(db, actor, account_id) -> WalkerOut`` (a walker's own profile; the
    web app uses it at sign-in).
``screening``
    ``screen_walker(db, actor, walker_id, ScreeningIn, *, now=None) -> ScreeningOut``.
``assessments``
    ``record_assessment(db, actor, walker_id, AssessmentIn, *, now=None) -> AssessmentOut``.
    ``reassessment_status(db, actor, walker_id, *, now=None) -> ReassessmentStatus``.
``plans``
    ``make_plan(db, actor, walker_id, *, surface=None, now=None) -> PrescriptionOut`` — the
    starting prescription from the latest screening + assessment (``surface``: one the
    fall-risk result allows).
    ``todays_prescription(db, actor, walker_id, *, now=None) -> TodayOut`` — after a break of
    ``policy.break_days`` or more it stores the clinical step-back as a new version first.
    ``current_prescription(db, actor, walker_id) -> PrescriptionOut | None``.
``sessions``
    ``log_session(db, actor, walker_id, SessionIn, *, now=None) -> SessionOut`` — idempotent
    on ``client_key`` (the first submission is returned, ``created=False``). A session
    stopped before any backward walking (a fall in the warm-up) is logged with
    ``duration_min=0``, allowed only with an adverse event or ``completed=False``. When the last
    session on an earlier day has no morning report, it is first decided without one
    (RULES §3: a missing report → hold; shown in ``HistoryOut.missed_reports``). Refused
    (``NotReadyToWalk``, a ``Conflict``) before the walker may start: not screened, stopped
    by a red flag, no plan yet, or awaiting a clinician's clearance; the sentence says what
    must happen first. A session with an adverse event is stored whenever a plan exists.
``checkins``
    ``morning_checkin(db, actor, walker_id, CheckinIn) -> CheckinOut`` — stores the
    progression decision and the next prescription version with reasons and rule version.
    A report dated (walker's local time) on the session's own date is refused
    (``CheckinNotOpen``, a ``Conflict``: "the next-morning check-in opens on <date>").
``clinician``
    ``clear_walker(db, actor, walker_id, ClearanceIn, *, now=None) -> ClearanceOut``.
    ``adjust_prescription(db, actor, walker_id, AdjustmentIn, *, now=None) -> PrescriptionOut``.
    ``add_note(db, actor, walker_id, NoteIn, *, now=None) -> NoteOut``.
    ``walker_flags(db, actor, *, now=None) -> list[WalkerFlags]`` — the clinician's list.
``history``
    ``walker_history(db, actor, walker_id, *, weeks=12, now=None) -> HistoryOut`` (notes
    only for clinicians/admins).
``progress``
    ``weekly_progress(db, actor, walker_id, *, weeks=12, now=None) -> list[WeekProgress]``.
``recordings``
    ``session_from_recording(path, step_length_m=None) -> RecordedSession`` — minutes,
    distance, speed, start from a phone/watch file (:mod:`retrowalk.motion`).
``demo``
    ``run_demo(db, actor, *, seed=1) -> dict`` — a six-week walker made through the use cases.
``passwords``
    ``own_login(db, actor) -> LoginAccount`` (one's own hash, to check the current password);
    ``change_own_password(db, actor, password_hash) -> AccountOut`` (audited).
``reset_links``
    ``issue_reset_link(db, actor, account_id, *, valid_hours=24) -> ResetLinkOut`` — a
    one-time password link (admin: any web account; clinician: own walkers and clinician
    colleagues; never the terminal's local admin); ``reset_link_preview(db, token)``;
    ``use_reset_link(db, token, password_hash) -> AccountOut`` (single use, expires, audited).
``invitations``
    ``list_invitations(db, actor)``, ``withdraw_invitation(db, actor, id)``,
    ``reissue_invitation(db, actor, id) -> InvitationOut`` (own, or any for an admin);
    ``invite_clinician(db, actor, email)`` (admin); ``invitation_preview(db, token)``;
    ``accept_clinician_invitation(db, token, ClinicianSignup) -> AccountOut``.
``team``
    ``list_colleagues(db, actor)``; ``find_account(db, actor, email)`` (admin).
``audit_view``
    ``walker_audit(db, actor, walker_id, AuditFilter) -> AuditPage`` — who changed what, when
    (the walker's clinician or an admin), filtered by action, person and dates.
``my_data``
    ``my_data(db, actor) -> dict`` — all of a walker's own records; ``as_json``, ``as_csv_zip``.
``sign_ins``, ``sign_in_throttle``
    Not use cases of a person: the web layer's sign-in state in the database (start, find,
    end sign-ins; the server's signing key) and the growing delay after wrong passwords.
``transfer``
    ``export_data(db, actor) -> dict`` (admin; every table, JSON-ready) and
    ``import_data(db, data) -> int`` (into an empty database only); ``write_json``/``read_json``
    and ``write_csv``/``read_csv`` for files (round-trip exact).
"""

from retrowalk.services.errors import (
    AccessDenied,
    Conflict,
    InvalidRequest,
    NotFound,
    ServiceError,
)
from retrowalk.services.schemas import Actor, Role

__all__ = [
    "AccessDenied",
    "Actor",
    "Conflict",
    "InvalidRequest",
    "NotFound",
    "Role",
    "ServiceError",
]
