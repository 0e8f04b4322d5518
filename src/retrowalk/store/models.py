"""The tables of retrowalk (SQLAlchemy 2 typed declarative models).

Each clinical result is kept twice: as queryable columns (outcome, minutes, speed...) and as
the full JSON of the clinical model (``*_json``), with the rule version that made it, so a
clinician can audit any decision later even after the rules change. Units are in the
column names. Every datetime is aware UTC (:class:`UTCDateTime`); ``local_date`` columns
hold the walker's own calendar date (their IANA time zone), which is what "today" and
"next morning" mean.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from retrowalk.store.column_types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SESSION_ADVERSE = "CAST(adverse_events AS TEXT) <> '[]'"
"""The condition of the partial index of sessions that reported an adverse event; the
queries write the same text (``repositories.ADVERSE_EVENTS_REPORTED``) so it serves them."""
CHECKIN_RED_FLAGS = "red_flags IS NOT NULL AND CAST(red_flags AS TEXT) NOT IN ('[]', 'null')"
"""The condition of the partial index of check-ins that reported a new red flag."""
REPORTED_RED_FLAGS = "CAST(red_flags AS TEXT) <> '[]'"
"""The condition of the partial index of red-flag reports that named at least one flag (an
empty report answers "none of these")."""

ROLES = ("walker", "clinician", "admin")
STAFF_ROLES = ("clinician", "admin")
"""The roles that look after walkers (the services' ``Role.CLINICIAN`` and ``Role.ADMIN``)."""


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (so migrations can drop them)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class Account(Base):
    """A person who signs in: a walker, a clinician or an administrator."""

    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("role IN ('walker', 'clinician', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(512))
    """An argon2 hash made by the web layer; NULL for walkers who only use the CLI."""
    created_at: Mapped[datetime]


class Walker(Base):
    """A walker's profile: who they are clinically, where they live (time zone), who supervises."""

    __tablename__ = "walkers"
    __table_args__ = (
        CheckConstraint("knee_condition IN ('oa', 'patellofemoral_pain')", name="knee_condition"),
        CheckConstraint("knee_side IN ('left', 'right', 'both')", name="knee_side"),
        CheckConstraint("sex IN ('female', 'male')", name="sex"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    age_years: Mapped[int]
    sex: Mapped[str] = mapped_column(String(8))
    knee_condition: Mapped[str] = mapped_column(String(24))
    knee_side: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    """IANA name, e.g. ``Europe/London``: decides the walker's "today"."""
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_at: Mapped[datetime]
    record_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Raised by every audited change of the walker's record (``repositories.audit``)."""


class Screening(Base):
    """A completed readiness screen (PAR-Q, red flags) and its outcome."""

    __tablename__ = "screenings"
    __table_args__ = (
        Index("ix_screenings_walker_created", "walker_id", "created_at"),
        UniqueConstraint("walker_id", "client_key", name="uq_screenings_walker_client_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    walker_id: Mapped[int] = mapped_column(ForeignKey("walkers.id"))
    created_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(32))
    clearance_required: Mapped[bool] = mapped_column(Boolean)
    answers_json: Mapped[dict[str, Any]]
    result_json: Mapped[dict[str, Any]]
    rule_version: Mapped[str] = mapped_column(String(32))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    client_key: Mapped[str | None] = mapped_column(String(64))
    """The form's (or program's) one-time key: the same answers sent twice are stored once."""
    client_key_digest: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the values sent with the key (``services.key_digest``); NULL: unknown."""


class Assessment(Base):
    """Baseline or reassessment: physical tests and questionnaires with item-level answers."""

    __tablename__ = "assessments"
    __table_args__ = (
        Index("ix_assessments_walker_date", "walker_id", "local_date"),
        UniqueConstraint("walker_id", "client_key", name="uq_assessments_walker_client_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    walker_id: Mapped[int] = mapped_column(ForeignKey("walkers.id"))
    created_at: Mapped[datetime]
    local_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    """``baseline`` or ``reassessment``."""
    tug_s: Mapped[float | None] = mapped_column(Float)
    tandem_stance_s: Mapped[float | None] = mapped_column(Float)
    chair_stand_count: Mapped[int | None]
    backward_walk_3m_s: Mapped[float | None] = mapped_column(Float)
    backward_speed_m_s: Mapped[float | None] = mapped_column(Float)
    """The comfortable speed of the 3-m backward walk (overground); a treadmill speed test is in
    ``scores_json["measured_speeds"]``."""
    gait_speed_m_s: Mapped[float | None] = mapped_column(Float)
    high_fall_risk: Mapped[bool | None] = mapped_column(Boolean)
    answers_json: Mapped[dict[str, Any]]
    """Every answer as given: the tests, the fall questions, questionnaire items."""
    scores_json: Mapped[dict[str, Any]]
    """Computed results (fall risk, KOOS subscales...) as the clinical models dumped them."""
    rule_version: Mapped[str] = mapped_column(String(32))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    client_key: Mapped[str | None] = mapped_column(String(64))
    """The form's (or program's) one-time key: the same tests sent twice are stored once."""
    client_key_digest: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the values sent with the key (``services.key_digest``); NULL: unknown."""


class Prescription(Base):
    """One version of a walker's plan, with the decision and reasons that produced it."""

    __tablename__ = "prescriptions"
    __table_args__ = (
        UniqueConstraint("walker_id", "version", name="uq_prescriptions_walker_version"),
        UniqueConstraint("walker_id", "client_key", name="uq_prescriptions_walker_client_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    walker_id: Mapped[int] = mapped_column(ForeignKey("walkers.id"))
    version: Mapped[int]
    created_at: Mapped[datetime]
    effective_from: Mapped[date] = mapped_column(Date)
    decision: Mapped[str] = mapped_column(String(24))
    """``start``, ``progress``, ``hold``, ``regress``, ``stop``, ``step_back``, ``adjust``,
    ``clear``, ``review`` or ``reassess``."""
    duration_min: Mapped[float] = mapped_column(Float)
    speed_m_s: Mapped[float] = mapped_column(Float)
    incline_pct: Mapped[float] = mapped_column(Float)
    sessions_per_week: Mapped[int]
    surface: Mapped[str] = mapped_column(String(40))
    supervision: Mapped[str] = mapped_column(String(24))
    """``every_session`` or ``first_sessions`` (see ``supervised_first_sessions``)."""
    supervised_first_sessions: Mapped[int | None]
    high_fall_risk: Mapped[bool] = mapped_column(Boolean)
    awaiting_clearance: Mapped[bool] = mapped_column(Boolean)
    supervised_until_review: Mapped[bool] = mapped_column(Boolean)
    reasons_json: Mapped[list[Any]]
    prescription_json: Mapped[dict[str, Any]]
    decision_json: Mapped[dict[str, Any] | None]
    policy_version: Mapped[int | None]
    """The clinic policy version the decision was made under (0: the built-in default;
    NULL on versions made before policies were stored)."""
    rule_version: Mapped[str] = mapped_column(String(32))
    made_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    client_key: Mapped[str | None] = mapped_column(String(64))
    """The adjust form's (or program's) one-time key: the same change sent twice is one
    version (NULL for a version a rule or another use case made)."""
    client_key_digest: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the values sent with the key (``services.key_digest``); NULL: unknown."""


class WalkSession(Base):
    """One backward-walking session: what was planned and what was done."""

    __tablename__ = "sessions"
    __table_args__ = (
        UniqueConstraint("walker_id", "client_key", name="uq_sessions_walker_client_key"),
        Index("ix_sessions_walker_date_time", "walker_id", "local_date", "performed_at"),
        Index("ix_sessions_walker_logged", "walker_id", "logged_at"),
        Index("ix_sessions_walker_supervised", "walker_id", "supervised"),
        Index(
            "ix_sessions_walker_adverse",
            "walker_id",
            "id",
            sqlite_where=text(SESSION_ADVERSE),
            postgresql_where=text(SESSION_ADVERSE),
        ),
        Index(
            "ix_sessions_walker_steps",
            "walker_id",
            "local_date",
            "performed_at",
            sqlite_where=text("steps IS NOT NULL"),
            postgresql_where=text("steps IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    walker_id: Mapped[int] = mapped_column(ForeignKey("walkers.id"))
    client_key: Mapped[str] = mapped_column(String(64))
    """Chosen by the client; the same key twice is the same session (idempotent logging)."""
    client_key_digest: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the values sent with the key (``services.key_digest``); NULL: unknown."""
    prescription_id: Mapped[int | None] = mapped_column(ForeignKey("prescriptions.id"))
    performed_at: Mapped[datetime]
    local_date: Mapped[date] = mapped_column(Date)
    logged_at: Mapped[datetime]
    planned_duration_min: Mapped[float | None] = mapped_column(Float)
    planned_speed_m_s: Mapped[float | None] = mapped_column(Float)
    planned_incline_pct: Mapped[float | None] = mapped_column(Float)
    planned_surface: Mapped[str | None] = mapped_column(String(40))
    planned_supervised: Mapped[bool | None] = mapped_column(Boolean)
    duration_min: Mapped[float] = mapped_column(Float)
    speed_m_s: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    incline_pct: Mapped[float] = mapped_column(Float)
    surface: Mapped[str] = mapped_column(String(40))
    supervised: Mapped[bool] = mapped_column(Boolean)
    pain_before_nprs: Mapped[int]
    pain_peak_nprs: Mapped[int]
    pain_after_nprs: Mapped[int]
    effort_cr10: Mapped[int]
    adverse_events: Mapped[list[Any]]
    completed: Mapped[bool] = mapped_column(Boolean)
    """False when the session was stopped early."""
    steps: Mapped[int | None]
    """Steps counted by a recording of the session (its cadence sets the metronome)."""
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    another_today: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Logged when a session of the same local date already was: a second session that day,
    which the walker confirmed (the web log asks "another session today?")."""
    walked_against: Mapped[list[Any] | None]
    """The restrictions that stopped every session (rest day, adverse-event review, red flag,
    clearance awaited) standing when this session was walked (``RestrictionKind`` values):
    stored as told, with its adverse event, and flagged to the clinician. NULL: none."""


class SessionRecording(Base):
    """A phone or watch recording attached to one session, with its analysis.

    ``content`` holds the file as uploaded, gzip-compressed (at most the upload limit), so it
    can be analysed again when the step detector improves, and exported as a research data set
    when the walker allowed it (``research_use``). ``analysis_json`` is what was found at
    upload (steps, cadence, bouts with direction, phases); the columns beside it are its
    totals, for queries. ``labels_json`` holds the guided session's phases (NULL for a file
    uploaded from elsewhere); ``consent_json`` what the walker agreed to, stamped with the
    server's clock.
    """

    __tablename__ = "session_recordings"
    __table_args__ = (
        CheckConstraint("origin IN ('upload', 'guided')", name="origin"),
        UniqueConstraint("session_id", "sha256", name="uq_session_recordings_session_sha256"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    walker_id: Mapped[int] = mapped_column(ForeignKey("walkers.id"), index=True)
    uploaded_at: Mapped[datetime]
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    origin: Mapped[str] = mapped_column(String(16))
    """``upload`` (a file from phyphox, Sensor Logger, a watch …) or ``guided`` (recorded by
    the guided session page)."""
    file_name: Mapped[str] = mapped_column(String(200))
    source_format: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    """The size of the file as uploaded (before compression)."""
    sha256: Mapped[str] = mapped_column(String(64))
    """Of the file as uploaded: the same file sent twice is stored once."""
    content: Mapped[bytes] = mapped_column(LargeBinary)
    steps: Mapped[int | None]
    cadence_spm: Mapped[float | None] = mapped_column(Float)
    walking_s: Mapped[float] = mapped_column(Float)
    analysis_json: Mapped[dict[str, Any]]
    analysis_version: Mapped[str] = mapped_column(String(32))
    labels_json: Mapped[list[Any] | None]
    consent_json: Mapped[dict[str, Any] | None]
    research_use: Mapped[bool] = mapped_column(Boolean)
    """The walker allowed this recording to be used for research (a separate consent)."""


class Checkin(Base):
    """The next-morning report for one session, and the decision it led to.

    ``report_missing`` rows record that no report came before the next session was logged:
    the rule then holds (RULES §3) and the pain and stiffness are NULL. Their red-flag
    questions (§7.7) were not asked: they stay to be asked until the walker answers them
    (``repositories.red_flags_unasked_since``).
    """

    __tablename__ = "checkins"
    __table_args__ = (
        Index("ix_checkins_walker_date", "walker_id", "local_date"),
        Index("ix_checkins_walker_pain", "walker_id", "pain_nprs"),
        Index("ix_checkins_walker_time", "walker_id", "created_at"),
        Index(
            "ix_checkins_walker_red_flags",
            "walker_id",
            "created_at",
            sqlite_where=text(CHECKIN_RED_FLAGS),
            postgresql_where=text(CHECKIN_RED_FLAGS),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    walker_id: Mapped[int] = mapped_column(ForeignKey("walkers.id"))
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), unique=True)
    created_at: Mapped[datetime]
    local_date: Mapped[date] = mapped_column(Date)
    pain_nprs: Mapped[int | None]
    stiffness_nprs: Mapped[int | None]
    report_missing: Mapped[bool] = mapped_column(Boolean)
    red_flags: Mapped[list[Any] | None]
    """Red flags the walker reported as new since the session (RULES.md §7.7); NULL on rows
    made before the question was asked, and on missing reports."""
    usual_pain_nprs: Mapped[float | None] = mapped_column(Float)
    """The walker's usual pain level the report was compared with (RULES.md §3 amendments)."""
    decision: Mapped[str] = mapped_column(String(24))
    next_prescription_id: Mapped[int | None] = mapped_column(ForeignKey("prescriptions.id"))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))


class RedFlagReport(Base):
    """Red flags a walker reported as new at any time, outside a morning check-in (RULES.md
    §7.7): the same questions, asked whenever she opens them, so a sign that appears in the
    evening or on a day without a session is not left until the next check-in. An empty list
    answers "none of these" (kept: it answers the questions a missing morning report left
    unasked); it never lifts a restriction (§7.1)."""

    __tablename__ = "red_flag_reports"
    __table_args__ = (
        Index("ix_red_flag_reports_walker_created", "walker_id", "created_at"),
        Index(
            "ix_red_flag_reports_walker_flagged",
            "walker_id",
            sqlite_where=text(REPORTED_RED_FLAGS),
            postgresql_where=text(REPORTED_RED_FLAGS),
        ),
        UniqueConstraint("walker_id", "client_key", name="uq_red_flag_reports_walker_client_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    walker_id: Mapped[int] = mapped_column(ForeignKey("walkers.id"))
    created_at: Mapped[datetime]
    local_date: Mapped[date] = mapped_column(Date)
    red_flags: Mapped[list[Any]]
    """The red flags reported as new (codes of ``clinical.red_flags.CHECKIN_RED_FLAGS``)."""
    recorded_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    client_key: Mapped[str | None] = mapped_column(String(64))
    """The form's (or program's) one-time key: the same answer sent twice is stored once."""
    client_key_digest: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the values sent with the key (``services.key_digest``); NULL: unknown."""


class ClinicianNote(Base):
    """A free-text note a clinician keeps about a walker."""

    __tablename__ = "clinician_notes"
    __table_args__ = (
        Index("ix_clinician_notes_walker_created", "walker_id", "created_at"),
        UniqueConstraint("walker_id", "client_key", name="uq_clinician_notes_walker_client_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    walker_id: Mapped[int] = mapped_column(ForeignKey("walkers.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)
    client_key: Mapped[str | None] = mapped_column(String(64))
    """The form's (or program's) one-time key: the same note sent twice is stored once."""
    client_key_digest: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the values sent with the key (``services.key_digest``); NULL: unknown."""


CLEARANCE_SCOPES = (
    "red_flag",
    "clearance_required",
    "fall_risk",
    "walking_aid",
    "adverse_event",
    "rest_day",
)
"""The restriction kinds a clinician's clearance can lift (``retrowalk.clinical.restrictions``);
a clearance lifts exactly the kind it names."""


class Clearance(Base):
    """A clinician's recorded clearance of one kind of restriction (RULES.md §7.1)."""

    __tablename__ = "clearances"
    __table_args__ = (
        CheckConstraint(
            "scope IN ('red_flag', 'clearance_required', 'fall_risk', 'walking_aid', "
            "'adverse_event', 'rest_day')",
            name="scope",
        ),
        Index("ix_clearances_walker_created", "walker_id", "created_at"),
        UniqueConstraint("walker_id", "client_key", name="uq_clearances_walker_client_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    walker_id: Mapped[int] = mapped_column(ForeignKey("walkers.id"))
    cleared_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime]
    scope: Mapped[str] = mapped_column(String(32))
    """The restriction kind lifted (one of ``CLEARANCE_SCOPES``)."""
    reason: Mapped[str] = mapped_column(Text)
    client_key: Mapped[str | None] = mapped_column(String(64))
    """The form's (or program's) one-time key: the same clearance sent twice is stored once."""
    covers_seq: Mapped[int | None] = mapped_column(Integer)
    """The walker's record as the clinician saw it when clearing (the id of the newest audit
    entry behind the restriction she read): a record of this kind recorded after it is not
    lifted by this clearance (NULL: one stored before 0016, which lifts all before it)."""
    client_key_digest: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the values sent with the key (``services.key_digest``); NULL: unknown."""


class SetupToken(Base):
    """The one-time token that lets the first clinician/admin account be created (hash only)."""

    __tablename__ = "setup_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Invitation(Base):
    """An invitation by email (token stored hashed, single use): a clinician invites a walker,
    an administrator invites a clinician. ``clinician_id`` is whoever sent it."""

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint("role IN ('walker', 'clinician')", name="role"),
        UniqueConstraint("clinician_id", "client_key", name="uq_invitations_clinician_client_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    clinician_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    walker_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    """The account the invitation made (a walker's, or a clinician's)."""
    role: Mapped[str] = mapped_column(String(16), server_default="walker")
    """The role of the account it makes: ``walker`` or ``clinician``."""
    withdrawn_at: Mapped[datetime | None]
    """Set when the sender withdrew it: the link stops working."""
    client_key: Mapped[str | None] = mapped_column(String(64))
    """The form's (or program's) one-time key: the same invitation sent twice is made once."""
    client_key_digest: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the values sent with the key (``services.key_digest``); NULL: unknown."""


# --- sign-in state: shared by every worker and server on this database -----------------------


class SignIn(Base):
    """A browser signed in to an account: the server side of the sign-in cookie.

    Only the SHA-256 of the cookie's random value is kept, so a copy of the database cannot
    sign anyone in. Kept in the database (not in a process's memory), so a restart keeps
    everyone signed in and every worker behind a proxy knows every sign-in.
    """

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    """The CSRF token of this sign-in's forms and API writes."""
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    walker_id: Mapped[int | None] = mapped_column(ForeignKey("walkers.id"))
    """For a walker: their own walker record (pages never take it from the address)."""
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(index=True)
    """Updated at most once a minute; a sign-in idle longer than the policy ends."""
    flash_json: Mapped[list[Any]]
    """One-shot messages for the next page ("Session saved.")."""


class SignInFailures(Base):
    """Wrong passwords for one account from one address (or one trusted device).

    The key is a SHA-256 of the pair, so the table holds neither emails nor addresses; rows
    are forgotten a day after their last failure.
    """

    __tablename__ = "sign_in_failures"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int]
    last_failure_at: Mapped[datetime] = mapped_column(index=True)
    wait_until: Mapped[datetime]
    """No attempt for this key is checked before this time (the growing delay)."""


class SigningKey(Base):
    """A server secret (HMAC key) shared by every worker: visitors' CSRF tokens and cookies.

    Made once, on first use; kept in the database so a restart or another server accepts
    what this one signed.
    """

    __tablename__ = "signing_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32), unique=True)
    secret: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]


class ResetLink(Base):
    """A one-time link to set an account's password (token stored hashed; expires; single use).

    Issued by a clinician (for their walker or a colleague), an administrator, or the CLI.
    """

    __tablename__ = "reset_links"
    __table_args__ = (
        UniqueConstraint("created_by", "client_key", name="uq_reset_links_created_by_client_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    client_key: Mapped[str | None] = mapped_column(String(64))
    """The button's (or program's) one-time key: pressed twice, one link is made (a second
    would replace the first, already shown, without a word)."""
    client_key_digest: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the values sent with the key (``services.key_digest``); NULL: unknown."""


SIGN_IN_STATE_TABLES = ("sign_ins", "sign_in_failures", "signing_keys", "reset_links")
"""Tables of sign-in state, not records: an export leaves them out (a copy of a database must
not carry live sign-ins, secrets or password links), and an import ignores them."""


class DatabaseInstance(Base):
    """One row naming this copy of the database (a random id): a restore gives it a new one.

    What a process keeps between requests about the records (the list's flags,
    ``services.flag_cache``) is keyed on it as well as on each walker's ``record_version``:
    a restore puts older version numbers back, which later changes can reach again."""

    __tablename__ = "database_instance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[str] = mapped_column(String(32))


LOCAL_STATE_TABLES = (*SIGN_IN_STATE_TABLES, "database_instance")
"""What an export leaves out: the sign-in state, and this copy's own name."""


class CalendarFeed(Base):
    """A walker's private calendar feed: the secret in its address is made from ``nonce``.

    The address is ``HMAC(server key, walker id + nonce)``, so the feed URL can be shown again
    without being stored: a copy of the database alone (no server key) does not reveal it.
    Renewing draws a new nonce, and the old address stops working at once.
    """

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    walker_id: Mapped[int] = mapped_column(ForeignKey("walkers.id"), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    created_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))


class ClinicPolicy(Base):
    """One version of the clinic's policy (``retrowalk.clinical.policy.PolicyConfig``).

    Versions are never rewritten: the newest is in force, and every decision records the
    version it used. No row yet means the built-in default (version 0)."""

    __tablename__ = "clinic_policies"
    __table_args__ = (
        UniqueConstraint("set_by", "client_key", name="uq_clinic_policies_set_by_client_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime]
    set_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    reason: Mapped[str] = mapped_column(Text)
    rule_version: Mapped[str] = mapped_column(String(32))
    policy_json: Mapped[dict[str, Any]]
    client_key: Mapped[str | None] = mapped_column(String(64))
    """The policy form's (or program's) one-time key: the same change sent twice is one
    version."""
    client_key_digest: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the values sent with the key (``services.key_digest``); NULL: unknown."""


class WalkerExercise(Base):
    """A clinician's switch of one strengthening exercise for one walker (on or off).

    No row means the exercise is on, as her programme has it; each change updates the row
    and writes an audit entry, so the history of switches is in the audit log."""

    __tablename__ = "walker_exercises"
    __table_args__ = (
        UniqueConstraint("walker_id", "exercise_key", name="uq_walker_exercises_walker_exercise"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    walker_id: Mapped[int] = mapped_column(ForeignKey("walkers.id"))
    exercise_key: Mapped[str] = mapped_column(String(48))
    """The exercise's content key (``retrowalk/clinical/exercises/<key>.toml``)."""
    enabled: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime]
    changed_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    reason: Mapped[str | None] = mapped_column(Text)


class ExerciseLog(Base):
    """One time the walker ticked her strengthening exercises (idempotent on ``client_key``)."""

    __tablename__ = "exercise_logs"
    __table_args__ = (
        UniqueConstraint("walker_id", "client_key", name="uq_exercise_logs_walker_client_key"),
        Index("ix_exercise_logs_walker_date", "walker_id", "local_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    walker_id: Mapped[int] = mapped_column(ForeignKey("walkers.id"))
    client_key: Mapped[str] = mapped_column(String(64))
    client_key_digest: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the values sent with the key (``services.key_digest``); NULL: unknown."""
    local_date: Mapped[date] = mapped_column(Date)
    """The walker's own date when it was logged (the server's clock, her time zone)."""
    logged_at: Mapped[datetime]
    recorded_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))


class ExerciseLogEntry(Base):
    """One exercise of a tick: the sets done of those planned, and the pain (0-10)."""

    __tablename__ = "exercise_log_entries"
    __table_args__ = (
        CheckConstraint("done_as IN ('as_planned', 'home_alternative')", name="done_as"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    log_id: Mapped[int] = mapped_column(ForeignKey("exercise_logs.id"), index=True)
    exercise_key: Mapped[str] = mapped_column(String(48))
    done_as: Mapped[str] = mapped_column(String(24))
    """``as_planned``, or ``home_alternative`` (e.g. sit to stand instead of the leg press)."""
    sets_done: Mapped[int]
    sets_planned: Mapped[int]
    pain_nprs: Mapped[int | None]
    """Pain during the exercise, 0-10; None when no set was done."""


class AuditEntry(Base):
    """Append-only: who changed what, when. Written in the same transaction as the change."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity", "entity", "entity_id"),
        Index("ix_audit_log_walker_entry", "walker_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None]
    walker_id: Mapped[int | None] = mapped_column(ForeignKey("walkers.id"), index=True)
    detail_json: Mapped[dict[str, Any]]


class AuditLogIsAppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit entry (a programming error)."""


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_audit_change(_mapper: Any, _connection: Any, target: AuditEntry) -> None:
    raise AuditLogIsAppendOnlyError(f"audit entry {target.id} cannot be changed or deleted")


TABLES_IN_DEPENDENCY_ORDER = [t.name for t in Base.metadata.sorted_tables]
"""Parents before children: the order for import, and reversed for deletion."""
