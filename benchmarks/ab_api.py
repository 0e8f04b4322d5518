"""The API's "log" and "today" of this tree against another tree's, side by side with the bare
app: the three served at once on one SQLite file, their runs interleaved (bare, other, this;
round after round), so a busy minute on a shared machine slows all three alike.

``python -m benchmarks.ab_api /path/to/other/src`` (a ``src`` folder of another checkout,
e.g. ``git archive`` of an older commit unpacked). Prints each app's median requests/s at 1
and 10 clients, the median of the per-round ratios to the bare app, and this tree's rate over
the other's. ``RETROWALK_BENCH_AB_ROUNDS`` (7) and ``RETROWALK_BENCH_AB_SECONDS`` (1.5) set the
length. Not part of ``make bench`` (it needs the other tree).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from benchmarks import bench_api
from benchmarks.bare_app import URL_ENV
from retrowalk.store.config import DATABASE_URL_ENV
from retrowalk.web.http_protocol import PROTOCOL as NO_DELAY_PROTOCOL

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = int(os.environ.get("RETROWALK_BENCH_AB_ROUNDS", "7"))
SECONDS = float(os.environ.get("RETROWALK_BENCH_AB_SECONDS", "1.5"))
CLIENTS = (1, 10)
APPS = ("bare", "other", "this")


@contextlib.contextmanager
def _served(factory: str, src: Path, url: str) -> Iterator[str]:
    """uvicorn serving ``factory`` with ``src`` first on the path, one worker."""
    port = bench_api._free_port()
    env = {
        **os.environ,
        DATABASE_URL_ENV: url,
        URL_ENV: url,
        "PYTHONPATH": os.pathsep.join((str(src), str(ROOT))),
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", factory, "--port", str(port)]
    command += ["--log-level", "warning", "--no-access-log", "--timeout-keep-alive", "60"]
    command += ["--backlog", "4096", "--http", NO_DELAY_PROTOCOL]
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{factory} from {src} did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


Rates = dict[tuple[str, int, str], list[float]]


def _rounds(bases: dict[str, str], clients: list[bench_api.Client]) -> Rates:
    """Requests/s of each app, op and client count, one run of each per round, interleaved."""
    found: Rates = {}
    for round_no in range(ROUNDS):
        for op in ("log", "today"):
            for count in CLIENTS:
                for app in APPS:
                    kind = "bare" if app == "bare" else "retrowalk"
                    request = bench_api._requests(kind, op, f"ab-{app}-{round_no}-{op}-{count}")
                    closed = bench_api._closed(bases[app], request, clients[:count], SECONDS)
                    run = asyncio.run(closed)
                    found.setdefault((op, count, app), []).append(run.throughput)
        print(f"round {round_no + 1}/{ROUNDS}, load {os.getloadavg()[0]:.1f}", flush=True)
    return found


def main(other_src: Path) -> None:
    this_src = ROOT / "src"
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+pysqlite:///{Path(folder) / 'ab.sqlite'}"
        clients = bench_api._prepare(url, max(CLIENTS))
        with (
            _served("benchmarks.bare_app:app_from_environment", this_src, url) as bare,
            _served("retrowalk.web.app:app_from_environment", other_src, url) as other,
            _served("retrowalk.web.app:app_from_environment", this_src, url) as this,
        ):
            found = _rounds({"bare": bare, "other": other, "this": this}, clients)
    for op in ("log", "today"):
        for count in CLIENTS:
            runs = {app: found[(op, count, app)] for app in APPS}
            rate = {app: statistics.median(r) for app, r in runs.items()}
            ratio = {
                app: statistics.median(a / b for a, b in zip(runs[app], runs["bare"], strict=True))
                for app in ("other", "this")
            }
            print(
                f"{op:5s} {count:3d} clients: bare {rate['bare']:5.0f}/s | other "
                f"{rate['other']:5.0f}/s (ratio {ratio['other']:4.2f}) | this "
                f"{rate['this']:5.0f}/s (ratio {ratio['this']:4.2f}) | this/other "
                f"{rate['this'] / rate['other']:4.2f}"
            )


if __name__ == "__main__":
    if len(sys.argv) != 2 or not (Path(sys.argv[1]) / "retrowalk").is_dir():
        print("usage: python -m benchmarks.ab_api /path/to/other/src (holding retrowalk/)")
        raise SystemExit(2)
    main(Path(sys.argv[1]).resolve())
