"""A realistic 24-hour, 100 Hz, 3-axis recording, synthesised chunk by chunk.

Real walking segments (the Oxford phone recordings and the IPOL lower-back trials, each
resampled to 100 Hz) are laid end to end with rest between them: a still device at a random
orientation with sensor noise. The same seed always gives the same day, so retrowalk and the
peer analyse identical samples. Chunks are generated on demand, so the day never has to be
held in memory by the streaming path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from retrowalk.motion.evaluation import shared_data_dir
from retrowalk.motion.readers.datasets import read_ipol, read_oxford
from retrowalk.motion.timebase import uniform_segments

RATE_HZ = 100.0
DAY_S = 24 * 3600.0
DAY_START_UNIX_S = 1_773_446_400.0  # 2026-03-14T00:00:00Z
GRAVITY_M_S2 = 9.80665


@dataclass(frozen=True)
class DayPlan:
    """Which real walking segment plays when, and how long the rests between them are."""

    segments: list[NDArray[np.float64]]
    order: list[int]
    rests_s: list[float]
    orientations: NDArray[np.float64]

    @property
    def walking_s(self) -> float:
        """Total walking time in the day."""
        return sum(self.segments[i].shape[0] for i in self.order) / RATE_HZ


def _walking_segments(data: Path) -> list[NDArray[np.float64]]:
    segments: list[NDArray[np.float64]] = []
    oxford = data / "oxford-step-counter" / "recordings"
    for folder in sorted(oxford.iterdir()):
        acc = read_oxford(folder).acc_m_s2
        assert acc is not None
        segments += [
            s.xyz for s in uniform_segments(acc.t_s, acc.xyz, RATE_HZ) if s.xyz.shape[0] > 1000
        ]
    for trial in sorted((data / "ipol-lower-back-gait" / "trials").glob("*_lb.txt.gz")):
        acc = read_ipol(trial).acc_m_s2
        assert acc is not None
        segments += [s.xyz for s in uniform_segments(acc.t_s, acc.xyz, RATE_HZ)]
    return segments


def plan_day(seed: int = 2026, duration_s: float = DAY_S) -> DayPlan:
    """Walking segments in random order with rests (median ~6 min) between them."""
    data = shared_data_dir()
    if data is None:
        raise SystemExit("the shared data folder (../shared/data) is needed for this benchmark")
    segments = _walking_segments(data)
    rng = np.random.default_rng(seed)
    order: list[int] = []
    rests: list[float] = []
    total = 0.0
    while total < duration_s:
        i = int(rng.integers(len(segments)))
        rest = float(rng.lognormal(np.log(360.0), 1.0))
        order.append(i)
        rests.append(rest)
        total += rest + segments[i].shape[0] / RATE_HZ
    orientations = rng.normal(size=(len(order), 3))
    orientations /= np.linalg.norm(orientations, axis=1, keepdims=True)
    return DayPlan(segments, order, rests, orientations)


def iter_day(
    plan: DayPlan, chunk_s: float = 600.0, duration_s: float = DAY_S, seed: int = 7
) -> Iterator[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """``(unix_time_s, xyz_m_s2)`` chunks of the planned day, ``chunk_s`` long each."""
    rng = np.random.default_rng(seed)
    total = round(duration_s * RATE_HZ)
    chunk = round(chunk_s * RATE_HZ)
    pending: list[NDArray[np.float64]] = []
    pending_n = 0
    emitted = 0

    def pieces() -> Iterator[NDArray[np.float64]]:
        for k, i in enumerate(plan.order):
            n_rest = round(plan.rests_s[k] * RATE_HZ)
            for start in range(0, n_rest, chunk):
                n = min(chunk, n_rest - start)
                still = plan.orientations[k] * GRAVITY_M_S2
                yield still + rng.normal(0.0, 0.02, size=(n, 3))
            yield plan.segments[i]

    for piece in pieces():
        pending.append(piece)
        pending_n += piece.shape[0]
        while pending_n >= chunk and emitted < total:
            block = np.concatenate(pending)
            n = min(chunk, total - emitted)
            out, rest = block[:n], block[n:]
            pending, pending_n = [rest], rest.shape[0]
            t = DAY_START_UNIX_S + (emitted + np.arange(n)) / RATE_HZ
            yield t, out
            emitted += n
        if emitted >= total:
            return


def main() -> None:
    """Describe the synthetic day the speed benchmark analyses."""
    plan = plan_day()
    walking_h = plan.walking_s / 3600
    print(
        f"Synthetic day: {len(plan.order)} walking stretches drawn from "
        f"{len(plan.segments)} real segments, {walking_h:.1f} h walking, rest between them "
        f"(median {np.median(plan.rests_s) / 60:.0f} min); 100 Hz, 3 axes."
    )
