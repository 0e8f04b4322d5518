"""Queries for the walkers' private calendar feeds (one row per walker, its address's nonce)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from retrowalk.store.models import CalendarFeed, Checkin, WalkSession


def feed_of(session: Session, walker_id: int) -> CalendarFeed | None:
    return session.scalar(select(CalendarFeed).where(CalendarFeed.walker_id == walker_id))


def last_session_without_checkin(session: Session, walker_id: int) -> WalkSession | None:
    """The walker's newest session, when no next-morning report (or missed one) follows it."""
    query = (
        select(WalkSession)
        .where(WalkSession.walker_id == walker_id)
        .order_by(WalkSession.performed_at.desc(), WalkSession.id.desc())
        .limit(1)
    )
    last = session.scalar(query)
    if last is None:
        return None
    reported = session.scalar(select(Checkin.id).where(Checkin.session_id == last.id))
    return None if reported is not None else last
