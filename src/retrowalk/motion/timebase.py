"""Time and unit hygiene: timestamps to seconds, sort and dedup, g vs m/s², resampling.

Real exports arrive with nanosecond, millisecond or ISO-8601 timestamps, duplicated or
out-of-order rows, irregular sampling and gaps. Everything here turns that into strictly
increasing seconds and then into evenly sampled segments the step analysis can filter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from retrowalk.motion.errors import InvalidParameterError, RecordingError
from retrowalk.motion.recording import STANDARD_GRAVITY_M_S2, FloatArray

TimeUnit = Literal["auto", "s", "ms", "us", "ns", "iso"]
TIME_UNITS: tuple[str, ...] = ("auto", "s", "ms", "us", "ns", "iso")
SECONDS_PER_UNIT = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}
_SECONDS_PER_UNIT = SECONDS_PER_UNIT

DEFAULT_RATE_HZ = 50.0
"""Analysis sampling rate. Steps lie below 4 Hz, so 50 Hz keeps ample margin (policy)."""

DEFAULT_MAX_GAP_S = 0.5
"""A pause in the samples longer than this splits the recording into separate segments
(no interpolation across it; no walking bout spans it). Policy choice."""


@dataclass(frozen=True)
class Timestamps:
    """Timestamps as seconds since ``origin_utc`` (or since the first sample if unknown)."""

    t_s: FloatArray
    origin_utc: datetime | None


def epoch_unit(first: float) -> str | None:
    """The unit of an absolute UNIX timestamp, judged by its size (years 2001–2286)."""
    magnitude = abs(first)
    for unit, low in (("s", 1e9), ("ms", 1e12), ("us", 1e15), ("ns", 1e18)):
        if low <= magnitude < low * 10:
            return unit
    return None


def guess_numeric_unit(values: NDArray[np.float64]) -> str:
    """Guess s / ms / us / ns for numeric timestamps.

    UNIX epochs are recognised by their size. Relative clocks (time since boot, since start)
    are judged by the typical step between samples: ≥ 1e5 means nanoseconds (10 kHz or
    slower), above 2 means milliseconds, otherwise seconds. Pass an explicit unit to
    override this heuristic.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        raise RecordingError("there are no timestamps to read.")
    unit = epoch_unit(float(finite[0]))
    if unit is not None:
        return unit
    steps = np.diff(np.sort(finite))
    steps = steps[steps > 0]
    if steps.size == 0:
        return "s"
    typical = float(np.median(steps))
    if typical >= 1e5:
        return "ns"
    if typical > 2:
        return "ms"
    return "s"


def numeric_to_seconds(raw: NDArray[np.float64] | NDArray[np.int64], unit: str) -> Timestamps:
    """Numeric timestamps in ``unit`` (or ``"auto"``) to seconds since the first sample.

    Integers are offset before conversion so nanosecond epochs keep their precision. The
    origin is a UTC datetime only when the values are a UNIX epoch.
    """
    if unit not in _SECONDS_PER_UNIT and unit != "auto":
        raise InvalidParameterError("time unit", unit, "one of s, ms, us, ns, auto")
    as_float = raw.astype(np.float64)
    resolved = guess_numeric_unit(as_float) if unit == "auto" else unit
    scale = _SECONDS_PER_UNIT[resolved]
    first = raw[0]
    rel = (raw - first).astype(np.float64) * scale
    origin: datetime | None = None
    if epoch_unit(float(first)) == resolved:
        origin = datetime.fromtimestamp(float(first) * scale, tz=UTC)
    return Timestamps(t_s=rel, origin_utc=origin)


def parse_iso(text: str) -> datetime:
    """One ISO-8601 timestamp to an aware UTC datetime (naive times are taken as UTC)."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso_to_seconds(texts: Sequence[str]) -> Timestamps:
    """ISO-8601 timestamps to seconds since the first one. Raises ``ValueError`` on a bad one."""
    stamps = [parse_iso(t) for t in texts]
    origin = stamps[0]
    rel = np.array([(s - origin).total_seconds() for s in stamps], dtype=np.float64)
    return Timestamps(t_s=rel, origin_utc=origin)


def sort_and_dedup(
    t_s: FloatArray, *columns: NDArray[np.float64]
) -> tuple[FloatArray, tuple[NDArray[np.float64], ...]]:
    """Sort rows by time (stable) and drop rows whose time repeats an earlier row.

    The first of several rows with the same time is kept. Rows with a non-finite time are
    dropped. Applying it twice gives the same result as once.
    """
    keep = np.isfinite(t_s)
    t = t_s[keep]
    cols = tuple(c[keep] for c in columns)
    order = np.argsort(t, kind="stable")
    t = t[order]
    cols = tuple(c[order] for c in cols)
    if t.size:
        first = np.concatenate(([True], np.diff(t) > 0))
        t = t[first]
        cols = tuple(c[first] for c in cols)
    return t, cols


def looks_like_g(xyz: FloatArray) -> bool:
    """True when gravity-including acceleration is in g rather than m/s².

    At rest or walking, the median magnitude is about 1 in g and about 9.8 in m/s².
    Raises :class:`RecordingError` when it is neither (then the unit must be given).
    """
    with np.errstate(over="ignore"):
        magnitude = np.linalg.norm(xyz, axis=1)
    magnitude = magnitude[np.isfinite(magnitude)]
    if magnitude.size == 0:
        raise RecordingError("the acceleration has no finite values.")
    median = float(np.median(magnitude))
    if 0.5 <= median <= 2.0:
        return True
    if 5.0 <= median <= 20.0:
        return False
    raise RecordingError(
        f"cannot tell whether the acceleration is in g or m/s² (median magnitude {median:.3g}); "
        "give the unit explicitly."
    )


def to_m_s2(xyz: FloatArray, unit: str, *, includes_gravity: bool = True) -> FloatArray:
    """Acceleration in ``unit`` ("m/s2", "g" or "auto") to m/s².

    "auto" is only possible with gravity included (see :func:`looks_like_g`).
    """
    if unit == "m/s2":
        return xyz
    if unit == "g":
        return xyz * STANDARD_GRAVITY_M_S2
    if unit == "auto":
        if not includes_gravity:
            raise InvalidParameterError(
                "acceleration unit", "auto", "g or m/s2 for acceleration without gravity"
            )
        return xyz * STANDARD_GRAVITY_M_S2 if looks_like_g(xyz) else xyz
    raise InvalidParameterError("acceleration unit", unit, "one of m/s2, g, auto")


@dataclass(frozen=True)
class UniformSegment:
    """Evenly sampled samples: sample k is at ``t0_s + k / rate_hz``."""

    t0_s: float
    rate_hz: float
    xyz: FloatArray

    @property
    def duration_s(self) -> float:
        """Time from the first to the last sample."""
        return (self.xyz.shape[0] - 1) / self.rate_hz if self.xyz.shape[0] else 0.0


def check_rate(rate_hz: float) -> None:
    """Refuse an analysis rate that cannot resolve walking steps."""
    if not np.isfinite(rate_hz) or rate_hz < 10.0 or rate_hz > 1000.0:
        raise InvalidParameterError("rate_hz", rate_hz, "a sampling rate from 10 to 1000 Hz")


def resample_segment(t_s: FloatArray, xyz: FloatArray, rate_hz: float) -> UniformSegment:
    """Linear interpolation of one gap-free run of samples onto a grid from its first sample."""
    n = int(np.floor((t_s[-1] - t_s[0]) * rate_hz + 1e-9)) + 1
    grid = t_s[0] + np.arange(n, dtype=np.float64) / rate_hz
    out = np.empty((n, xyz.shape[1]), dtype=np.float64)
    for axis in range(xyz.shape[1]):
        out[:, axis] = np.interp(grid, t_s, xyz[:, axis])
    return UniformSegment(t0_s=float(t_s[0]), rate_hz=rate_hz, xyz=out)


def split_at_gaps(t_s: FloatArray, max_gap_s: float) -> list[tuple[int, int]]:
    """Index ranges [start, stop) of runs with no step between samples above ``max_gap_s``."""
    if t_s.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(t_s) > max_gap_s) + 1
    starts = np.concatenate(([0], breaks))
    stops = np.concatenate((breaks, [t_s.size]))
    return [(int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


def uniform_segments(
    t_s: FloatArray,
    xyz: FloatArray,
    rate_hz: float = DEFAULT_RATE_HZ,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
) -> list[UniformSegment]:
    """Split at gaps, then resample each run to ``rate_hz`` (runs of one sample are dropped)."""
    check_rate(rate_hz)
    if not np.isfinite(max_gap_s) or max_gap_s <= 0:
        raise InvalidParameterError("max_gap_s", max_gap_s, "a number of seconds above 0")
    segments = []
    for start, stop in split_at_gaps(t_s, max_gap_s):
        if stop - start >= 2:
            segments.append(resample_segment(t_s[start:stop], xyz[start:stop], rate_hz))
    return segments
