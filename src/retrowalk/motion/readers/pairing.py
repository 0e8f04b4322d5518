"""The angular rate paired to the acceleration's timestamps while both are streamed.

A gyroscope is often a file of its own (Sensor Logger ``Gyroscope.csv``, a phyphox set), at its
own rate, starting and ending at its own times. Read whole, it is interpolated at the
acceleration's timestamps (:func:`~retrowalk.motion.turns.gyro_at`, NaN outside its span). A
:class:`GyroPairing` does the same chunk by chunk, reading its own stream and holding only the
gyroscope rows that reach the current acceleration chunk, so the memory it needs does not grow
with the file.

Where the angular rate sits in the acceleration's own rows (one table, one time column: the
IPOL trials, a generic CSV), a :class:`RowPairing` takes it from those rows as the reader
parses them, so the file is read once. Both readers keep a row only when the acceleration and
the angular rate in it are complete (:func:`~retrowalk.motion.readers.source.joint_rows`),
so the two streams hold the same times and the interpolation is the row's own value.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from retrowalk.motion.errors import RecordingFormatError
from retrowalk.motion.readers.source import ChunkCleaner, RawBlock, clean_chunks
from retrowalk.motion.recording import FloatArray


class _HeldRate:
    """Cleaned angular-rate rows held from the current acceleration chunk on."""

    def __init__(self, source: str, what: str) -> None:
        self.source = source
        self.what = what
        # angular rate has no plausibility bound when read whole either: none here
        self._cleaner = ChunkCleaner(source, what, max_abs=None)
        self._rows = 0  # raw rows read, complete or not
        self._t = np.empty(0)
        self._xyz = np.empty((0, 3))
        self._first: float | None = None
        self._exhausted = False

    def _hold(self, chunk: RawBlock | None) -> None:
        if chunk is None:
            return
        if self._first is None:
            self._first = float(chunk[0][0])
        self._t = np.concatenate((self._t, chunk[0]))
        self._xyz = np.concatenate((self._xyz, chunk[1]))

    def _read_until(self, t_s: float) -> None:
        """Hold rows up to ``t_s`` where they are to be had (a stream of its own reads on)."""

    def at(self, t_s: FloatArray) -> FloatArray:
        """The angular rate at ``t_s`` (sorted, and later than every earlier call's times):
        interpolated linearly, NaN before the gyroscope's first row or after its last."""
        out = np.full((t_s.size, 3), np.nan)
        if t_s.size == 0:
            return out
        self._read_until(float(t_s[-1]))
        if self._t.size == 0 or self._first is None:
            return out
        for axis in range(3):
            out[:, axis] = np.interp(t_s, self._t, self._xyz[:, axis])
        outside = t_s < self._first
        if self._exhausted:
            outside |= t_s > self._t[-1]
        out[outside] = np.nan
        keep_from = max(0, int(np.searchsorted(self._t, t_s[-1], side="right")) - 1)
        self._t, self._xyz = self._t[keep_from:], self._xyz[keep_from:]
        return out

    def _refuse_too_few(self) -> None:
        """Rows of angular rate of which fewer than two are complete are refused, as the
        whole-file path does (a gyroscope with no rows at all is no gyroscope)."""
        if self._rows and self._cleaner.samples < 2:
            raise RecordingFormatError(
                self.source, f"the {self.what} has fewer than two complete samples"
            )


class GyroPairing(_HeldRate):
    """Raw angular-rate blocks of a stream of their own in; the angular rate at each
    acceleration chunk's times out."""

    def __init__(self, source: str, what: str, blocks: Iterator[RawBlock]) -> None:
        super().__init__(source, what)
        self._chunks = clean_chunks(self._counted(blocks), self._cleaner)

    def _counted(self, blocks: Iterator[RawBlock]) -> Iterator[RawBlock]:
        for t_s, xyz in blocks:
            self._rows += t_s.size
            yield t_s, xyz

    def _read_until(self, t_s: float) -> None:
        while not self._exhausted and (self._t.size == 0 or self._t[-1] < t_s):
            chunk = next(self._chunks, None)
            if chunk is None:
                self._exhausted = True
                break
            self._hold(chunk)

    def present(self) -> bool:
        """Whether there is angular rate at all: reads up to its first complete rows (a few
        seconds of them), so a gyroscope file without data rows counts as no gyroscope."""
        self._read_until(-np.inf)
        return self._t.size > 0

    def finish(self) -> None:
        """Read what is left (so a broken row after the acceleration's end is still found)
        and refuse a gyroscope with fewer than two complete rows."""
        for _ in self._chunks:
            pass
        self._exhausted = True
        self._refuse_too_few()


class RowPairing(_HeldRate):
    """Angular rate from the acceleration's own rows, handed over as the reader parses each
    block (:class:`~retrowalk.motion.readers.source.GyroCollector`), so the file is read once.

    The rows go through a cleaner of their own, like the acceleration's, so each acceleration
    chunk finds its rows already held: at most a block and the reorder window."""

    def add(self, t_s: FloatArray, xyz: FloatArray) -> None:
        """A parsed block's angular rate (the same rows as its acceleration)."""
        self._rows += t_s.size
        self._hold(self._cleaner.push(t_s, xyz))

    def end(self) -> None:
        """The reader reached the end of the table: the rows still held by the cleaner."""
        self._hold(self._cleaner.finish())
        self._exhausted = True

    def present(self) -> bool:
        """Always: the table has angular-rate columns (its rows are those of the acceleration,
        which is refused with fewer than two)."""
        return True

    def finish(self) -> None:
        """Refuse a gyroscope with fewer than two complete rows."""
        self._refuse_too_few()
