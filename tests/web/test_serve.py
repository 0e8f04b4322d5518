"""``retrowalk serve`` on a fresh database: it prints a one-time setup link, the first person
creates the clinician account with it, and the link then stops working."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.web.conftest import form_csrf

LAUNCH = """
import typer
from retrowalk.cli import serve

app = typer.Typer()
serve.register(app)


@app.callback()
def root() -> None:
    pass


app()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def read_until(process: subprocess.Popen[str], pattern: str, limit_s: float = 60) -> str:
    """Lines of the server's output up to the first matching ``pattern`` (bounded wait)."""
    seen: list[str] = []
    matched: list[bool] = []
    finished = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            seen.append(line)
            if re.search(pattern, line):
                matched.append(True)
                break
        finished.set()

    threading.Thread(target=pump, daemon=True).start()
    finished.wait(limit_s)
    assert matched, "".join(seen)
    return "".join(seen)


def wait_for_port(port: int) -> None:
    """Until the server accepts connections (a bounded wait, not a timing assertion)."""
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on port {port}")


def start(database: Path, port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("RETROWALK_DATABASE_URL", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            LAUNCH,
            "serve",
            "--port",
            str(port),
            "--database-url",
            f"sqlite+pysqlite:///{database}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def test_first_start_prints_a_setup_link_that_creates_the_clinician(tmp_path: Path) -> None:
    port = free_port()
    process = start(tmp_path / "first.sqlite", port)
    try:
        output = read_until(process, r"/setup\?token=")
        link = re.search(r"(http://127\.0\.0\.1:\d+/setup\?token=\S+)", output)
        assert link is not None
        read_until(process, "Press Ctrl")
        wait_for_port(port)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            form = client.get(link.group(1))
            assert form.status_code == 200
            assert "Create the first clinician account" in form.text
            token = link.group(1).split("token=")[1]
            created = client.post(
                "/setup",
                data={
                    "csrf_token": form_csrf(form.text),
                    "token": token,
                    "display_name": "Dr First",
                    "email": "first@example.org",
                    "password": "a long enough passphrase",
                    "password_again": "a long enough passphrase",
                },
            )
            assert created.status_code == 303
            assert created.headers["location"].startswith("/clinician/invite?flash=")
            invite = client.get(created.headers["location"])
            assert invite.status_code == 200
            # ... and invites its first walker there (found by the second outside-in test)
            invited = client.post(
                "/clinician/invite",
                data={"csrf_token": form_csrf(invite.text), "email": "first.walker@example.org"},
            )
            assert invited.status_code == 200, invited.text
            assert 'id="invitation-link"' in invited.text
            # the first account is the clinic's administrator: it can set the clinic's policy
            assert 'name="cool_down_min"' in client.get("/team/policy").text
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as other:
            again = other.get(link.group(1))
            assert again.status_code == 303, "setup is over: the link sends people to sign in"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_after_init_serve_still_prints_the_setup_link(tmp_path: Path) -> None:
    """``retrowalk init`` makes the CLI's password-less local admin, who cannot sign in on the
    web: the first ``serve`` must still offer the setup link, or nobody could ever sign in."""
    database = tmp_path / "after-init.sqlite"
    env = {k: v for k, v in os.environ.items() if k != "RETROWALK_DATABASE_URL"}
    init = subprocess.run(
        [
            sys.executable,
            "-c",
            "from retrowalk.cli.app import main; main()",
            "init",
            "--database-url",
            f"sqlite+pysqlite:///{database}",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert init.returncode == 0, init.stderr
    port = free_port()
    process = start(database, port)
    try:
        output = read_until(process, r"/setup\?token=|Press Ctrl")
        assert "/setup?token=" in output, output
        link = re.search(r"(http://127\.0\.0\.1:\d+/setup\?token=\S+)", output)
        assert link is not None
        read_until(process, "Press Ctrl")
        wait_for_port(port)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            form = client.get(link.group(1))
            assert form.status_code == 200
            assert "Create the first clinician account" in form.text
    finally:
        process.terminate()
        process.wait(timeout=30)
