"""Recordings attached to a session: a file from a phone or watch, or the guided session's own.

A walker adds a recording to one of her logged sessions (the web page, the JSON API). The
file is read by the same readers as ``retrowalk motion analyze`` (phyphox, Sensor Logger,
FIT, GPX, CSV, and retrowalk's guided-session JSON), analysed at once (steps, cadence, bouts
with their direction), and stored with the analysis, gzip-compressed, at most
:data:`MAX_RECORDING_BYTES` (the web's upload limit). A file that cannot be read is refused
with the reader's sentence and what was expected; nothing is stored. The same file sent
twice (a phone retrying after the network dropped) is stored once.

A guided-session recording carries its phases (labels) and the consent it was made under;
the consent is stamped with the server's clock. Only one whose walker ticked the separate
research box is ever exported as a data set (:func:`export_research_dataset`, admin only).

Clinicians see their walkers' recordings (read-only); nobody but the walker adds one.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import io
import json
import re
import struct
import tempfile
import zipfile
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from retrowalk import __version__
from retrowalk.services.access import can_reach, check_actor, check_id, require_role, walker_for
from retrowalk.services.context import AppContext
from retrowalk.services.errors import AccessDenied, HiddenRecord, InvalidRequest, NotFound
from retrowalk.services.schemas import Actor, Role
from retrowalk.services.schemas.recordings import (
    BoutOut,
    DatasetExportOut,
    PhaseOut,
    RecordingOut,
)
from retrowalk.services.sign_ins import signing_key
from retrowalk.store import repositories as repo
from retrowalk.store import session_recordings as stored
from retrowalk.store.models import SessionRecording, Walker, WalkSession
from retrowalk.store.private_files import private_dir, write_private_text

MAX_RECORDING_BYTES = 32 * 1024 * 1024
MAX_EXPANDED_BYTES = 256 * 1024 * 1024
"""What a compressed upload (zip, gzip) may expand to. A two-hour session at 100 Hz is about
40 MB of CSV; a 1 MB "zip bomb" of a gigabyte of zeros kept the server busy for a quarter of an
hour (found by the outside-in test), so anything larger is refused before it is read."""
_CHUNK = 1 << 20
"""Policy: a recording is at most 32 MiB, as any file upload (``web.limits.MAX_UPLOAD_BYTES``;
a test keeps them equal): an hour of phone motion as CSV is about 20 MiB."""
UPLOAD_FORMATS = (
    "auto",
    "phyphox",
    "sensor-logger",
    "fit",
    "gpx",
    "csv",
    "retrowalk-json",
)
"""The formats a walker may name (``auto``: judged from the content, as the CLI does)."""
EXPECTED = (
    "a phyphox export (.zip or .csv), a Sensor Logger export (.zip or .json), a FIT or GPX "
    "file from a watch, a CSV with a time column and x, y, z acceleration, or a recording made "
    "by retrowalk's guided session"
)
"""What a recording may be, in words (every refusal of a file says it)."""
NO_ANALYSIS = "The analysis of this recording cannot be shown; the file is kept."
FILE_NAME_MAX = 200
WALKER_ONLY = (
    "Only the walker can add a recording to her own session; her clinician sees it on the "
    "walker's page."
)
DATASET_FORMAT = "retrowalk-research-dataset/1"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")
_CLI_HINT = re.compile(r"; name the columns with --columns \S+")
"""The generic CSV reader's hint for the terminal, worded for a file sent from the web."""
_READ_ERRORS = (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error, struct.error)
"""What reading a bad file can raise besides ``RecordingError`` (itself a ValueError)."""


def _clean_name(file_name: str | None) -> str:
    name = Path(file_name or "").name.replace("\x00", "")
    name = _UNSAFE_NAME.sub("_", name).strip(" .") or "recording"
    return name[-FILE_NAME_MAX:]


def _check_input(content: bytes, fmt: str) -> None:
    if fmt not in UPLOAD_FORMATS:
        raise InvalidRequest(
            f"format: {fmt!r} is not a format retrowalk reads; expected one of "
            f"{', '.join(UPLOAD_FORMATS)}.",
            field="format",
        )
    if not content:
        raise InvalidRequest(
            f"file: the file is empty; expected {EXPECTED}.",
            field="file",
        )
    if len(content) > MAX_RECORDING_BYTES:
        raise InvalidRequest(
            f"file: the file is {len(content) / (1 << 20):.1f} MB; a recording may be at most "
            f"{MAX_RECORDING_BYTES >> 20} MB.",
            field="file",
        )


def _reach_session(tx: Session, actor: Actor, session_id: int) -> WalkSession:
    """The session, when the actor may see its walker's records. Another walker's session is
    answered in the same words as one that does not exist (found by the outside-in test: the
    answer named the owner's walker id), so no one learns which ids are in use or whose."""
    check_id("session_id", session_id)
    check_actor(tx, actor)
    said = f"There is no session with id {session_id} among the records you may see."
    row = repo.get(tx, WalkSession, session_id)
    if row is None:
        raise NotFound(said)
    walker = repo.get(tx, Walker, row.walker_id)
    if walker is None or not can_reach(actor, walker):
        raise HiddenRecord(said)
    return row


Analysed = tuple[str, dict[str, Any], list[dict[str, Any]] | None, dict[str, Any] | None]
"""(format, analysis summary, phase labels, consent) of one file."""


def _own_session(tx: Session, actor: Actor, session_id: int) -> WalkSession:
    """The session, when the actor is the walker whose session it is."""
    check_actor(tx, actor)
    if actor.role is not Role.WALKER:
        raise AccessDenied(WALKER_ONLY)
    return _reach_session(tx, actor, session_id)


def _analyse(path: Path, fmt: str) -> Analysed:
    """(format, analysis summary, labels, consent) of the file at ``path``."""
    from retrowalk.motion.analysis import analyze
    from retrowalk.motion.guided import analysis_summary, phases_from_events
    from retrowalk.motion.readers import detect_format
    from retrowalk.motion.readers.guided_json import read_guided
    from retrowalk.motion.streaming import analyze_file

    chosen = detect_format(path) if fmt == "auto" else fmt
    if chosen != "retrowalk-json":
        return chosen, analysis_summary(analyze_file(path, chosen)), None, None
    guided = read_guided(path)
    phases = phases_from_events(guided.events, guided.recording.duration_s)
    summary = analysis_summary(analyze(guided.recording), phases)
    labels = [
        {"label": p.label, "start_s": p.start_s, "end_s": p.end_s, "direction": p.direction}
        for p in phases
    ]
    return chosen, summary, labels, guided.consent


def _expanded_size(content: bytes) -> int:
    """The bytes a zip or gzip upload expands to, counted while decompressing and stopped
    once past :data:`MAX_EXPANDED_BYTES` (the sizes a zip declares are not trusted)."""
    total = 0
    if content[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for info in archive.infolist():
                with archive.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        total += len(chunk)
                        if total > MAX_EXPANDED_BYTES:
                            return total
    elif content[:2] == b"\x1f\x8b":
        with gzip.GzipFile(fileobj=io.BytesIO(content)) as stream:
            while chunk := stream.read(_CHUNK):
                total += len(chunk)
                if total > MAX_EXPANDED_BYTES:
                    return total
    return total


def _check_expanded(content: bytes) -> None:
    try:
        size = _expanded_size(content)
    except _READ_ERRORS:
        return  # a damaged archive: the reader names what is wrong with it
    if size > MAX_EXPANDED_BYTES:
        raise InvalidRequest(
            f"file: the file expands to more than {MAX_EXPANDED_BYTES >> 20} MB when unpacked; "
            f"a recording may unpack to at most {MAX_EXPANDED_BYTES >> 20} MB (about 12 hours "
            "at 100 samples a second).",
            field="file",
        )


MAX_RECORDING_HOURS = 24
"""A session's recording longer than a day is a wrong time column, not a walk (a two-row
CSV at times 0 and 1e308 was stored as lasting 10^299 seconds: the second outside-in test)."""


def _check_duration(summary: dict[str, Any]) -> None:
    duration = summary.get("duration_s")
    if isinstance(duration, int | float) and not 0 <= duration <= MAX_RECORDING_HOURS * 3600:
        raise InvalidRequest(
            f"file: its times span {duration:.3g} seconds; a session's recording may last at "
            f"most {MAX_RECORDING_HOURS} hours (check the time column and its unit).",
            field="file",
        )


def _read_file(content: bytes, name: str, fmt: str) -> Analysed:
    analysed = _read_checked(content, name, fmt)
    _check_duration(analysed[1])
    return analysed


def _read_checked(content: bytes, name: str, fmt: str) -> Analysed:
    _check_expanded(content)
    with tempfile.TemporaryDirectory(prefix="retrowalk-recording-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            return _analyse(path, fmt)
        except _READ_ERRORS as exc:
            text = str(exc).strip() or exc.__class__.__name__
            text = text.replace(folder + "/", "")
            text = _CLI_HINT.sub("; head the columns time, x, y and z", text)
            if not text.endswith((".", "?", "!")):
                text += "."
            raise InvalidRequest(
                f"file: {text} Expected {EXPECTED}.",
                field="file",
            ) from None


def attach_recording(
    ctx: AppContext,
    actor: Actor,
    session_id: int,
    content: bytes,
    *,
    file_name: str | None = None,
    fmt: str = "auto",
) -> RecordingOut:
    """Read, analyse and store ``content`` as a recording of session ``session_id``.

    The walker's own session only. The same bytes twice return the first (``created=False``).
    """
    _check_input(content, fmt)
    name = _clean_name(file_name)
    digest = hashlib.sha256(content).hexdigest()
    with ctx.db.reader() as tx:
        _own_session(tx, actor, session_id)
        existing = stored.by_hash(tx, session_id, digest)
        if existing is not None:
            return recording_out(existing).model_copy(update={"created": False})
    chosen, summary, labels, consent = _read_file(content, name, fmt)
    if consent is not None and not consent.get("recording"):
        raise InvalidRequest(
            "file: this guided-session recording says the walker did not agree to record it; "
            "it is not stored.",
            field="file",
        )
    at = ctx.now()
    origin = "guided" if chosen == "retrowalk-json" else "upload"
    research = bool(consent and consent.get("research_use"))
    consent_json = None
    if consent is not None:
        consent_json = {**consent, "given_at_utc": at.isoformat(), "stamped_by": "server"}
    try:
        with ctx.db.transaction() as tx:
            session = _own_session(tx, actor, session_id)
            row = repo.add(
                tx,
                SessionRecording(
                    session_id=session.id,
                    walker_id=session.walker_id,
                    uploaded_at=at,
                    uploaded_by=actor.account_id,
                    origin=origin,
                    file_name=name,
                    source_format=chosen,
                    size_bytes=len(content),
                    sha256=digest,
                    content=gzip.compress(content, mtime=0),
                    steps=summary["steps"],
                    cadence_spm=summary["cadence_spm"],
                    walking_s=summary["walking_s"],
                    analysis_json=summary,
                    analysis_version=summary["version"],
                    labels_json=labels,
                    consent_json=consent_json,
                    research_use=research,
                ),
            )
            repo.audit(
                tx,
                at=at,
                actor_account_id=actor.account_id,
                actor_role=actor.role.value,
                action="recording.attach",
                entity="session_recording",
                entity_id=row.id,
                walker_id=session.walker_id,
                detail={
                    "session_id": session.id,
                    "origin": origin,
                    "format": chosen,
                    "size_bytes": len(content),
                    "steps": summary["steps"],
                    "research_use": research,
                },
            )
            return recording_out(row)
    except IntegrityError:  # the same file raced in from another request: return it
        with ctx.db.reader() as tx:
            existing = stored.by_hash(tx, session_id, digest)
            if existing is None:
                raise
            return recording_out(existing).model_copy(update={"created": False})


def recording_out(row: SessionRecording) -> RecordingOut:
    """A stored recording as shown; an analysis that cannot be read gives ``problem``."""
    base = {
        "id": row.id,
        "session_id": row.session_id,
        "walker_id": row.walker_id,
        "uploaded_at": row.uploaded_at,
        "origin": row.origin,
        "file_name": row.file_name,
        "source_format": row.source_format,
        "size_bytes": row.size_bytes,
        "research_use": row.research_use,
    }
    data = row.analysis_json if isinstance(row.analysis_json, dict) else {}
    try:
        return RecordingOut(
            **base,
            steps=row.steps,
            cadence_spm=row.cadence_spm,
            walking_s=row.walking_s,
            duration_s=data.get("duration_s"),
            distance_m=data.get("distance_m"),
            has_angular_rate=data.get("has_angular_rate"),
            bouts=tuple(BoutOut.model_validate(_bout(b)) for b in data.get("bouts", ())),
            phases=tuple(PhaseOut.model_validate(_phase(p)) for p in data.get("phases", ())),
        )
    except (ValidationError, TypeError, AttributeError, KeyError):
        return RecordingOut(
            **base, steps=None, cadence_spm=None, walking_s=0.0, problem=NO_ANALYSIS
        )


_BOUT_FIELDS = tuple(BoutOut.model_fields)
_PHASE_FIELDS = tuple(PhaseOut.model_fields)


def _bout(item: Any) -> dict[str, Any]:
    return {k: item[k] for k in _BOUT_FIELDS if k in item}


def _phase(item: Any) -> dict[str, Any]:
    return {k: item[k] for k in _PHASE_FIELDS if k in item}


def session_recordings(ctx: AppContext, actor: Actor, session_id: int) -> list[RecordingOut]:
    """The recordings of one session (the walker's own, or her clinician's walker)."""
    with ctx.db.reader() as tx:
        _reach_session(tx, actor, session_id)
        return [recording_out(r) for r in stored.for_session(tx, session_id)]


def walker_recordings(ctx: AppContext, actor: Actor, walker_id: int) -> list[RecordingOut]:
    """Every recording of a walker, oldest first (the walker herself, her clinician, admin)."""
    with ctx.db.reader() as tx:
        walker = walker_for(tx, actor, walker_id)
        return [recording_out(r) for r in stored.for_walker(tx, walker.id)]


def _participant_code(key: bytes, walker_id: int) -> str:
    """A pseudonym that is the same for a walker in every export, and reveals nothing."""
    return "P-" + hmac.new(key, str(walker_id).encode(), hashlib.sha256).hexdigest()[:12]


def export_research_dataset(ctx: AppContext, actor: Actor, folder: Path) -> DatasetExportOut:
    """Write every guided-session recording allowed for research to ``folder`` (admin only).

    One sub-folder per recording (:func:`retrowalk.motion.write_labelled_dataset`: motion,
    phase labels, consent, checksums) and ``manifest.json`` listing them. Walkers appear only
    as pseudonyms; no name, email, date of the session or free text leaves the database.
    Each exported recording is audited on its walker's record.
    """
    from retrowalk.motion.dataset import ConsentRecord, write_labelled_dataset
    from retrowalk.motion.errors import RecordingError
    from retrowalk.motion.guided import phases_from_events
    from retrowalk.motion.readers.guided_json import read_guided

    with ctx.db.reader() as tx:
        require_role(tx, actor, Role.ADMIN)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InvalidRequest(
            f"folder: {folder} exists and is not an empty folder; give a new folder.",
            field="folder",
        )
    key = signing_key(ctx, "research-pseudonym")
    private_dir(folder)
    at = ctx.now()
    entries: list[dict[str, Any]] = []
    skipped: list[str] = []
    written: list[tuple[int, int]] = []
    with ctx.db.reader() as tx:
        rows = list(stored.for_research(tx))
    for row in rows:
        consent = row.consent_json or {}
        code = _participant_code(key, row.walker_id)
        name = f"recording-{row.id:06d}"
        with tempfile.TemporaryDirectory(prefix="retrowalk-export-") as tmp:
            path = Path(tmp) / "guided.json"
            path.write_bytes(gzip.decompress(row.content))
            try:
                guided = read_guided(path)
                phases = phases_from_events(guided.events, guided.recording.duration_s)
                given = datetime.fromisoformat(str(consent.get("given_at_utc")))
                record = ConsentRecord(
                    participant_code=code,
                    consent_version=str(consent.get("text_version") or "unknown"),
                    given_at_utc=given,
                    allows_research_use=bool(row.research_use and consent.get("research_use")),
                )
                write_labelled_dataset(
                    folder / name, guided.recording, phases, record, software_version=__version__
                )
            except (RecordingError, ValueError) as exc:
                skipped.append(f"{name}: {exc}")
                continue
        written.append((row.id, row.walker_id))
        entries.append(
            {
                "folder": name,
                "participant_code": code,
                "consent_version": record.consent_version,
                "consent_given_at_utc": record.given_at_utc.isoformat(),
                "labels": sorted({p.label for p in phases}),
                "duration_s": round(guided.recording.duration_s, 3),
            }
        )
    manifest = {
        "format": DATASET_FORMAT,
        "written_by": f"retrowalk {__version__}",
        "exported_at_utc": at.isoformat(),
        "recordings": entries,
        "note": (
            "Each folder is one guided-session recording whose walker allowed research use. "
            "Labels are what the session asked the walker to do, not a count of what was done."
        ),
    }
    write_private_text(folder / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    with ctx.db.transaction() as tx:
        for recording_id, walker_id in written:
            repo.audit(
                tx,
                at=at,
                actor_account_id=actor.account_id,
                actor_role=actor.role.value,
                action="recording.research_export",
                entity="session_recording",
                entity_id=recording_id,
                walker_id=walker_id,
                detail={"folder": f"recording-{recording_id:06d}"},
            )
    return DatasetExportOut(folder=str(folder), recordings=len(entries), skipped=tuple(skipped))
