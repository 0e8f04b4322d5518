"""A session's numbers from a phone or watch recording (``retrowalk log --from-recording``).

The signal work is :func:`retrowalk.motion.summarize_session`; this module only turns its
summary into the fields of :class:`~retrowalk.services.schemas.SessionIn`. Recording errors
(:class:`retrowalk.motion.RecordingError`) pass through with their own sentence.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from retrowalk.services.errors import InvalidRequest


class RecordedSession(BaseModel):
    """What a recording says about a session (``None``: the recording cannot tell)."""

    model_config = ConfigDict(frozen=True)

    performed_at: datetime | None
    duration_min: float
    distance_m: float | None
    speed_m_s: float | None
    steps: int | None
    cadence_spm: float | None
    distance_is_estimate: bool


def session_from_recording(path: Path, step_length_m: float | None = None) -> RecordedSession:
    """Read ``path`` (any format :mod:`retrowalk.motion` reads) and summarise the walking."""
    from retrowalk.motion import read_recording, summarize_session

    summary = summarize_session(read_recording(path), step_length_m=step_length_m)
    if summary.duration_min <= 0:
        raise InvalidRequest(
            f"--from-recording: no walking was found in {path}; log the session by hand.",
            field="from_recording",
        )
    return RecordedSession(
        performed_at=summary.start,
        duration_min=summary.duration_min,
        distance_m=summary.distance_m,
        speed_m_s=summary.speed_m_s,
        steps=summary.steps,
        cadence_spm=summary.cadence_spm,
        distance_is_estimate=summary.distance_is_estimate,
    )
