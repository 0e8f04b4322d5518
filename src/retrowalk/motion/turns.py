"""Turns, from the angular rate where the recording has one (gyroscope in rad/s).

At the lower back the acceleration magnitude cannot separate the steps of a turn: in a pivot
the body turns half round within what looks like one step interval, and a walker who stops
and turns on the spot shuffles with too little movement to pass the step threshold. The
angular rate shows both. Its component about gravity — the gyroscope projected onto the
gravity direction, estimated as the moving mean of the acceleration — is the yaw rate, which
needs no orientation of the device. Two rules use it (:class:`TurnParams`); without a
gyroscope neither applies and the steps are exactly those of the acceleration alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import uniform_filter1d

from retrowalk.motion.errors import InvalidParameterError
from retrowalk.motion.recording import FloatArray, Recording


@dataclass(frozen=True)
class TurnParams:
    """The two turn rules. How they were chosen: docs/motion.md (set on the IPOL trials)."""

    fill_angle_rad: float = 1.4
    """A pivot turn: a step interval inside a bout during which the body turned at least
    this much (80°) ..."""
    fill_ratio: float = 2.5
    """... and which lasts at least this × the bout's median interval hides the turn's
    steps; it gets round(interval / median) − 1 steps, evenly spaced. 0 turns it off."""
    min_rate_rad_s: float = 0.3
    """A turn on the spot: the yaw rate, averaged over ``window_s``, stays at least this
    (17°/s) in one direction ..."""
    window_s: float = 1.0
    min_angle_rad: float = 1.0
    """... the body turns at least this (57°) ..."""
    min_level_m_s2: float = 0.1
    """... the device moves (mean moving RMS of the step signal at least this, m/s²) ..."""
    margin_s: float = 0.5
    """... and no walking bout comes within this of it. It is counted as one step every
    ``step_interval_s`` over its duration less the averaging window. A turn that began
    during a walking bout's last steps and goes on after them — the walker turned round as
    she stopped — counts its part after the bout's last step, unless the walker steps off
    again within the bout's ``max_step_gap_s`` of its end (a turn between two stretches of
    walking, such as the U-turn of a walk there and back; docs/motion.md)."""
    step_interval_s: float = 0.5
    """Steps of a turn on the spot (s apart); 0 turns the rule off."""
    shuffle_steps: int = 10
    """A bout of fewer steps that comes within ``margin_s`` of a turn on the spot is
    shuffling round, not walking: its steps within the turn are replaced by the turn's
    count, and it becomes a bout of kind ``"turn"``. 0 turns this off."""
    gravity_window_s: float = 2.0
    """Moving mean of the acceleration that gives the gravity direction."""

    def validate(self) -> None:
        """Raise :class:`InvalidParameterError` for a setting that cannot work."""
        at_least_zero = {
            "fill_angle_rad": self.fill_angle_rad,
            "fill_ratio": self.fill_ratio,
            "min_angle_rad": self.min_angle_rad,
            "min_level_m_s2": self.min_level_m_s2,
            "margin_s": self.margin_s,
            "step_interval_s": self.step_interval_s,
        }
        for name, value in at_least_zero.items():
            if not np.isfinite(value) or value < 0:
                raise InvalidParameterError(name, value, "a number from 0")
        if self.shuffle_steps < 0:
            raise InvalidParameterError(
                "shuffle_steps", self.shuffle_steps, "a whole number from 0"
            )
        for name, value in {
            "min_rate_rad_s": self.min_rate_rad_s,
            "window_s": self.window_s,
            "gravity_window_s": self.gravity_window_s,
        }.items():
            if not np.isfinite(value) or value <= 0:
                raise InvalidParameterError(name, value, "a number above 0")

    @property
    def context_s(self) -> float:
        """How far (s) the yaw rate at a sample depends on its neighbours."""
        return self.gravity_window_s + self.window_s


DEFAULT_TURN_PARAMS = TurnParams()


def gyro_at(recording: Recording) -> FloatArray | None:
    """The angular rate at the acceleration's timestamps (NaN outside its span), or None."""
    acc, gyro = recording.acc_m_s2, recording.gyro_rad_s
    if acc is None or gyro is None or gyro.t_s.size < 2:
        return None
    out = np.column_stack([np.interp(acc.t_s, gyro.t_s, gyro.xyz[:, a]) for a in range(3)])
    out[(acc.t_s < gyro.t_s[0]) | (acc.t_s > gyro.t_s[-1])] = np.nan
    return out


def yaw_rate(
    xyz: FloatArray, gyro: FloatArray, rate_hz: float, params: TurnParams = DEFAULT_TURN_PARAMS
) -> FloatArray:
    """Angular rate about gravity (rad/s): the gyroscope on the moving-mean acceleration."""
    size = max(1, round(params.gravity_window_s * rate_hz))
    gravity = uniform_filter1d(xyz, size=size, axis=0, mode="nearest")
    norm = np.linalg.norm(gravity, axis=1)
    norm[norm == 0] = np.nan
    yaw: FloatArray = np.sum(gyro * gravity, axis=1) / norm
    return yaw


def turned_between(
    yaw: FloatArray, indices: NDArray[np.intp], previous: int | None, max_gap: int, rate_hz: float
) -> FloatArray:
    """Angle turned (rad, absolute) from the step before each step (``previous`` for the
    first) to it; 0 where the gap is longer than ``max_gap`` samples or unknown."""
    out = np.zeros(indices.size)
    before = previous
    for row, index in enumerate(indices.tolist()):
        if before is not None and 0 < index - before <= max_gap and before >= 0:
            out[row] = abs(float(np.sum(yaw[before + 1 : index + 1]))) / rate_hz
        before = index
    return np.nan_to_num(out)


def fill_pivots(steps: list[float], turned: list[float], params: TurnParams) -> list[float]:
    """A bout's steps with the hidden steps of each pivot turn added (``fill_*`` rule)."""
    if params.fill_ratio <= 0 or len(steps) < 3:
        return steps
    times = np.asarray(steps)
    intervals = np.diff(times)
    median = float(np.median(intervals))
    out = [steps[0]]
    for i, interval in enumerate(intervals.tolist()):
        if interval >= params.fill_ratio * median and turned[i + 1] >= params.fill_angle_rad:
            n = round(interval / median)
            out.extend((steps[i] + interval * np.arange(1, n) / n).tolist())
        out.append(steps[i + 1])
    return out


@dataclass(frozen=True)
class Turn:
    """A turn on the spot candidate: from ``start_s`` to ``end_s``, ``angle_rad`` turned."""

    start_s: float
    end_s: float
    angle_rad: float
    key_s: float
    """When it became known (the first sample after it): its place among the peaks."""
    after_s: float | None = None
    """The last step of the walking bout during which this turn began and which it goes on
    from (the walker turned round as she stopped), or ``None`` for a turn clear of
    walking."""

    def steps(self, params: TurnParams) -> FloatArray:
        """Its steps, one every ``step_interval_s`` over the duration less the window.

        A turn that goes on from a walking bout (``after_s``) counts only its part after
        the bout's last step: one step every full interval from that step to the turn's
        end (the run's end less half the window, which widens the run by as much)."""
        interval = params.step_interval_s
        if interval <= 0:
            return np.empty(0)
        if self.after_s is not None:
            end = self.end_s - params.window_s / 2
            n = max(0, int(np.floor((end - self.after_s) / interval + 1e-9)))
            return self.after_s + interval * np.arange(1, n + 1, dtype=np.float64)
        span = self.end_s - self.start_s
        n = max(0, round((span - params.window_s) / params.step_interval_s))
        return self.start_s + span * (np.arange(n) + 0.5) / max(n, 1)


def turn_signals(
    xyz: FloatArray, gyro: FloatArray, rate_hz: float, params: TurnParams
) -> tuple[FloatArray, FloatArray]:
    """The yaw rate and its moving mean over ``window_s``, for evenly spaced samples."""
    yaw = yaw_rate(xyz, gyro, rate_hz, params)
    size = max(1, round(params.window_s * rate_hz))
    smooth: FloatArray = uniform_filter1d(yaw, size=size, mode="nearest")
    return yaw, smooth


class TurnTracker:
    """Finds turns on the spot in one gap-free segment, fed its samples in order.

    A turn is a run of samples whose mean yaw rate stays at or above ``min_rate_rad_s`` in
    one direction; it is reported (with the angle turned) once the run ends, if it turned at
    least ``min_angle_rad`` while the device moved. State: the one run in progress.
    """

    def __init__(self, t0_s: float, rate_hz: float, params: TurnParams) -> None:
        self._t0_s, self._rate_hz, self._params = t0_s, rate_hz, params
        self._sign = 0
        self._start = self._last = 0
        self._angle = self._level = 0.0
        self._n = 0

    def _end_run(self, key: int) -> list[Turn]:
        sign, self._sign = self._sign, 0
        if sign == 0 or self._n == 0:
            return []
        angle = abs(self._angle) / self._rate_hz
        moving = self._level / self._n >= self._params.min_level_m_s2
        if angle < self._params.min_angle_rad or not moving:
            return []
        at = self._t0_s
        rate = self._rate_hz
        return [Turn(at + self._start / rate, at + self._last / rate, angle, at + key / rate)]

    def push(
        self, first: int, smooth: FloatArray, yaw: FloatArray, level: FloatArray
    ) -> list[Turn]:
        """Samples ``first``, ``first + 1``, … of the segment; returns the turns that ended."""
        on = np.nan_to_num(np.abs(smooth)) >= self._params.min_rate_rad_s
        sign = np.where(on, np.sign(np.nan_to_num(smooth)), 0.0).astype(np.int8)
        edges = np.flatnonzero(np.diff(sign)) + 1
        starts = np.concatenate(([0], edges)).tolist()
        stops = np.concatenate((edges, [sign.size])).tolist()
        turns: list[Turn] = []
        for a, b in zip(starts, stops, strict=True):
            s = int(sign[a])
            continues = s != 0 and s == self._sign and self._last == first + a - 1
            if not continues:
                turns.extend(self._end_run(first + a))
                if s == 0:
                    continue
                self._sign, self._start = s, first + a
                self._angle = self._level = 0.0
                self._n = 0
            self._angle += float(np.sum(np.nan_to_num(yaw[a:b])))
            self._level += float(np.sum(level[a:b]))
            self._n += b - a
            self._last = first + b - 1
        return turns

    def finish(self) -> list[Turn]:
        """The samples stopped: the run in progress ends here."""
        return self._end_run(self._last + 1)
