"""Direction per bout: orientation-free, odd under time reversal, forward on forward data.

Played backwards, a forward recording is a *synthetic* stand-in for backward walking (the
model the classifier rests on). It checks the method's symmetry, not its accuracy on real
backward walking, which no recording here can show (docs/motion.md).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.motion import Recording, SensorSeries, detect_bouts
from retrowalk.motion.direction import BACKWARD_SCORE, MIN_CYCLES, STATS, classify
from retrowalk.motion.readers.datasets import read_ipol, read_oxford
from tests.motion.synth import rotation

TRIALS = ("1-1", "2-2", "5-3", "9-1", "12-6", "14-2")


def _played_backwards(recording: Recording) -> Recording:
    acc = recording.acc_m_s2
    assert acc is not None
    t = acc.t_s[-1] - acc.t_s[::-1]
    return dataclasses.replace(recording, acc_m_s2=SensorSeries(t.copy(), acc.xyz[::-1].copy()))


def _main_bout(recording: Recording):  # type: ignore[no-untyped-def]
    return max(detect_bouts(recording), key=lambda b: b.steps)


@pytest.fixture(scope="module")
def trials(ipol_dir: Path) -> list[Recording]:
    return [read_ipol(ipol_dir / f"{t}_lb.txt.gz") for t in TRIALS]


@settings(max_examples=12, deadline=None)
@given(
    which=st.integers(0, len(TRIALS) - 1),
    yaw=st.floats(-np.pi, np.pi),
    pitch=st.floats(-np.pi, np.pi),
    roll=st.floats(-np.pi, np.pi),
)
def test_direction_does_not_depend_on_how_the_sensor_is_turned(
    trials: list[Recording], which: int, yaw: float, pitch: float, roll: float
) -> None:
    recording = trials[which]
    acc = recording.acc_m_s2
    assert acc is not None
    turned = dataclasses.replace(
        recording, acc_m_s2=SensorSeries(acc.t_s, acc.xyz @ rotation(yaw, pitch, roll).T)
    )
    a, b = _main_bout(recording).direction, _main_bout(turned).direction
    assert a.label == b.label
    assert a.score == pytest.approx(b.score, abs=1e-6)


def test_played_backwards_the_score_changes_sign(trials: list[Recording]) -> None:
    """Peaks land a sample apart when mirrored, so a feature whose sum nearly cancels can
    move; the sign, which is what the call rests on, does not."""
    for recording in trials:
        forward = _main_bout(recording).direction
        backward = _main_bout(_played_backwards(recording)).direction
        assert np.sign(backward.score) == -np.sign(forward.score), recording.source
        assert backward.score == pytest.approx(-forward.score, abs=0.45), recording.source


def test_a_strongly_forward_real_bout_played_backwards_is_called_backward(
    ipol_dir: Path,
) -> None:
    strong = []
    for trial in ("4-1", "4-2", "7-6", "7-5"):  # the most clearly forward trials (measured)
        recording = read_ipol(ipol_dir / f"{trial}_lb.txt.gz")
        if _main_bout(recording).direction.score >= BACKWARD_SCORE + 0.02:
            strong.append(recording)
    assert len(strong) >= 2
    for recording in strong:
        assert _main_bout(_played_backwards(recording)).direction.label == "backward"


def test_forward_recordings_are_never_called_backward(oxford_dir: Path, ipol_dir: Path) -> None:
    """Measured: 140 of 143 bouts forward, 3 short fragments unknown, none backward."""
    recordings = [read_oxford(f) for f in sorted((oxford_dir / "recordings").iterdir())]
    recordings += [read_ipol(p) for p in sorted(ipol_dir.glob("*_lb.txt.gz"))]
    bouts = [b for r in recordings for b in detect_bouts(r)]
    labels = [b.direction.label for b in bouts]
    judged = [b.direction.label for b in bouts if b.steps > MIN_CYCLES]
    assert labels.count("backward") == 0
    assert judged.count("forward") / len(judged) >= 0.99
    assert labels.count("forward") / len(labels) >= 0.97
    assert all(b.steps <= MIN_CYCLES for b in bouts if b.direction.label == "unknown")


def test_too_few_cycles_or_no_signal_is_unknown() -> None:
    assert classify(np.zeros(STATS), 0).label == "unknown"
    assert classify(np.zeros(STATS), 20).label == "unknown"
