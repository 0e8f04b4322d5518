"""Whole-recording analysis: walking bouts, steps, cadence, distance and speed.

Distance and speed come from GPS when the recording has a track. Otherwise they come from
steps × a step length **only when the caller supplies one** (for example measured by the
walker over a known distance), and are then labelled as estimates. retrowalk never assumes a
step length from norms or body height.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from retrowalk.motion.bouts import DEFAULT_BOUT_PARAMS, Bout, BoutBuilder, BoutParams
from retrowalk.motion.direction import STATS, step_cycles
from retrowalk.motion.errors import InvalidParameterError, RecordingError
from retrowalk.motion.gps import GpsTotals, track_distance_m
from retrowalk.motion.recording import GpsTrack, Recording
from retrowalk.motion.steps import (
    DEFAULT_STEP_PARAMS,
    StepParams,
    detect_peaks,
    local_level,
    step_signal,
)
from retrowalk.motion.timebase import (
    DEFAULT_MAX_GAP_S,
    DEFAULT_RATE_HZ,
    UniformSegment,
    uniform_segments,
)
from retrowalk.motion.turns import (
    DEFAULT_TURN_PARAMS,
    Turn,
    TurnParams,
    TurnTracker,
    gyro_at,
    turn_signals,
    turned_between,
)

Progress = Callable[[float], None]
"""Called with the fraction done (0–1) as the analysis proceeds."""


@dataclass(frozen=True)
class AnalysisSettings:
    """Everything that shapes the analysis, in one place."""

    rate_hz: float = DEFAULT_RATE_HZ
    max_gap_s: float = DEFAULT_MAX_GAP_S
    steps: StepParams = DEFAULT_STEP_PARAMS
    bouts: BoutParams = DEFAULT_BOUT_PARAMS
    turns: TurnParams = DEFAULT_TURN_PARAMS
    """Used only where the recording has angular rate (a gyroscope)."""

    def validate(self) -> None:
        """Raise :class:`InvalidParameterError` for a setting that cannot work."""
        self.steps.validate()
        self.bouts.validate()
        self.turns.validate()


DEFAULT_SETTINGS = AnalysisSettings()


@dataclass(frozen=True)
class BoutReport:
    """One bout as shown to a person: steps and cadence, with distance/speed when known."""

    bout: Bout
    distance_m: float | None
    speed_m_s: float | None
    distance_is_estimate: bool

    @property
    def start_s(self) -> float:
        """Seconds from the start of the recording to the first step."""
        return self.bout.start_s


@dataclass(frozen=True)
class SampleSpan:
    """What a streamed recording's acceleration covered (it is not kept)."""

    samples: int
    first_s: float
    last_s: float
    angular_rate: bool = False
    """Whether angular rate (a gyroscope) was streamed beside it, so the turn rules applied."""

    @property
    def duration_s(self) -> float:
        """Time from the first to the last sample."""
        return self.last_s - self.first_s if self.samples else 0.0


@dataclass(frozen=True)
class Analysis:
    """The result for one recording.

    A recording analysed as a stream (:func:`~retrowalk.motion.streaming.analyze_file`) has
    no samples in ``recording``: ``samples`` says what its acceleration covered, and a
    GPS-only file gives ``gps_totals`` instead of a track.
    """

    recording: Recording
    bouts: list[BoutReport]
    samples: SampleSpan | None = None
    gps_totals: GpsTotals | None = None

    @property
    def steps(self) -> int:
        """Steps in all walking bouts."""
        return sum(b.bout.steps for b in self.bouts)

    @property
    def has_acceleration(self) -> bool:
        """Whether the recording had acceleration (so steps could be counted)."""
        streamed = self.samples is not None and self.samples.samples > 0
        return self.recording.acc_m_s2 is not None or streamed

    @property
    def has_angular_rate(self) -> bool:
        """Whether the analysis had angular rate (a gyroscope), so the turn rules applied."""
        streamed = self.samples is not None and self.samples.angular_rate
        return self.recording.gyro_rad_s is not None or streamed

    @property
    def duration_s(self) -> float:
        """Span of the longest channel, in seconds."""
        spans = [self.recording.duration_s]
        if self.samples is not None:
            spans.append(self.samples.duration_s)
        if self.gps_totals is not None:
            spans.append(self.gps_totals.duration_s)
        return max(spans)


@dataclass(frozen=True)
class SessionSummary:
    """What a session log needs from one recording (``retrowalk log --from-recording``).

    ``start`` is the first step (UTC) when the recording says when it started (the recording's
    start if no walking was found), else ``None``.
    Steps and cadence are ``None`` for a GPS-only recording, unless the watch stored its own
    (a FIT session: ``Recording.device_steps``). ``distance_is_estimate`` is
    true when the distance was computed from steps × the step length the caller gave.
    """

    start: datetime | None
    duration_min: float
    steps: int | None
    cadence_spm: float | None
    distance_m: float | None
    speed_m_s: float | None
    distance_is_estimate: bool
    bouts: int


def check_step_length(step_length_m: float | None) -> None:
    """A supplied step length must be a plausible measured length (0.1–2.0 m)."""
    if step_length_m is not None and not (
        np.isfinite(step_length_m) and 0.1 <= step_length_m <= 2.0
    ):
        raise InvalidParameterError(
            "step_length_m", step_length_m, "a measured step length from 0.1 to 2.0 m"
        )


def detect_bouts(
    recording: Recording,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
    progress: Progress | None = None,
) -> list[Bout]:
    """Walking bouts of a recording with acceleration, on the whole signal at once.

    Where the recording has angular rate, the turn rules of :mod:`retrowalk.motion.turns`
    apply too (its turns on the spot come back as bouts of kind ``"turn"``).
    """
    settings.validate()
    acc = recording.acc_m_s2
    if acc is None:
        return []
    require_gravity(recording)
    gyro = gyro_at(recording)
    samples = acc.xyz if gyro is None else np.hstack((acc.xyz, gyro))
    segments = uniform_segments(acc.t_s, samples, settings.rate_hz, settings.max_gap_s)
    builder = BoutBuilder(settings.bouts, settings.turns)
    bouts: list[Bout] = []
    total = max(1, sum(s.xyz.shape[0] for s in segments))
    done = 0
    max_cycle = int(settings.bouts.max_step_gap_s * settings.rate_hz)
    for segment in segments:
        xyz = segment.xyz[:, :3]
        indices, is_step, prominence = detect_peaks(xyz, segment.rate_hz, settings.steps)
        times = segment.t0_s + indices / segment.rate_hz
        cycles = np.zeros((indices.size, STATS))
        cycles[is_step] = step_cycles(xyz, indices[is_step], None, max_cycle)
        turned, turns = segment_turns(segment, indices, is_step, max_cycle, settings)
        peaks = builder.add_steps(times.tolist(), cycles, is_step, turned, turns, prominence)
        bouts.extend(peaks)
        bouts.extend(builder.break_here())
        done += segment.xyz.shape[0]
        if progress is not None:
            progress(done / total)
    return bouts


def segment_turns(
    segment: UniformSegment,
    indices: np.ndarray[tuple[int], np.dtype[np.intp]],
    is_step: np.ndarray[tuple[int], np.dtype[np.bool_]],
    max_cycle: int,
    settings: AnalysisSettings,
) -> tuple[np.ndarray[tuple[int], np.dtype[np.float64]] | None, list[Turn]]:
    """Per peak, the angle turned since the step before; and the segment's turns on the
    spot. ``(None, [])`` without angular rate (columns 3–5 of the segment)."""
    if segment.xyz.shape[1] < 6:
        return None, []
    xyz, gyro, rate = segment.xyz[:, :3], segment.xyz[:, 3:6], segment.rate_hz
    yaw, smooth = turn_signals(xyz, gyro, rate, settings.turns)
    turned = np.zeros(indices.size)
    turned[is_step] = turned_between(yaw, indices[is_step], None, max_cycle, rate)
    level = local_level(step_signal(xyz, rate, settings.steps), rate, settings.steps)
    tracker = TurnTracker(segment.t0_s, rate, settings.turns)
    turns = tracker.push(0, smooth, yaw, level) + tracker.finish()
    return turned, turns


def require_gravity(recording: Recording) -> None:
    """Refuse gravity-free acceleration: its magnitude would count each step twice."""
    if not recording.acc_includes_gravity:
        raise gravity_missing(recording.source)


def gravity_missing(source: str) -> RecordingError:
    """The error for acceleration without gravity, naming the export to use instead."""
    return RecordingError(
        f"{source} has acceleration without gravity only; step counting needs "
        "the acceleration with gravity (phyphox 'Acceleration with g', Sensor Logger "
        "TotalAcceleration or Accelerometer plus Gravity)."
    )


def _gps_between(track: GpsTrack, start_s: float, end_s: float) -> tuple[float, float] | None:
    """Distance (m) and duration (s) of the GPS fixes within [start_s, end_s]."""
    inside = (track.t_s >= start_s) & (track.t_s <= end_s)
    if int(inside.sum()) < 2:
        return None
    t = track.t_s[inside]
    distance = track_distance_m(track.lat_deg[inside], track.lon_deg[inside])
    return distance, float(t[-1] - t[0])


def report_bout(recording: Recording, bout: Bout, step_length_m: float | None) -> BoutReport:
    """Distance and speed of a bout: GPS if present, else steps × a supplied step length."""
    if recording.gps is not None:
        measured = _gps_between(recording.gps, bout.start_s, bout.end_s)
        if measured is not None:
            distance, duration = measured
            speed = distance / duration if duration > 0 else None
            return BoutReport(bout, distance, speed, distance_is_estimate=False)
    if step_length_m is not None:
        distance = bout.steps * step_length_m
        speed = distance / bout.duration_s if bout.duration_s > 0 else None
        return BoutReport(bout, distance, speed, distance_is_estimate=True)
    return BoutReport(bout, None, None, distance_is_estimate=False)


def analyze(
    recording: Recording,
    step_length_m: float | None = None,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
    progress: Progress | None = None,
) -> Analysis:
    """Bouts with steps, cadence, and distance/speed where they can be known."""
    check_step_length(step_length_m)
    bouts = detect_bouts(recording, settings, progress)
    return Analysis(recording, [report_bout(recording, b, step_length_m) for b in bouts])


def summarize_session(
    recording: Recording,
    step_length_m: float | None = None,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
) -> SessionSummary:
    """One session's totals from a recording, for the session log.

    Duration is the time spent walking (sum of bouts). Without acceleration (a GPX track,
    a FIT file without raw motion) the session is the GPS track itself and steps are unknown.
    """
    check_step_length(step_length_m)
    if recording.acc_m_s2 is None:
        return _summarize_gps_only(recording)
    analysis = analyze(recording, step_length_m, settings)
    reports = analysis.bouts
    walking_s = sum(r.bout.duration_s for r in reports)
    steps = analysis.steps
    intervals = sum(r.bout.steps - 1 for r in reports)
    cadence = 60.0 * intervals / walking_s if walking_s > 0 else None
    start = recording.start_utc
    if start is not None and reports:
        start += timedelta(seconds=reports[0].start_s)
    distances = [r.distance_m for r in reports]
    distance = None
    if reports and all(d is not None for d in distances):
        distance = float(sum(d for d in distances if d is not None))
    speed = distance / walking_s if distance is not None and walking_s > 0 else None
    return SessionSummary(
        start=start,
        duration_min=walking_s / 60.0,
        steps=steps,
        cadence_spm=cadence,
        distance_m=distance,
        speed_m_s=speed,
        distance_is_estimate=any(r.distance_is_estimate for r in reports),
        bouts=len(reports),
    )


def _summarize_gps_only(recording: Recording) -> SessionSummary:
    """A GPS-only session; steps and cadence from the watch when it stored them (FIT)."""
    track = recording.gps
    if track is None or track.t_s.size < 2:
        raise RecordingError(f"{recording.source} has neither acceleration nor a GPS track.")
    duration = float(track.t_s[-1] - track.t_s[0])
    distance = track_distance_m(track.lat_deg, track.lon_deg)
    start = recording.start_utc
    if start is not None:
        start += timedelta(seconds=float(track.t_s[0]))
    watch = recording.device_steps
    return SessionSummary(
        start=start,
        duration_min=duration / 60.0,
        steps=None if watch is None else watch.steps,
        cadence_spm=None if watch is None else watch.cadence_spm,
        distance_m=distance,
        speed_m_s=distance / duration if duration > 0 else None,
        distance_is_estimate=False,
        bouts=0,
    )
