"""Speed and memory of step analysis on a 24-hour, 100 Hz, 3-axis day, vs scikit-digital-health.

The day is synthesised from real walking (Oxford phone recordings, IPOL lower-back trials)
interleaved with rest (``benchmarks/bench_motion_day.py``). Each pipeline runs in its own process,
twice over the same day: once timed, once under ``tracemalloc`` for the peak memory the
analysis allocates (its input samples included), since tracing slows it down:

* retrowalk: :class:`~retrowalk.motion.streaming.StreamingAnalyzer`, fed 10-minute chunks as
  they are generated (the day is never held whole);
* scikit-digital-health (``skdh``): its documented gait pipeline,
  ``PredictGaitLumbarLgbm`` (gait bout classifier) then ``GaitLumbar`` (gait events and
  steps), on the whole day in memory (its API takes whole arrays; acceleration in g).

Only the analysis is timed, not the synthesis. skdh's gait pipeline is designed for a lumbar
sensor; the day is mostly phone data, so compare its speed and memory, not its step count.
``python -m benchmarks motion_speed`` runs it; ``--hours H`` (env RETROWALK_BENCH_HOURS) a
shorter day.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _retrowalk(plan: Any, duration_s: float) -> tuple[float, int, int, int]:
    """Seconds spent analysing, samples, steps and bouts, streaming the day chunk by chunk."""
    from benchmarks.bench_motion_day import iter_day
    from retrowalk.motion.streaming import StreamingAnalyzer

    analyzer = StreamingAnalyzer()
    bouts = []
    busy = 0.0
    samples = 0
    for t, xyz in iter_day(plan, duration_s=duration_s):
        start = time.perf_counter()
        bouts += analyzer.feed(t, xyz)
        busy += time.perf_counter() - start
        samples += t.size
    start = time.perf_counter()
    bouts += analyzer.finish()
    busy += time.perf_counter() - start
    return busy, samples, sum(b.steps for b in bouts), len(bouts)


def _skdh(plan: Any, duration_s: float) -> tuple[float, int, int, int]:
    """Seconds in skdh's gait pipeline, samples, steps (initial contacts) and bouts."""
    import skdh  # only in the bench venv

    from benchmarks.bench_motion_day import RATE_HZ, iter_day

    chunks = list(iter_day(plan, duration_s=duration_s))
    t = np.concatenate([c[0] for c in chunks])
    accel_g = np.concatenate([c[1] for c in chunks]) / 9.80665
    del chunks
    pipeline = skdh.Pipeline()
    pipeline.add(skdh.context.PredictGaitLumbarLgbm())
    pipeline.add(skdh.gait.GaitLumbar())
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = pipeline.run(time=t, accel=accel_g, fs=RATE_HZ)
    seconds = time.perf_counter() - start
    gait = result["GaitLumbar"]
    steps = int(np.asarray(gait["IC Timestamp"]).size)
    bouts = int(np.unique(np.asarray(gait["Bout N"])).size)
    return seconds, int(t.size), steps, bouts


def _worker(which: str, hours: float) -> dict[str, Any]:
    from benchmarks.bench_motion_day import plan_day

    duration_s = hours * 3600
    plan = plan_day(duration_s=duration_s)
    run = _retrowalk if which == "retrowalk" else _skdh
    seconds, samples, steps, bouts = run(plan, duration_s)
    tracemalloc.start()
    run(plan, duration_s)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out: dict[str, Any] = {
        "samples": samples,
        "seconds": seconds,
        "steps": steps,
        "bouts": bouts,
        "peak_traced_mib": peak / 2**20,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }
    if which == "skdh":
        import skdh

        out["version"] = skdh.__version__
    return out


def _run(which: str, hours: float) -> dict[str, Any] | str:
    """Run one pipeline in a fresh process; its JSON result, or why it could not run."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_motion_speed", "--worker", which, str(hours)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return tail[0]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _skdh_available() -> bool:
    done = subprocess.run([sys.executable, "-c", "import skdh"], capture_output=True)
    return done.returncode == 0


def main() -> None:
    hours = float(os.environ.get("RETROWALK_BENCH_HOURS", "24"))
    print(f"Day: {hours:g} h at 100 Hz, 3 axes (real walking from Oxford + IPOL, with rest).")
    ours = _run("retrowalk", hours)
    if isinstance(ours, str):
        print(f"retrowalk failed: {ours}")
        return
    rows = [("retrowalk (streaming)", ours)]
    peer: dict[str, Any] | str
    if _skdh_available():
        peer = _run("skdh", hours)
    else:
        peer = (
            "scikit-digital-health is not installed in this environment "
            "(make bench installs it into .venv-bench)"
        )
    if isinstance(peer, dict):
        rows.append((f"scikit-digital-health {peer.get('version', '')}".strip(), peer))
    header = (
        f"{'pipeline':32} {'samples/s':>12} {'seconds':>8} {'peak traced MiB':>16} "
        f"{'peak RSS MiB':>13} {'steps':>7} {'bouts':>6}"
    )
    print(header)
    for name, r in rows:
        rate = r["samples"] / r["seconds"]
        print(
            f"{name:32} {rate:12,.0f} {r['seconds']:8.2f} {r['peak_traced_mib']:16.1f} "
            f"{r['peak_rss_mib']:13.0f} {r['steps']:7d} {r['bouts']:6d}"
        )
    if isinstance(peer, dict):
        speed = (ours["samples"] / ours["seconds"]) / (peer["samples"] / peer["seconds"])
        memory = ours["peak_traced_mib"] / peer["peak_traced_mib"]
        print(
            f"Ratio retrowalk / scikit-digital-health: {speed:.1f}× the samples per second, "
            f"{memory:.3f}× the peak traced memory ({1 / memory:.0f} times less)."
        )
        print(
            "Step counts are not comparable: skdh's GaitLumbar expects a lumbar sensor and "
            "finds bouts with its own classifier, while most of this day is phone data."
        )
    else:
        print(f"No ratio: {peer}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        print(json.dumps(_worker(sys.argv[2], float(sys.argv[3]))))
    else:
        main()
