"""``retrowalk motion analyze`` on a 24-hour file of every format, against two named peers.

The day of ``bench_motion_day`` (real Oxford and IPOL walking between rests, 100 Hz) is
written once in each format (``benchmarks/motion_files.py``; cached in
``$RETROWALK_BENCH_DIR``, default the system's temporary folder). Then, each as a whole
process, several times (``$RETROWALK_BENCH_RUNS``, default 3), reporting the **median**:

* **retrowalk**: the command a person runs, ``retrowalk motion analyze FILE --json``;
* **scikit-digital-health** (``skdh``): the file loaded with ``pandas.read_csv`` (what
  ``skdh.io.ReadCSV`` uses inside; zip members and gzip opened the same way), then its
  documented gait pipeline ``PredictGaitLumbarLgbm`` → ``GaitLumbar`` on the whole day;
* **the floor**: NumPy loading the same numbers once (``numpy.loadtxt``) and filtering the
  acceleration magnitude once (the 4th-order band-pass retrowalk uses): the least any
  Python tool reading this text can do.

Time is wall-clock of the whole process (start-up and imports included); memory is the peak
resident set size of the whole process (``os.wait4``), so every column compares like with
like. GPS-only formats (FIT, GPX) have no peer: neither tool counts steps from them.
``python -m benchmarks motion_formats``; ``RETROWALK_BENCH_HOURS`` for a shorter day,
``RETROWALK_BENCH_FORMATS=csv,fit`` for some formats only.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("phyphox", "sensor-logger", "csv", "oxford", "ipol", "fit", "gpx")
G = 9.80665


def _data_dir(hours: float) -> Path:
    base = Path(os.environ.get("RETROWALK_BENCH_DIR", tempfile.gettempdir()))
    return base / f"retrowalk-bench-{hours:g}h"


def _written(fmt: str, hours: float) -> Path:
    """The day in ``fmt``, written on first use (a marker file says it is complete)."""
    from benchmarks.bench_motion_day import DAY_START_UNIX_S, iter_day, plan_day
    from benchmarks.motion_files import write_format

    folder = _data_dir(hours) / fmt
    done = folder / ".complete"
    if done.is_file():
        return Path(done.read_text().strip())
    duration_s = hours * 3600.0
    plan = plan_day(duration_s=duration_s)
    print(f"  writing the {hours:g}-hour day as {fmt} …", flush=True)
    path = write_format(
        fmt, folder, lambda: iter_day(plan, duration_s=duration_s), duration_s, DAY_START_UNIX_S
    )
    done.write_text(str(path))
    return path


def _text(path: Path, fmt: str) -> Iterator[IO[str]]:
    """The data text of a day file (zip member or gzip opened as a stream)."""
    if fmt in ("phyphox", "sensor-logger"):
        member = "Raw Data.csv" if fmt == "phyphox" else "TotalAcceleration.csv"
        with zipfile.ZipFile(path) as archive, archive.open(member) as raw:
            yield io.TextIOWrapper(raw, encoding="utf-8")
    elif fmt in ("oxford", "ipol"):
        file = path / "accelerometer.csv.gz" if fmt == "oxford" else path
        with gzip.open(file, "rt", encoding="utf-8") as text:
            yield text
    else:
        with path.open(encoding="utf-8") as text:
            yield text


_LAYOUT = {  # header lines to skip, time column, its seconds per unit, x/y/z columns, unit → g
    "phyphox": (1, 0, 1.0, (1, 2, 3), G),
    "sensor-logger": (1, 0, 1e-9, (4, 3, 2), G),
    "csv": (1, 0, 1e-3, (1, 2, 3), G),
    "oxford": (0, 0, 1e-9, (2, 3, 4), G),
    "ipol": (2, 0, 0.01, (1, 2, 3), G),
}


def _floor(path: Path, fmt: str) -> dict[str, Any]:
    from scipy.signal import butter, sosfiltfilt

    skip, t_col, _, xyz_cols, _ = _LAYOUT[fmt]
    delimiter = "\t" if fmt == "ipol" else ","
    for text in _text(path, fmt):
        data = np.loadtxt(text, delimiter=delimiter, skiprows=skip, dtype=np.float64)
    del t_col
    rate = 100.0  # every day file is written at 100 Hz
    magnitude = np.linalg.norm(data[:, list(xyz_cols)], axis=1)
    sos = butter(4, [0.6, 3.0], btype="bandpass", fs=rate, output="sos")
    filtered = sosfiltfilt(sos, magnitude)
    return {"samples": int(filtered.size)}


def _skdh(path: Path, fmt: str) -> dict[str, Any]:
    import pandas as pd
    import skdh

    skip, t_col, scale, xyz_cols, to_g = _LAYOUT[fmt]
    kwargs: dict[str, Any] = {
        "header": None,
        "skiprows": skip,
        "sep": "\t" if fmt == "ipol" else ",",
    }
    for text in _text(path, fmt):
        frame = pd.read_csv(text, usecols=[t_col, *xyz_cols], **kwargs)
    t = frame[t_col].to_numpy(dtype=np.float64) * scale
    accel = frame[list(xyz_cols)].to_numpy(dtype=np.float64) / to_g
    del frame
    pipeline = skdh.Pipeline()
    pipeline.add(skdh.context.PredictGaitLumbarLgbm())
    pipeline.add(skdh.gait.GaitLumbar())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = pipeline.run(time=t, accel=accel, fs=100.0)
    steps = int(np.asarray(result["GaitLumbar"]["IC Timestamp"]).size)
    return {"samples": int(t.size), "steps": steps, "version": skdh.__version__}


def _measure(command: list[str]) -> tuple[float, float, str] | str:
    """Wall seconds, peak RSS (MiB) and stdout of one process; or why it failed."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            lines = err.read().decode(errors="replace").strip().splitlines() or ["no output"]
            return lines[-1]
        return seconds, usage.ru_maxrss / 1024.0, out.read().decode(errors="replace")


def _median_runs(command: list[str], runs: int) -> dict[str, Any] | str:
    seconds: list[float] = []
    rss: list[float] = []
    last = ""
    for _ in range(runs):
        result = _measure(command)
        if isinstance(result, str):
            return result
        seconds.append(result[0])
        rss.append(result[1])
        last = result[2]
    return {
        "seconds": statistics.median(seconds),
        "rss_mib": statistics.median(rss),
        "spread_s": max(seconds) - min(seconds),
        "output": last,
    }


def _retrowalk_command(path: Path) -> list[str]:
    script = Path(sys.executable).with_name("retrowalk")
    return [str(script), "motion", "analyze", str(path), "--json"]


def _worker_command(kind: str, path: Path, fmt: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "benchmarks.bench_motion_formats",
        "--worker",
        kind,
        fmt,
        str(path),
    ]


def _skdh_available() -> bool:
    return (
        subprocess.run([sys.executable, "-c", "import skdh"], capture_output=True).returncode == 0
    )


def _streaming_peak_mib(path: Path) -> float:
    """Peak memory traced inside ``analyze_file`` (the streaming API), in a fresh process."""
    code = (
        "import tracemalloc,sys;from pathlib import Path;"
        "from retrowalk.motion.streaming import analyze_file;"
        "tracemalloc.start();analyze_file(Path(sys.argv[1]));"
        "print(tracemalloc.get_traced_memory()[1]/2**20)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    return float(done.stdout.strip() or "nan")


def _fmt(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def main() -> None:
    hours = float(os.environ.get("RETROWALK_BENCH_HOURS", "24"))
    runs = int(os.environ.get("RETROWALK_BENCH_RUNS", "3"))
    wanted = os.environ.get("RETROWALK_BENCH_FORMATS", ",".join(FORMATS)).split(",")
    peer = _skdh_available()
    print(
        f"`retrowalk motion analyze FILE --json` on a {hours:g}-hour, 100 Hz day in each format; "
        f"median of {runs} runs, whole processes (wall time, peak RSS)."
    )
    if not peer:
        print("scikit-digital-health is not installed here (make bench installs it): no peer.")
    rows = []
    for fmt in [f for f in FORMATS if f in wanted]:
        path = _written(fmt, hours)
        size = sum(p.stat().st_size for p in ([path] if path.is_file() else path.iterdir()))
        ours = _median_runs(_retrowalk_command(path), runs)
        if isinstance(ours, str):
            print(f"{fmt}: retrowalk failed: {ours}")
            continue
        steps = json.loads(ours["output"]).get("steps")
        skdh = floor = None
        if fmt in _LAYOUT:
            floor_r = _median_runs(_worker_command("floor", path, fmt), runs)
            floor = floor_r if isinstance(floor_r, dict) else None
            if peer:
                skdh_r = _median_runs(_worker_command("skdh", path, fmt), runs)
                skdh = skdh_r if isinstance(skdh_r, dict) else None
                if isinstance(skdh_r, str):
                    print(f"{fmt}: skdh failed: {skdh_r}")
        traced = _streaming_peak_mib(path)
        rows.append((fmt, size / 2**20, ours, skdh, floor, steps, traced))
    header = (
        f"{'format':14} {'file MiB':>9} {'retrowalk s':>11} {'RSS MiB':>8} {'skdh s':>7} "
        f"{'RSS MiB':>8} {'floor s':>8} {'RSS MiB':>8} {'÷skdh':>6} {'÷floor':>7} "
        f"{'RSS÷skdh':>9} {'steps':>8} {'traced MiB':>10}"
    )
    print(header)
    for fmt, mib, ours, skdh, floor, steps, traced in rows:
        vs_skdh = ours["seconds"] / skdh["seconds"] if skdh else None
        vs_floor = ours["seconds"] / floor["seconds"] if floor else None
        rss_ratio = ours["rss_mib"] / skdh["rss_mib"] if skdh else None
        print(
            f"{fmt:14} {mib:9.0f} {ours['seconds']:11.2f} {ours['rss_mib']:8.0f} "
            f"{_fmt(skdh and skdh['seconds'], '7.2f')} {_fmt(skdh and skdh['rss_mib'], '8.0f')} "
            f"{_fmt(floor and floor['seconds'], '8.2f')} "
            f"{_fmt(floor and floor['rss_mib'], '8.0f')} "
            f"{_fmt(vs_skdh, '6.2f')} {_fmt(vs_floor, '7.2f')} {_fmt(rss_ratio, '9.3f')} "
            f"{_fmt(steps, '8d') if steps is not None else '       —'} {traced:10.1f}"
        )
    print(
        "÷skdh, ÷floor: retrowalk's median time over the peer's (below 1: faster). RSS÷skdh: "
        "peak resident memory of the whole processes. traced MiB: what analyze_file itself "
        "allocates at its peak (tracemalloc), the streaming figure."
    )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        kind, fmt, file = sys.argv[2], sys.argv[3], Path(sys.argv[4])
        out = _floor(file, fmt) if kind == "floor" else _skdh(file, fmt)
        print(json.dumps(out))
    else:
        main()
