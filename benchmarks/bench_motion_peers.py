"""Step counts and step timing on the IPOL lower-back trials: retrowalk, mobgap and skdh.

One run, the same 80 trials, the same scoring (``retrowalk.motion.evaluation.evaluate_ipol``:
a detected step matches an annotated foot contact within ±0.25 s, one to one):

* **retrowalk**: its default detector (orientation-free, for any phone placement);
* **mobgap** (the Mobilise-D pipeline): ``MobilisedPipelineHealthy()`` with its defaults,
  its documented configuration for healthy adults (cohort "HA", a laboratory recording); the
  XSens axes map to mobgap's sensor frame as X → ``acc_x`` (vertical, up), Y → ``acc_y``, Z
  → ``acc_z``, angular rate in deg/s; participant height from the trial's annotation and
  ``sensor_height_m`` = 0.53 × height (the leg-length estimate mobgap itself uses in its
  threshold check; it only affects stride length, which is not compared). Its steps are the
  pipeline's initial contacts (``raw_ic_list_``);
* **scikit-digital-health**: ``PredictGaitLumbarLgbm`` → ``GaitLumbar`` (its documented
  lumbar gait pipeline), acceleration in g; its steps are the unique initial contacts.

Speed is samples per second of each detector's own time on the trials (reading excluded).
``python -m benchmarks motion_peers``.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from retrowalk.motion.evaluation import (
    IpolEvaluation,
    evaluate_ipol,
    retrowalk_steps,
    shared_data_dir,
)
from retrowalk.motion.recording import Recording

G = 9.80665


class _Timed:
    """A detector that adds up its own time and samples."""

    def __init__(self, detect: Callable[[Recording], np.ndarray]) -> None:
        self.detect = detect
        self.seconds = 0.0
        self.samples = 0

    def __call__(self, recording: Recording) -> np.ndarray:
        assert recording.acc_m_s2 is not None
        start = time.perf_counter()
        steps = self.detect(recording)
        self.seconds += time.perf_counter() - start
        self.samples += recording.acc_m_s2.t_s.size
        return steps


def _heights(folder: Path) -> dict[str, float]:
    out = {}
    for path in folder.glob("*.json"):
        doc = json.loads(path.read_text())
        out[f"{path.stem}_lb.txt.gz"] = float(doc["Height"]) / 100.0
    return out


def _mobgap(heights: dict[str, float]) -> Callable[[Recording], np.ndarray]:
    import pandas as pd
    from mobgap.data import GaitDatasetFromData
    from mobgap.pipeline import MobilisedPipelineHealthy

    def detect(recording: Recording) -> np.ndarray:
        acc, gyro = recording.acc_m_s2, recording.gyro_rad_s
        assert acc is not None
        assert gyro is not None
        data = pd.DataFrame(
            {
                "acc_x": acc.xyz[:, 0],
                "acc_y": acc.xyz[:, 1],
                "acc_z": acc.xyz[:, 2],
                "gyr_x": np.degrees(gyro.xyz[:, 0]),
                "gyr_y": np.degrees(gyro.xyz[:, 1]),
                "gyr_z": np.degrees(gyro.xyz[:, 2]),
            }
        )
        height = heights[recording.source]
        dataset = GaitDatasetFromData(
            {recording.source: {"LowerBack": data}},
            100.0,
            {
                recording.source: {
                    "height_m": height,
                    "sensor_height_m": 0.53 * height,
                    "cohort": "HA",
                }
            },
            {recording.source: {"measurement_condition": "laboratory"}},
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pipeline = MobilisedPipelineHealthy().safe_run(dataset[0])
        ics = pipeline.raw_ic_list_
        if ics.empty:
            return np.empty(0)
        index = np.asarray(ics["ic"], dtype=np.int64)
        return np.asarray(acc.t_s[np.clip(index, 0, acc.t_s.size - 1)])

    return detect


def _skdh(recording: Recording) -> np.ndarray:
    import skdh

    acc = recording.acc_m_s2
    assert acc is not None
    t = 1_700_000_000.0 + acc.t_s
    pipeline = skdh.Pipeline()
    pipeline.add(skdh.context.PredictGaitLumbarLgbm())
    pipeline.add(skdh.gait.GaitLumbar())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = pipeline.run(time=t, accel=acc.xyz / G, fs=100.0)
    ics = np.asarray(result["GaitLumbar"].get("IC Timestamp", []), dtype=np.float64)
    return np.unique(ics[np.isfinite(ics)]) - 1_700_000_000.0


def _row(name: str, e: IpolEvaluation, timed: _Timed) -> str:
    rate = timed.samples / timed.seconds if timed.seconds > 0 else float("nan")
    return (
        f"| {name} | {e.median_abs_whole_error_pct:.1f} | {e.max_abs_whole_error_pct:.1f} | "
        f"{e.median_abs_count_error_pct:.1f} | {e.max_abs_in_trial_error_pct:.1f} | "
        f"{e.sensitivity:.1%} | {e.precision:.1%} | {e.median_offset_s * 1000:+.0f} | "
        f"{e.p95_abs_offset_s * 1000:.0f} | {rate:,.0f} |"
    )


def main() -> None:
    data = shared_data_dir()
    if data is None:
        print("the shared data folder (../shared/data) is needed for this benchmark")
        return
    folder = data / "ipol-lower-back-gait" / "trials"
    heights = _heights(folder)
    peers: list[tuple[str, Callable[[Recording], np.ndarray] | None, str]] = [
        ("retrowalk", retrowalk_steps(), "")
    ]
    try:
        import mobgap

        peers.append(
            (f"mobgap {mobgap.__version__} (MobilisedPipelineHealthy)", _mobgap(heights), "")
        )
    except ImportError:
        peers.append(("mobgap", None, "not installed (make bench installs it)"))
    try:
        import skdh

        peers.append((f"scikit-digital-health {skdh.__version__} (GaitLumbar)", _skdh, ""))
    except ImportError:
        peers.append(("scikit-digital-health", None, "not installed (make bench installs it)"))
    print(f"IPOL lower-back trials in {folder} (whole recording: every annotated footstep).")
    print(
        "| detector | whole median abs % | whole worst % | in-trial median abs % | "
        "in-trial worst % | contacts found | precision | median offset ms | "
        "p95 abs offset ms | samples/s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, detect, why in peers:
        if detect is None:
            print(f"| {name} | {why} |")
            continue
        timed = _Timed(detect)
        try:
            evaluation = evaluate_ipol(folder, detector=timed)
        except Exception as exc:  # a peer that fails is reported, not fatal to the bench
            print(f"| {name} | failed: {type(exc).__name__}: {exc} |")
            continue
        print(_row(name, evaluation, timed), flush=True)
        print(
            "  by part (annotated/missed/extra): "
            + ", ".join(f"{p.part} {p.annotated}/{p.missed}/{p.extra}" for p in evaluation.parts)
        )


if __name__ == "__main__":
    main()
