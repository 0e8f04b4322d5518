"""Outputs of the recording use cases: what a recording attached to a session showed."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from retrowalk.services.schemas.base import FrozenModel

DirectionWord = Literal["forward", "backward", "unknown"]


class BoutOut(FrozenModel):
    """One bout: steps and cadence, and the direction the phone's motion suggests."""

    start_s: float
    duration_s: float
    steps: int
    cadence_spm: float
    kind: Literal["walking", "turn"] = "walking"
    """``turn``: a turn on the spot found by the angular rate; it has no direction. Stored
    analyses from before the kind was kept read as walking."""
    direction: DirectionWord
    direction_confidence: float
    """0–1; ``unknown`` when the evidence is too weak (not validated on backward walking)."""
    distance_m: float | None = None
    speed_m_s: float | None = None


class PhaseOut(FrozenModel):
    """A labelled phase of the guided session and the walking found in it."""

    label: str
    start_s: float
    end_s: float
    asked_direction: Literal["forward", "backward"] | None
    steps: int
    cadence_spm: float | None


class RecordingOut(FrozenModel):
    """A recording attached to a session and what its analysis found.

    ``problem`` is set (and the numbers empty) when a stored analysis cannot be shown: one
    bad recording never breaks a page.
    """

    id: int
    session_id: int
    walker_id: int
    uploaded_at: datetime
    origin: Literal["upload", "guided"]
    file_name: str
    source_format: str
    size_bytes: int
    steps: int | None
    cadence_spm: float | None
    walking_s: float
    duration_s: float | None = None
    distance_m: float | None = None
    has_angular_rate: bool | None = None
    """Whether the recording had angular rate (a gyroscope) beside its acceleration, so the
    turn rules could count pivots and turns on the spot; without it steps come from the
    acceleration alone. ``None`` for an analysis stored before this was kept."""
    bouts: tuple[BoutOut, ...] = ()
    phases: tuple[PhaseOut, ...] = ()
    research_use: bool = False
    created: bool = True
    """False when the same file was already attached to this session (it is stored once)."""
    problem: str | None = None


class DatasetExportOut(FrozenModel):
    """What ``export_research_dataset`` wrote."""

    folder: str
    recordings: int
    skipped: tuple[str, ...] = ()
    """Recordings that could not be written, each with the reason."""
