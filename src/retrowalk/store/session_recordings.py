"""Queries on ``session_recordings``: a session's recordings, a walker's, research ones.

The file itself (``content``) is only loaded where it is needed (analysis again, research
export): listing a walker's recordings reads the analysis, never megabytes of motion.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from retrowalk.store.models import SessionRecording


def for_session(tx: Session, session_id: int) -> Sequence[SessionRecording]:
    """The recordings of one session, oldest first, without their files."""
    query = (
        select(SessionRecording)
        .options(defer(SessionRecording.content))
        .where(SessionRecording.session_id == session_id)
        .order_by(SessionRecording.id)
    )
    return tx.scalars(query).all()


def for_walker(tx: Session, walker_id: int) -> Sequence[SessionRecording]:
    """Every recording of one walker, oldest first, without their files."""
    query = (
        select(SessionRecording)
        .options(defer(SessionRecording.content))
        .where(SessionRecording.walker_id == walker_id)
        .order_by(SessionRecording.id)
    )
    return tx.scalars(query).all()


def by_hash(tx: Session, session_id: int, sha256: str) -> SessionRecording | None:
    """The recording of this session whose file has this SHA-256 (a resent upload)."""
    query = select(SessionRecording).where(
        SessionRecording.session_id == session_id, SessionRecording.sha256 == sha256
    )
    return tx.scalar(query)


def for_research(tx: Session) -> Sequence[SessionRecording]:
    """Guided-session recordings whose walker allowed research use, oldest first (files
    included: they are about to be exported)."""
    query = (
        select(SessionRecording)
        .where(SessionRecording.origin == "guided", SessionRecording.research_use.is_(True))
        .order_by(SessionRecording.id)
    )
    return tx.scalars(query).all()
