"""``retrowalk serve`` as a real process on a free port, for the tests that need one:
several workers, a restart, proxy headers. Every wait is bounded (never a timing assertion).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

CONSOLE = "from retrowalk.cli.app import main; main()"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServeProcess:
    """One ``retrowalk serve`` process (and its workers); its output is kept for failures."""

    def __init__(self, database_url: str, port: int, *args: str) -> None:
        self.port = port
        self.output: list[str] = []
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("RETROWALK_DATABASE_URL", None)
        env.pop("RETROWALK_FORWARDED_ALLOW_IPS", None)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                CONSOLE,
                "serve",
                "--port",
                str(port),
                "--database-url",
                database_url,
                *args,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            start_new_session=True,
        )
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, limit_s: float = 120) -> None:
        """Until the server answers HTTP (bounded; fails with its output)."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(f"{self.url}/evidence", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError("retrowalk serve did not answer:\n" + "".join(self.output))

    def stop(self) -> None:
        """Stop it like Ctrl+C would (its workers with it), then make sure it is gone."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


@contextmanager
def serving(database_url: str, *args: str, port: int | None = None) -> Iterator[ServeProcess]:
    server = ServeProcess(database_url, port or free_port(), *args)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def sqlite_file_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"
