"""retrowalk's own recording format: the motion the guided session page recorded, with phases.

The page (``static/js/motion-recorder.js``) records ``devicemotion`` while the session runs
and uploads one JSON document (``docs/motion.md`` describes it)::

    {"format": "retrowalk-motion", "format_version": 1,
     "acc_includes_gravity": true,
     "consent": {"recording": true, "research_use": false, "text_version": "…"},
     "samples": {"t_ms": […], "ax": […], "ay": […], "az": […],
                 "gx": […], "gy": […], "gz": […]},
     "events": [{"kind": "warmup", "t_ms": 0}, {"kind": "backward", "t_ms": 300000}, …]}

``t_ms`` is milliseconds from the start of the recording; acceleration is m/s² with gravity
in the phone's axes (the DeviceMotion API's ``accelerationIncludingGravity``); the angular
rate, when the phone has a gyroscope, is the API's ``rotationRate`` in degrees per second
(``gx`` = beta about x, ``gy`` = gamma about y, ``gz`` = alpha about z; ``null`` where the
phone gave none). The whole document is parsed at once, so its size is bounded first
(:data:`MAX_GUIDED_BYTES`, the web upload limit) and so are its samples and events.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from retrowalk.motion.errors import RecordingFormatError
from retrowalk.motion.readers.blocks import open_bytes
from retrowalk.motion.readers.common import MAX_PLAUSIBLE_ACC_M_S2, clean_series
from retrowalk.motion.readers.source import RecordingSource
from retrowalk.motion.recording import Recording

FORMAT = "retrowalk-motion"
FORMAT_VERSION = 1
MAX_GUIDED_BYTES = 32 * 1024 * 1024
"""Policy: the document (uncompressed) is at most 32 MiB — about 3 hours at 60 Hz."""
MAX_SAMPLES = 1_000_000
"""Policy: at most a million samples (over 4 hours at 60 Hz; a session lasts under an hour)."""
MAX_EVENTS = 2_000
"""Policy: phase events of one session (a few dozen in practice, pauses included)."""
MAX_EVENT_MS = 24 * 3600 * 1000.0
"""An event later than a day into the recording is not one of a session."""
EVENT_KINDS = ("warmup", "backward", "cooldown", "paused", "resumed", "stopped", "finished")
"""The guided session's ``retrowalk:phase`` events (``detail.kind``)."""
_AXES = ("ax", "ay", "az")
_GYRO = ("gx", "gy", "gz")


@dataclass(frozen=True)
class GuidedRecording:
    """A guided-session recording: the motion, the phase events and the consent sent with it."""

    recording: Recording
    events: list[tuple[str, float]]
    """``(kind, t_s)`` in time order, on the recording's clock."""
    consent: dict[str, Any] = field(default_factory=dict)
    """What the page says the walker agreed to (``recording``, ``research_use``,
    ``text_version``); the server stamps it with its own clock when it stores it."""


def looks_like_guided_json(head: str) -> bool:
    """Whether the start of a file is a retrowalk motion document."""
    return head.lstrip().startswith("{") and f'"{FORMAT}"' in head


def _document(path: Path) -> dict[str, Any]:
    with open_bytes(path) as raw:
        try:
            data = raw.read(MAX_GUIDED_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise RecordingFormatError(path, f"the compressed data is damaged ({exc})") from None
    if len(data) > MAX_GUIDED_BYTES:
        raise RecordingFormatError(
            path, f"a guided-session recording is at most {MAX_GUIDED_BYTES >> 20} MB"
        )
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise RecordingFormatError(path, "the file is not UTF-8 text") from None
    except (ValueError, RecursionError) as exc:
        raise RecordingFormatError(path, f"the JSON is malformed ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RecordingFormatError(path, f'expected a JSON object with "format": "{FORMAT}"')
    if document.get("format_version") != FORMAT_VERSION:
        raise RecordingFormatError(
            path,
            f"format_version {document.get('format_version')!r} is not one this retrowalk "
            f"reads (expected {FORMAT_VERSION})",
        )
    return document


def _numbers(path: Path, samples: dict[str, Any], name: str, size: int | None) -> np.ndarray:
    values = samples.get(name)
    if not isinstance(values, list):
        raise RecordingFormatError(path, "samples need a list of numbers", column=name)
    if len(values) > MAX_SAMPLES:
        raise RecordingFormatError(
            path, f"more than {MAX_SAMPLES:,} samples in one recording", column=name
        )
    if size is not None and len(values) != size:
        raise RecordingFormatError(path, f"{len(values)} values, but t_ms has {size}", column=name)
    for index, value in enumerate(values):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise RecordingFormatError(
                path, f"sample {index + 1} is {value!r}, not a number", column=name
            )
    try:
        return np.asarray([math.nan if v is None else v for v in values], dtype=np.float64)
    except OverflowError:
        raise RecordingFormatError(path, "a number is too large to read", column=name) from None


def _events(path: Path, raw: Any) -> list[tuple[str, float]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_EVENTS:
        raise RecordingFormatError(
            path, f"events must be a list of at most {MAX_EVENTS} phase events"
        )
    events: list[tuple[str, float]] = []
    for number, event in enumerate(raw, start=1):
        kind = event.get("kind") if isinstance(event, dict) else None
        t_ms = event.get("t_ms") if isinstance(event, dict) else None
        if kind not in EVENT_KINDS:
            raise RecordingFormatError(
                path, f"event {number} has kind {kind!r}; expected one of {', '.join(EVENT_KINDS)}"
            )
        if (
            isinstance(t_ms, bool)
            or not isinstance(t_ms, int | float)
            or not 0 <= t_ms <= MAX_EVENT_MS
        ):
            raise RecordingFormatError(path, f"event {number} needs a time t_ms of 0 or more")
        events.append((str(kind), float(t_ms) / 1000.0))
    return sorted(events, key=lambda e: e[1])


def _consent(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        return {}
    version = raw.get("text_version")
    return {
        "recording": raw.get("recording") is True,
        "research_use": raw.get("research_use") is True,
        "text_version": version[:64] if isinstance(version, str) else None,
    }


def read_guided(path: Path) -> GuidedRecording:
    """Read a guided-session recording: motion, phase events and consent."""
    document = _document(path)
    samples = document.get("samples")
    if not isinstance(samples, dict):
        raise RecordingFormatError(path, "expected a samples object with t_ms, ax, ay, az")
    t_s = _numbers(path, samples, "t_ms", None) / 1000.0
    acc = np.column_stack([_numbers(path, samples, a, t_s.size) for a in _AXES])
    gyro = None
    if all(isinstance(samples.get(g), list) for g in _GYRO):
        deg_s = np.column_stack([_numbers(path, samples, g, t_s.size) for g in _GYRO])
        if bool(np.isfinite(deg_s).all(axis=1).sum() >= 2):
            gyro = clean_series(path, "angular rate", t_s, np.radians(deg_s))
    gravity = document.get("acc_includes_gravity", True)
    placement = document.get("placement")
    recording = Recording(
        source=path.name,
        source_format="retrowalk-json",
        acc_m_s2=clean_series(path, "acceleration", t_s, acc, MAX_PLAUSIBLE_ACC_M_S2),
        acc_includes_gravity=gravity is not False,
        gyro_rad_s=gyro,
        placement=placement[:40] if isinstance(placement, str) else None,
        device=None,
    )
    return GuidedRecording(
        recording, _events(path, document.get("events")), _consent(document.get("consent"))
    )


def read_guided_json(path: Path) -> Recording:
    """The motion of a guided-session recording (what :func:`read_recording` returns)."""
    return read_guided(path).recording


def source_guided_json(path: Path) -> RecordingSource:
    """The recording as a source for the streaming analysis (it is held whole: it is bounded)."""
    recording = read_guided_json(path)
    acc = recording.acc_m_s2
    assert acc is not None  # read_guided always gives acceleration
    gyro = recording.gyro_rad_s
    return RecordingSource(
        source=path.name,
        blocks=iter([(acc.t_s, acc.xyz)]),
        metadata=lambda: dataclasses.replace(recording, acc_m_s2=None),
        acc_includes_gravity=recording.acc_includes_gravity,
        gyro=None if gyro is None else lambda: iter([(gyro.t_s, gyro.xyz)]),
    )
