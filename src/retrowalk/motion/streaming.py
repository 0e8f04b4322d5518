"""Chunked analysis in bounded memory, for long recordings (a day at 100 Hz and more).

Samples arrive in chunks, in time order. They are resampled onto the same grid the
whole-signal analysis uses, and the step detector runs on blocks padded on both sides by
more than the filters' reach (:attr:`StepParams.context_s`), keeping only the steps in each
block's core. A bout that spans chunk edges stays open in the :class:`BoutBuilder` until a
pause or gap closes it. The result matches :func:`~retrowalk.motion.analysis.detect_bouts`
on the same samples (tested on real recordings).

Memory held: one padded block of samples plus the steps (and direction sums) of the bout in
progress. :func:`analyze_file` reads the file in blocks too, so nothing grows with its length
but the list of bouts found.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from retrowalk.motion.analysis import (
    DEFAULT_SETTINGS,
    Analysis,
    AnalysisSettings,
    Progress,
    SampleSpan,
    check_step_length,
    gravity_missing,
    report_bout,
    require_gravity,
)
from retrowalk.motion.bouts import Bout, BoutBuilder
from retrowalk.motion.direction import STATS, step_cycles
from retrowalk.motion.errors import RecordingError
from retrowalk.motion.readers import ColumnMapping, open_recording
from retrowalk.motion.readers.pairing import GyroPairing, RowPairing
from retrowalk.motion.readers.source import RecordingSource, iter_clean
from retrowalk.motion.recording import FloatArray, Recording
from retrowalk.motion.steps import detect_peaks, local_level, step_signal
from retrowalk.motion.timebase import check_rate, sort_and_dedup, split_at_gaps
from retrowalk.motion.turns import Turn, TurnTracker, gyro_at, turn_signals, turned_between

Chunk = tuple[FloatArray, FloatArray]
"""``(t_s, xyz)``: timestamps (n,) and gravity-including acceleration (n, 3) in m/s²."""

MotionChunk = tuple[FloatArray, FloatArray, FloatArray | None]
"""``(t_s, xyz, gyro)``: a :data:`Chunk` with the angular rate (n, 3) in rad/s at the same
timestamps, or ``None`` where the recording has none."""


Steps = tuple[
    FloatArray, NDArray[np.float64], NDArray[np.bool_], FloatArray | None, list[Turn], FloatArray
]
"""Peak times; per peak, the sums of the step cycle ending at it (zeros for a weak peak);
which peaks are steps (the others may be a bout's closing step); per peak, the angle turned
since the step before (``None`` without angular rate); the turns on the spot that ended;
and per peak, its prominence (m/s²)."""


def _joined(parts: list[Steps], gyro: bool) -> Steps:
    if not parts:
        turned = np.empty(0) if gyro else None
        return np.empty(0), np.zeros((0, STATS)), np.empty(0, dtype=bool), turned, [], np.empty(0)
    turns = [turn for p in parts for turn in p[4]]
    angles = [p[3] for p in parts if p[3] is not None]
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
        np.concatenate(angles) if gyro else None,
        turns,
        np.concatenate([p[5] for p in parts]),
    )


class _SegmentStepper:
    """Step detection over one gap-free segment, fed evenly spaced samples block by block.

    Samples have 3 columns (acceleration) or 6 (and angular rate, for the turn rules)."""

    def __init__(
        self, t0_s: float, settings: AnalysisSettings, block: int, pad: int, columns: int
    ) -> None:
        self.max_cycle = int(settings.bouts.max_step_gap_s * settings.rate_hz)
        self.previous: int | None = None  # segment index of the last step emitted
        self.t0_s = t0_s
        self.rate_hz = settings.rate_hz
        self.settings = settings
        self.block = block
        self.pad = pad
        self.gyro = columns == 6
        self.turns = TurnTracker(t0_s, self.rate_hz, settings.turns) if self.gyro else None
        self.buffer = np.empty((0, columns), dtype=np.float64)
        self.buffer_start = 0  # segment index of buffer[0]
        self.done = 0  # steps before this segment index have been emitted

    def _turns_in(
        self, lo: int, window: FloatArray, steps: NDArray[np.intp], stop: int
    ) -> tuple[FloatArray, list[Turn]]:
        """Angles turned before each step, and the turns that ended in the core."""
        assert self.turns is not None
        xyz, rate, params = window[:, :3], self.rate_hz, self.settings.steps
        yaw, smooth = turn_signals(xyz, window[:, 3:6], rate, self.settings.turns)
        previous = None if self.previous is None else self.previous - lo
        turned = turned_between(yaw, steps - lo, previous, self.max_cycle, rate)
        level = local_level(step_signal(xyz, rate, params), rate, params)
        core = slice(self.done - lo, stop - lo)
        return turned, self.turns.push(self.done, smooth[core], yaw[core], level[core])

    def _steps_in(self, stop: int, core_stop: int | None) -> Steps:
        lo = max(0, self.done - self.pad)
        window = self.buffer[lo - self.buffer_start : stop - self.buffer_start]
        found, is_step, prominence = detect_peaks(window[:, :3], self.rate_hz, self.settings.steps)
        found = found + lo
        keep = found >= self.done
        if core_stop is not None:
            keep &= found < core_stop
        kept, kept_is_step = found[keep], is_step[keep]
        steps = kept[kept_is_step]
        turned: FloatArray | None = None
        turns: list[Turn] = []
        if self.gyro:
            turned = np.zeros(kept.size)
            turned[kept_is_step], turns = self._turns_in(lo, window, steps, core_stop or stop)
        previous = None if self.previous is None else self.previous - self.buffer_start
        cycles = np.zeros((kept.size, STATS))
        cycles[kept_is_step] = step_cycles(
            self.buffer[:, :3], steps - self.buffer_start, previous, self.max_cycle
        )
        if steps.size:
            self.previous = int(steps[-1])
        times: FloatArray = self.t0_s + kept / self.rate_hz
        return times, cycles, kept_is_step, turned, turns, prominence[keep]

    def push(self, samples: FloatArray) -> Steps:
        self.buffer = np.concatenate((self.buffer, samples))
        out: list[Steps] = []
        end = self.buffer_start + self.buffer.shape[0]
        while end >= self.done + self.block + self.pad:
            core_stop = self.done + self.block
            out.append(self._steps_in(core_stop + self.pad, core_stop))
            self.done = core_stop
            trim = max(0, self.done - self.pad) - self.buffer_start
            self.buffer = self.buffer[trim:]
            self.buffer_start += trim
        return _joined(out, self.gyro)

    def finish(self) -> Steps:
        end = self.buffer_start + self.buffer.shape[0]
        empty = end <= self.done or end < 2
        steps = _joined([], self.gyro) if empty else self._steps_in(end, None)
        if self.turns is not None:
            steps[4].extend(self.turns.finish())
        return steps


class StreamingAnalyzer:
    """Feed chunks with :meth:`feed`, then call :meth:`finish`; each returns closed bouts."""

    def __init__(self, settings: AnalysisSettings = DEFAULT_SETTINGS, block_s: float = 60.0):
        settings.validate()
        check_rate(settings.rate_hz)
        self.settings = settings
        self.rate_hz = settings.rate_hz
        self._pad = math.ceil(settings.steps.context_s * self.rate_hz)
        self._block = max(1, round(block_s * self.rate_hz))
        self._builder = BoutBuilder(settings.bouts, settings.turns)
        self._columns: int | None = None  # 3, or 6 with angular rate: fixed by the first chunk
        self._last_t: float | None = None
        self._last_xyz: FloatArray | None = None
        self._stepper: _SegmentStepper | None = None
        self._next_k = 0  # next grid index of the current segment

    def _close_segment(self) -> list[Bout]:
        self._last_t = None
        self._last_xyz = None
        bouts: list[Bout] = []
        if self._stepper is not None:
            times, cycles, is_step, turned, turns, prominence = self._stepper.finish()
            bouts.extend(
                self._builder.add_steps(times.tolist(), cycles, is_step, turned, turns, prominence)
            )
            self._stepper = None
        bouts.extend(self._builder.break_here())
        return bouts

    def _extend(self, t_s: FloatArray, xyz: FloatArray) -> list[Bout]:
        """Add a gap-free run that continues the current segment (or starts one)."""
        if self._stepper is None:
            self._stepper = _SegmentStepper(
                float(t_s[0]), self.settings, self._block, self._pad, xyz.shape[1]
            )
            self._next_k = 0
        elif self._last_t is not None and self._last_xyz is not None:
            t_s = np.concatenate(([self._last_t], t_s))
            xyz = np.concatenate((self._last_xyz[None, :], xyz))
        t0 = self._stepper.t0_s
        k_max = math.floor((float(t_s[-1]) - t0) * self.rate_hz + 1e-9)
        if k_max >= self._next_k:
            grid = t0 + np.arange(self._next_k, k_max + 1, dtype=np.float64) / self.rate_hz
            columns = range(xyz.shape[1])
            values = np.column_stack([np.interp(grid, t_s, xyz[:, a]) for a in columns])
            self._next_k = k_max + 1
            times, cycles, is_step, turned, turns, prominence = self._stepper.push(values)
            return self._builder.add_steps(
                times.tolist(), cycles, is_step, turned, turns, prominence
            )
        return []

    def feed(self, t_s: FloatArray, xyz: FloatArray, gyro: FloatArray | None = None) -> list[Bout]:
        """Add one chunk (sorted and deduplicated within itself; later than earlier chunks),
        with the angular rate (rad/s) at the same timestamps where there is one: every chunk
        of a stream has it, or none."""
        if t_s.ndim != 1 or xyz.shape != (t_s.shape[0], 3):
            raise RecordingError("a chunk needs n timestamps and n×3 acceleration values.")
        if gyro is not None and gyro.shape != xyz.shape:
            raise RecordingError("a chunk's angular rate needs n×3 values, like its acceleration.")
        samples = xyz if gyro is None else np.hstack((xyz, gyro))
        if self._columns is None:
            self._columns = samples.shape[1]
        elif samples.shape[1] != self._columns:
            raise RecordingError("every chunk of a stream has angular rate, or none does.")
        t, (values,) = sort_and_dedup(t_s, samples)
        if self._last_t is not None:
            later = t > self._last_t  # rows repeated across the chunk edge are dropped
            t, values = t[later], values[later]
        if t.size == 0:
            return []
        bouts: list[Bout] = []
        if self._last_t is not None and float(t[0]) - self._last_t > self.settings.max_gap_s:
            bouts.extend(self._close_segment())
        for run, (a, b) in enumerate(split_at_gaps(t, self.settings.max_gap_s)):
            if run > 0:
                bouts.extend(self._close_segment())
            bouts.extend(self._extend(t[a:b], values[a:b]))
            self._last_t = float(t[b - 1])
            self._last_xyz = values[b - 1].copy()
        return bouts

    @property
    def buffered_samples(self) -> int:
        """Evenly spaced samples held in memory now (bounded by one padded block)."""
        return 0 if self._stepper is None else int(self._stepper.buffer.shape[0])

    @property
    def max_buffered_samples(self) -> int:
        """The most samples :attr:`buffered_samples` can reach, whatever the chunk size."""
        return self._block + 2 * self._pad

    def finish(self) -> list[Bout]:
        """End of the samples: the remaining steps and the open bout."""
        return self._close_segment()


def iter_chunks(recording: Recording, chunk_s: float = 600.0) -> Iterator[MotionChunk]:
    """A recording's acceleration, and angular rate at the same timestamps where it has one,
    in consecutive chunks of about ``chunk_s`` seconds."""
    acc = recording.acc_m_s2
    if acc is None:
        return
    gyro = gyro_at(recording)
    edges = np.searchsorted(acc.t_s, np.arange(acc.t_s[0], acc.t_s[-1] + chunk_s, chunk_s))
    edges = np.unique(np.concatenate((edges, [acc.t_s.size])))
    for a, b in itertools.pairwise(edges):
        if b > a:
            yield acc.t_s[a:b], acc.xyz[a:b], None if gyro is None else gyro[a:b]


def analyze_stream(
    chunks: Iterable[Chunk | MotionChunk], settings: AnalysisSettings = DEFAULT_SETTINGS
) -> Iterator[Bout]:
    """Bouts of a stream of chunks, yielded as soon as each one closes."""
    analyzer = StreamingAnalyzer(settings)
    for chunk in chunks:
        yield from analyzer.feed(*chunk)
    yield from analyzer.finish()


def stream_recording(
    recording: Recording, settings: AnalysisSettings = DEFAULT_SETTINGS, chunk_s: float = 600.0
) -> Iterator[Bout]:
    """Bouts of a recording, computed chunk by chunk (same result as the whole-signal path)."""
    require_gravity(recording)
    return analyze_stream(iter_chunks(recording, chunk_s), settings)


def analyze_in_chunks(
    recording: Recording,
    step_length_m: float | None = None,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
    progress: Progress | None = None,
    chunk_s: float = 600.0,
) -> Analysis:
    """Like :func:`~retrowalk.motion.analysis.analyze`, chunk by chunk, reporting progress."""
    check_step_length(step_length_m)
    acc = recording.acc_m_s2
    if acc is None:
        return Analysis(recording, [])
    require_gravity(recording)
    analyzer = StreamingAnalyzer(settings)
    bouts: list[Bout] = []
    span = max(acc.duration_s, 1e-9)
    for t_s, xyz, gyro in iter_chunks(recording, chunk_s):
        bouts.extend(analyzer.feed(t_s, xyz, gyro))
        if progress is not None:
            progress(float(t_s[-1] - acc.t_s[0]) / span)
    bouts.extend(analyzer.finish())
    return Analysis(recording, [report_bout(recording, b, step_length_m) for b in bouts])


def analyze_file(
    path: Path,
    fmt: str = "auto",
    columns: ColumnMapping | None = None,
    step_length_m: float | None = None,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
    progress: Callable[[float], None] | None = None,
) -> Analysis:
    """Read and analyse a recording file in one pass, in memory that does not grow with it.

    The same bouts as ``analyze_in_chunks(read_recording(path))`` for any file whose rows are
    out of order by less than :data:`~retrowalk.motion.readers.source.REORDER_WINDOW_S`:
    where the recording has a gyroscope (in its own file or beside the acceleration), its
    angular rate is streamed beside the acceleration and paired to its timestamps, so the turn
    rules apply. ``progress`` is called with the seconds of recording analysed so far.
    """
    check_step_length(step_length_m)
    source = open_recording(path, fmt, columns)
    if source.has_acceleration and not source.acc_includes_gravity:
        raise gravity_missing(source.source)
    gyro = _gyro_of(source)
    paired = gyro is not None and gyro.present()
    analyzer = StreamingAnalyzer(settings)
    bouts: list[Bout] = []
    samples = 0
    first_s = last_s = 0.0
    for t_s, xyz in iter_clean(source):
        if samples == 0:
            first_s = float(t_s[0])
        samples += t_s.size
        last_s = float(t_s[-1])
        bouts.extend(analyzer.feed(t_s, xyz, gyro.at(t_s) if gyro and paired else None))
        if progress is not None:
            progress(last_s - first_s)
    bouts.extend(analyzer.finish())
    if gyro is not None:
        gyro.finish()  # reads to its end: a broken row after the acceleration is refused too
    recording = source.metadata()
    span = SampleSpan(samples, first_s, last_s, paired) if source.has_acceleration else None
    reports = [report_bout(recording, b, step_length_m) for b in bouts]
    return Analysis(recording, reports, samples=span, gps_totals=source.gps_totals)


def _gyro_of(source: RecordingSource) -> GyroPairing | RowPairing | None:
    """The source's angular rate, to pair with its acceleration; ``None`` where it has none.

    Called before the acceleration is read: angular rate in the acceleration's own rows is
    then handed over as they are read (one pass); one on its own times is a stream of its own.
    """
    if not source.has_acceleration:
        return None
    if source.gyro_rows is not None:
        rows = RowPairing(source.source, source.gyro_what)
        source.gyro_rows.paired = rows
        return rows
    if source.gyro is None:
        return None
    return GyroPairing(source.source, source.gyro_what, source.gyro())
