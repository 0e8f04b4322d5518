"""A recording being read: its metadata and its acceleration as blocks, in bounded memory.

Every reader produces a :class:`RecordingSource`: the acceleration as raw blocks in file order
(seconds, m/s², not yet sorted) and a function that gives the rest of the recording (device,
start, GPS …) once the blocks have been read. Two consumers share it:

* :func:`collect` holds everything and sorts the whole file (:func:`read_recording`);
* :class:`ChunkCleaner` sorts within a short window and streams (the day-long path), so
  peak memory does not depend on the length of the file.

Both drop incomplete rows and repeated times (keeping the first) and refuse impossible values,
so for any file whose rows are out of order by less than :data:`REORDER_WINDOW_S` they give
the same samples. Where the recording has angular rate, either :attr:`RecordingSource.gyro`
opens it as a second stream of raw blocks (a file of its own, or columns on a time of their
own), or, where it is in the acceleration's own rows, :attr:`RecordingSource.gyro_rows` hands
it over as those rows are read (one pass); the streaming path pairs either to the acceleration
(:mod:`retrowalk.motion.readers.pairing`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from retrowalk.motion.errors import RecordingFormatError
from retrowalk.motion.gps import GpsTotals
from retrowalk.motion.readers.common import MAX_PLAUSIBLE_ACC_M_S2, clean_series
from retrowalk.motion.recording import FloatArray, Recording, SensorSeries

RawBlock = tuple[FloatArray, FloatArray]
"""``(t_s, xyz_m_s2)`` as read from the file: maybe unsorted, maybe with NaN rows."""

GyroOpener = Callable[[], Iterator[RawBlock]]
"""Opens the angular rate afresh as raw blocks ``(t_s, xyz_rad_s)`` on the acceleration's
clock: a stream of its own, so it can be read beside the acceleration blocks."""

REORDER_WINDOW_S = 2.0
"""Streaming sorts rows within this many seconds; a row later than that is dropped. Phones
write rows in time order, with at most a few buffered rows out of place (policy)."""


@dataclass
class RecordingSource:
    """The acceleration blocks of a recording and, once they are read, its metadata."""

    source: str
    blocks: Iterator[RawBlock]
    metadata: Callable[[], Recording]
    """The recording without its acceleration; call it after the blocks are exhausted."""
    what: str = "acceleration"
    has_acceleration: bool = True
    acc_includes_gravity: bool = True
    gps_totals: GpsTotals | None = None
    """For a GPS-only source read as a stream: the track's totals (the track is not kept)."""
    gyro: GyroOpener | None = None
    """Where the recording has angular rate on its own times: opens it as a stream of its
    own (``None`` otherwise)."""
    gyro_rows: GyroCollector | None = None
    """Where the angular rate is in the acceleration's own rows (one table, one time
    column): what the reader hands each block's angular rate to as it reads the acceleration,
    so pairing it needs no second pass (set ``paired`` before the blocks are read)."""
    gyro_what: str = "angular rate"
    """What the angular rate is called in messages (``"Gyroscope"``, ``"gyroscope"`` …)."""


class RowSink(Protocol):
    """Takes the angular rate of the acceleration's rows as they are read
    (:class:`~retrowalk.motion.readers.pairing.RowPairing`)."""

    def add(self, t_s: FloatArray, xyz: FloatArray) -> None: ...

    def end(self) -> None: ...


@dataclass
class GyroCollector:
    """Angular-rate blocks read beside the acceleration: gathered whole when ``wanted`` (only
    :func:`collect` wants them), handed on to ``paired`` when the stream pairs them."""

    wanted: bool
    t_s: list[FloatArray] = field(default_factory=list)
    xyz: list[FloatArray] = field(default_factory=list)
    paired: RowSink | None = None

    def add(self, t_s: FloatArray, xyz: FloatArray) -> None:
        """Keep a block, when the angular rate is wanted; hand it on, when it is paired."""
        if self.wanted:
            self.t_s.append(t_s)
            self.xyz.append(xyz)
        if self.paired is not None:
            self.paired.add(t_s, xyz)

    def end(self) -> None:
        """The reader read the last row."""
        if self.paired is not None:
            self.paired.end()

    def series(self, source: str, what: str = "angular rate") -> SensorSeries | None:
        """The whole angular rate, cleaned; ``None`` when none was gathered."""
        if not self.t_s:
            return None
        return clean_series(source, what, np.concatenate(self.t_s), np.concatenate(self.xyz))


def joint_rows(t_s: FloatArray, acc: FloatArray, gyro: FloatArray) -> FloatArray:
    """``t_s`` with NaN where a row's acceleration or angular rate is incomplete.

    In one table a row is a sample of both or of neither, so the two streams keep the same
    times: the angular rate at the acceleration's timestamps is then each row's own, and can
    be paired as the rows are read (a row with only one of them would need the next complete
    row of the other, which may lie anywhere further on)."""
    complete = np.all(np.isfinite(acc), axis=1) & np.all(np.isfinite(gyro), axis=1)
    return t_s if bool(complete.all()) else np.where(complete, t_s, np.nan)


def _check_plausible(
    source: str, what: str, t_s: FloatArray, xyz: FloatArray, max_abs: float
) -> None:
    beyond = np.flatnonzero(np.any(np.abs(xyz) > max_abs, axis=1))
    if beyond.size:
        i = int(beyond[np.argmin(t_s[beyond])])
        raise RecordingFormatError(
            source,
            f"the {what} reaches {float(np.max(np.abs(xyz[i]))):.3g} at {t_s[i]:.3f} s, "
            f"beyond any motion sensor (±{max_abs:g}); check the unit",
        )


class ChunkCleaner:
    """Raw blocks in, sorted and deduplicated chunks out, holding only a short window."""

    def __init__(
        self,
        source: str,
        what: str,
        window_s: float = REORDER_WINDOW_S,
        max_abs: float | None = MAX_PLAUSIBLE_ACC_M_S2,
    ) -> None:
        self.source = source
        self.what = what
        self.window_s = window_s
        self.max_abs = max_abs
        self._t = np.empty(0)
        self._xyz = np.empty((0, 3))
        self._last: float = -np.inf
        self.samples = 0

    def _emit(self, upto: float) -> RawBlock | None:
        ready = self._t <= upto
        if not bool(ready.any()):
            return None
        t, xyz = self._t[ready], self._xyz[ready]
        self._t, self._xyz = self._t[~ready], self._xyz[~ready]
        self._last = float(t[-1])
        self.samples += t.size
        return t, xyz

    def push(self, t_s: FloatArray, xyz: FloatArray) -> RawBlock | None:
        """Add a raw block; returns the rows now certain to be in order (or ``None``)."""
        complete = np.isfinite(t_s) & np.all(np.isfinite(xyz), axis=1)
        t_s, xyz = t_s[complete], xyz[complete]
        if t_s.size == 0:
            return None
        if self.max_abs is not None:
            _check_plausible(self.source, self.what, t_s, xyz, self.max_abs)
        t = np.concatenate((self._t, t_s))
        values = np.concatenate((self._xyz, xyz))
        order = np.argsort(t, kind="stable")
        t, values = t[order], values[order]
        first = np.concatenate(([True], np.diff(t) > 0)) & (t > self._last)
        self._t, self._xyz = t[first], values[first]
        return self._emit(float(self._t[-1]) - self.window_s) if self._t.size else None

    def finish(self) -> RawBlock | None:
        """The rows still held, at the end of the file."""
        return self._emit(np.inf)


def clean_chunks(blocks: Iterator[RawBlock], cleaner: ChunkCleaner) -> Iterator[RawBlock]:
    """Raw blocks through ``cleaner``: sorted, deduplicated chunks in time order."""
    for t_s, xyz in blocks:
        out = cleaner.push(t_s, xyz)
        if out is not None:
            yield out
    out = cleaner.finish()
    if out is not None:
        yield out


def iter_clean(source: RecordingSource) -> Iterator[RawBlock]:
    """The acceleration of ``source`` as sorted, deduplicated, plausible chunks (streaming)."""
    cleaner = ChunkCleaner(source.source, source.what)
    yield from clean_chunks(source.blocks, cleaner)
    if source.has_acceleration and cleaner.samples < 2:
        raise RecordingFormatError(
            source.source, f"the {source.what} has fewer than two complete samples"
        )


def collect(source: RecordingSource) -> Recording:
    """The whole recording in memory, every row sorted (what :func:`read_recording` returns)."""
    times: list[FloatArray] = []
    values: list[FloatArray] = []
    for t_s, xyz in source.blocks:
        times.append(t_s)
        values.append(xyz)
    recording = source.metadata()
    if not source.has_acceleration:
        return recording
    t = np.concatenate(times) if times else np.empty(0)
    xyz = np.concatenate(values) if values else np.empty((0, 3))
    acc = clean_series(source.source, source.what, t, xyz, MAX_PLAUSIBLE_ACC_M_S2)
    return dataclasses.replace(recording, acc_m_s2=acc)
