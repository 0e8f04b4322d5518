"""Use cases of retrowalk: one transaction each, access checked here, decisions by clinical/.

Every use case is a function ``use_case(ctx, actor, ...)``: ``ctx`` is the
:class:`~retrowalk.services.context.AppContext` (the database and the clock, built once per
process by ``build_context(url)``), ``actor`` an :class:`~retrowalk.services.schemas.Actor`
(account id + role). Inputs are the pydantic models of :mod:`retrowalk.services.schemas` (or
plain dicts of the same shape); outputs are frozen models from the same module. Access is
enforced IN the service: a walker reaches only their own records, a clinician only the walkers
assigned to them, an admin everything. Every change is written with its audit entry in the same
transaction. "Now" is the context's clock: ``ctx.at(moment)`` is the same context stopped at
``moment``, for imports, ``--at``, tests and the demo. The clinic's policy in force is read from
the database inside each use case's transaction (:mod:`retrowalk.services.policies`).

Errors (:mod:`retrowalk.services.errors`, all ``ServiceError(ValueError)`` with one readable
sentence): ``NotFound`` (404), ``AccessDenied`` (403; ``HiddenRecord``, another person's record,
answers 404 with the words of one that does not exist), ``Conflict`` (409), ``InvalidRequest``
(422; ``.field`` names the input). Inputs refuse ids above ``schemas.ID_MAX`` (2^31 − 1, the
INTEGER columns) and text containing a NUL character, so SQLite and PostgreSQL behave the
same. Clinical errors (``retrowalk.clinical.errors.ClinicalError``)
pass through unchanged.

A use case that takes a one-time ``client_key`` stores the record once: the same key sent
again with the same values answers the first record (``created`` false); sent again with other
values it is refused, ``KeyReused`` (a ``Conflict``, 409), so an edit is never lost as "already
saved" (:mod:`retrowalk.services.key_digest`; what a replay may add, a session's adverse
events, is never counted as other values).

Public API (stable). Every public function of a module below that takes ``ctx`` first is listed,
with its parameter names as in the code (``tests/services/test_use_case_list.py`` checks):

``accounts``
    ``first_run_needed(ctx) -> bool`` — no clinician/admin account with a password exists
    yet (the CLI's password-less local admin does not count: it cannot sign in on the web).
    ``create_setup_token(ctx) -> SetupTokenOut`` — one-time token for the first account (only
    while ``first_run_needed``; only its hash is stored; a new one replaces older unused ones).
    ``complete_setup(ctx, token, data: AccountIn) -> AccountOut`` — creates the first
    clinician/admin.
    ``create_account(ctx, actor, data: AccountIn) -> AccountOut`` — admin only.
    ``find_account_by_email(ctx, email) -> LoginAccount | None`` — for login (has the hash).
    ``get_account(ctx, actor, account_id) -> AccountOut`` — self or admin.
    ``set_password_hash(ctx, actor, account_id, password_hash) -> AccountOut`` — self or admin.
    ``create_invitation(ctx, actor, email, *, valid_days=14, client_key=None) -> InvitationOut``
    — a clinician invites a walker; ``token`` is returned once, stored hashed (the same
    ``client_key`` again: the first invitation, ``token`` None). An email that has an account
    (not the clinician's own walker) is invited like any other, so the answer never says
    whose account it is.
    ``invitation_once(ctx, actor, key, digest, make) -> InvitationOut`` — not a use case:
    runs ``make`` (an invitation use case), answering the first invitation made under ``key``
    when two copies raced (the unique key let one win), or ``KeyReused`` when that one was
    sent with other values than ``digest``.
    ``invitation_status(ctx, token) -> InvitationState`` — read-only: ``valid``, ``used``,
    ``withdrawn``, ``expired`` or ``unknown``, nothing else.
    ``accept_invitation(ctx, token, data: WalkerSignup) -> WalkerOut`` — creates the walker
    account + profile linked to the inviting clinician (single use, expires).
    ``ensure_local_admin(ctx) -> Actor`` — the CLI's local administrator (created by ``init``).
``walkers``
    ``enrol_walker(ctx, actor, data: WalkerIn) -> WalkerOut`` — clinician/admin.
    ``list_walkers(ctx, actor) -> list[WalkerOut]``;
    ``get_walker(ctx, actor, walker_id) -> WalkerOut``;
    ``walker_clinician(ctx, actor, walker_id) -> AccountOut | None`` (whom a report names);
    ``reassign_walker(ctx, actor, walker_id, data: ReassignIn) -> WalkerOut`` — admin: to
    another clinician, with the reason (audited);
    ``set_timezone(ctx, actor, walker_id, timezone) -> WalkerOut`` — the walker, her
    clinician or an admin corrects her time zone (audited; days already stored keep theirs);
    ``walker_for_account(ctx, actor, account_id) -> WalkerOut`` (a walker's own profile; the
    web app uses it at sign-in).
``screening``
    ``screen_walker(ctx, actor, walker_id, data: ScreeningIn) -> ScreeningOut``.
``assessments``
    ``record_assessment(ctx, actor, walker_id, data: AssessmentIn) -> AssessmentOut`` — a
    walking test is refused while a red flag, a serious adverse event or a rest day is open
    (policy, :mod:`.walking_tests_gate`); the knee questionnaire alone is kept.
    ``walking_tests_held(ctx, actor, walker_id) -> str | None`` — why the tests are not
    offered now (None: they are).
    ``reassessment_status(ctx, actor, walker_id) -> ReassessmentStatus``.
``restrictions``
    ``walker_restrictions(ctx, actor, walker_id) -> RestrictionsOut`` — what stops or limits
    the walker now, and what was lifted before, by whom and why.
``plans``
    ``make_plan(ctx, actor, walker_id, *, surface=None) -> PrescriptionOut`` — the starting
    prescription from the latest screening + assessment (``surface``: one the fall-risk result
    allows).
    ``todays_prescription(ctx, actor, walker_id) -> TodayOut`` — after a break of
    ``policy.break_days`` or more it stores the clinical step-back as a new version first.
    ``current_prescription(ctx, actor, walker_id) -> PrescriptionOut | None``.
``sessions``
    ``log_session(ctx, actor, walker_id, data: SessionIn) -> SessionOut`` — idempotent on
    ``client_key`` (the first submission is returned, ``created=False``). A session
    stopped before any backward walking (a fall in the warm-up) is logged with
    ``duration_min=0``, allowed only with an adverse event or ``completed=False``. When the last
    session on an earlier day has no morning report, it is first decided without one
    (RULES §3: a missing report → hold; shown in ``HistoryOut.missed_reports``). Refused
    (``NotReadyToWalk``, a ``Conflict``) before the walker may start: not screened, stopped
    by a red flag, no plan yet, or awaiting a clinician's clearance; the sentence says what
    must happen first. A walker's own session also waits for a due morning check-in and for
    the red-flag questions a check-in decided without its report left unasked (RULES §7.7;
    a clinician's or the terminal's session is told so in ``notices``). A session with an
    adverse event is stored whenever a plan exists.
    ``session_days(ctx, actor, walker_id) -> dict[int, date]`` — each session's id → the day
    it was walked, so a page names a session by its day, never by its id.
``checkins``
    ``morning_checkin(ctx, actor, walker_id, data: CheckinIn) -> CheckinOut`` — stores the
    progression decision and the next prescription version with reasons and rule version.
    A report dated (walker's local time) on the session's own date is refused
    (``CheckinNotOpen``, a ``Conflict``: "the next-morning check-in opens on <date>").
``red_flag_reports``
    ``report_red_flags(ctx, actor, walker_id, data: RedFlagReportIn) -> RedFlagReportOut`` —
    red flags new since the last session, at any time (RULES §7.7: the check-in's questions
    without waiting for the morning): any one sets the stop-and-refer restriction at once;
    empty answers "none of these" (kept, audited, lifts nothing). A clinician's ``at`` is never
    ahead of now nor before the walker's day of enrolment (``InvalidRequest``, field ``at``).
``clinician``
    ``clear_walker(ctx, actor, walker_id, data: ClearanceIn) -> ClearanceOut`` — the same
    ``client_key`` again: the first clearance (``created`` false), never "nothing to clear".
    ``adjust_prescription(ctx, actor, walker_id, data: AdjustmentIn) -> PrescriptionOut`` —
    the same ``client_key`` again: the version it made (``created`` false).
    ``add_note(ctx, actor, walker_id, data: NoteIn) -> NoteOut``.
    ``walker_flags(ctx, actor) -> list[WalkerFlags]`` — the clinician's list;
    ``walker_flag(ctx, actor, walker_id) -> WalkerFlags`` — one walker's, without everyone's;
    ``prepare_walker_list(ctx) -> int`` — every walker's flags into the list's cache (the
    server's background keeper, :mod:`.list_keeper`; returns a count, reads nothing out).
``policies``
    ``current_policy(ctx, actor) -> PolicyOut`` — the policy in force, field by field with its
    default and meaning (anyone signed in).
    ``set_policy(ctx, actor, changes, reason, *, client_key=None, sent=None) -> PolicyOut``
    — admin: a new version with ``changes`` (field → value), each checked by
    ``PolicyConfig``; audited with the rule version and the changed fields (the same
    ``client_key`` again: the version it made, ``created`` false; with other values — of
    ``sent``, the form's own, when given — ``KeyReused``). Plans record the version they
    were made under.
    ``clinic_policy(ctx) -> PolicyConfig`` — the values in force, for wording a question
    before anyone signs in (policy is the clinic's, not personal data).
``preview``
    ``preview_start(ctx, answers) -> StartPreviewOut`` — ``answers`` (``StartIn``): for someone
    without an account: screening, fall risk, restrictions and the starting plan under the
    clinic's policy; nothing stored, nothing personal read.
``history``
    ``walker_history(ctx, actor, walker_id, *, weeks=12) -> HistoryOut`` (notes only for
    clinicians/admins; red-flag reports for both).
``progress``
    ``weekly_progress(ctx, actor, walker_id, *, weeks=12) -> list[WeekProgress]``.
``exercises``
    ``walker_programme(ctx, actor, walker_id) -> ProgrammeOut`` — the strengthening programme
    for the knee condition stored on the walker (``clinical.exercises``), each exercise on or
    off for her (the walker, her clinician or an admin).
    ``switch_exercise(ctx, actor, walker_id, data: ExerciseSwitchIn) -> ProgrammeOut`` — her
    clinician (or an admin) switches one exercise of her programme on or off; audited.
``exercise_log``
    ``log_exercises(ctx, actor, walker_id, data: ExerciseLogIn) -> ExerciseLogOut`` — what
    she did (per exercise: sets done, pain), dated by the server's clock in her time zone;
    idempotent on ``client_key``; audited. An exercise switched off or not in her programme
    is refused (``InvalidRequest`` naming ``exercises.<n>.exercise_key``).
    ``exercise_adherence(ctx, actor, walker_id, *, weeks=4) -> AdherenceOut`` — days and sets
    done against planned, per calendar week and exercise.
``recordings``
    ``session_from_recording(path, step_length_m=None) -> RecordedSession`` — minutes,
    distance, speed, start from a phone/watch file (:mod:`retrowalk.motion`); no database.
``session_recordings``
    ``attach_recording(ctx, actor, session_id, content, *, file_name=None,
    fmt="auto") -> RecordingOut`` — the walker's own session only: a phone/watch file or the guided
    session's JSON, read by the motion readers (at most 32 MiB), analysed at once (steps,
    cadence, bouts with direction), stored gzip-compressed with its phase labels and consent
    (server's clock), audited; a bad file is an ``InvalidRequest`` on ``file``; the same
    bytes twice are stored once (``created=False``).
    ``session_recordings(ctx, actor, session_id) -> list[RecordingOut]``;
    ``walker_recordings(ctx, actor, walker_id) -> list[RecordingOut]`` (the walker, her
    clinician, an admin; read-only).
    ``export_research_dataset(ctx, actor, folder) -> DatasetExportOut`` — admin: every
    guided-session recording allowed for research, one folder each plus ``manifest.json``,
    walkers as pseudonyms; audited per recording.
``demo``
    ``run_demo(ctx, actor, *, seed=1) -> dict`` — a six-week walker made through the use cases.
``passwords``
    ``own_login(ctx, actor) -> LoginAccount`` (one's own hash, to check the current password);
    ``change_own_password(ctx, actor, password_hash) -> AccountOut`` (audited).
``reset_links``
    ``issue_reset_link(ctx, actor, account_id, *, valid_hours=24,
    client_key=None) -> ResetLinkOut`` — a one-time password link (admin: any web account;
    clinician: own walkers and clinician colleagues; never the terminal's local admin; the
    same ``client_key`` again: the first link, ``token`` None, still working);
    ``reset_link_preview(ctx, token) -> ResetLinkPreview``;
    ``use_reset_link(ctx, token, password_hash) -> AccountOut`` (single use, expires, audited).
``invitations``
    ``list_invitations(ctx, actor, *, pending_only=True) -> list[InvitationSummary]``,
    ``withdraw_invitation(ctx, actor, invitation_id) -> InvitationSummary``,
    ``reissue_invitation(ctx, actor, invitation_id, *, valid_days=14) -> InvitationOut`` (own,
    or any for an admin);
    ``invite_clinician(ctx, actor, email, *, valid_days=14, client_key=None) -> InvitationOut``
    (admin);
    ``invitation_preview(ctx, token) -> InvitationPreview``;
    ``accept_clinician_invitation(ctx, token, data: ClinicianSignup) -> AccountOut``.
``team``
    ``list_colleagues(ctx, actor) -> list[AccountOut]``;
    ``find_account(ctx, actor, email) -> AccountOut`` (admin).
``audit_view``
    ``walker_audit(ctx, actor, walker_id, filters: AuditFilter = None) -> AuditPage`` — who
    changed what, when (the walker's clinician or an admin), filtered by action, person and
    dates.
``my_data``
    ``my_data(ctx, actor) -> dict`` — all of a walker's own records, JSON-ready;
    ``as_json(data) -> bytes`` and ``as_csv_zip(data) -> bytes`` for the download.
``transfer``
    ``export_data(ctx, actor) -> dict`` (admin; every table, JSON-ready) and
    ``import_data(ctx, data) -> int`` (into an empty database only, not audited, so the copy
    stays identical); ``export_to(ctx, actor, path, fmt)`` and ``import_from(ctx, path, fmt)``
    for files (``fmt``: ``json``, or ``csv`` for a folder of CSV files; round-trip exact).
``reminders``
    ``upcoming(ctx, actor, walker_id) -> UpcomingOut`` — the next planned session and the
    morning check-ins to come (policy: the week's sessions on fixed weekdays, none while
    something stops sessions).
    ``calendar_link(ctx, actor, walker_id) -> CalendarLinkOut | None`` — the walker's own
    private feed address (only the walker; None before one is made).
    ``renew_calendar_link(ctx, actor, walker_id) -> CalendarLinkOut`` — make it, or a new one:
    the old address stops working at once (audited).
    ``calendar_feed(ctx, token) -> CalendarFeedOut | None`` — not a use case of a signed-in
    person: what the feed at the secret address holds; None for any wrong token (read only).
    ``printable_plan(ctx, actor, walker_id) -> PrintablePlanOut | None`` — the plan on one
    page: prescription, cues, exercises, the clinician's name and contact.
``speed_note``
    ``speed_note(ctx, plan) -> str | None`` — the sentence shown beside a plan's speed when
    it is the clinician's own setting (above what retrowalk's rules set), else None.
``sign_ins``
    Not use cases of a person (no actor): the web layer's sign-in state in the database, which
    decides who the actor is.
    ``start(ctx, account_id, *, walker_id=None, flash=(), idle_timeout=12h) -> NewSignIn`` (its
    token returned once),
    ``find(ctx, token, *, idle_timeout=12h) -> SignInOut | None``,
    ``change_flash(ctx, sign_in_id, *, add=(), take=None)``, ``end(ctx, token)``,
    ``end_all(ctx, account_id, *, keep_token=None) -> int``,
    ``signing_key(ctx, purpose) -> bytes`` (the server's secret, shared by every worker).
``sign_in_throttle``
    Not a use case of a person either: the growing delay after wrong passwords, per key
    (``address_key(email, address)``, ``device_key(email, device)``).
    ``wait_s(ctx, key) -> int``, ``record_failure(ctx, key, policy) -> int``,
    ``forget(ctx, *keys)``.
"""

from retrowalk.services.errors import (
    AccessDenied,
    Conflict,
    HiddenRecord,
    InvalidRequest,
    NotFound,
    ServiceError,
)
from retrowalk.services.schemas import Actor, Role

__all__ = [
    "AccessDenied",
    "Actor",
    "Conflict",
    "HiddenRecord",
    "InvalidRequest",
    "NotFound",
    "Role",
    "ServiceError",
]
