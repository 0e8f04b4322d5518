"""A second clinician, set up only through the terminal and the web pages, signs in.

Before: ``retrowalk account add`` said "set its password in the web app", and no page could
do that, so a second clinician could never sign in.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from tests.web.conftest import form_csrf
from tests.web.serve_process import CONSOLE, free_port, serving, sqlite_file_url

PASSWORD = "heel toe heel toe backwards"


def retrowalk(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", CONSOLE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def test_account_add_prints_a_link_with_which_the_clinician_signs_in(tmp_path: Path) -> None:
    url = sqlite_file_url(tmp_path / "clinic.sqlite")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    retrowalk("init", "--database-url", url)
    added = json.loads(
        retrowalk(
            "account",
            "add",
            "--email",
            "bea@clinic.example",
            "--name",
            "Dr Bea Second",
            "--base-url",
            base,
            "--database-url",
            url,
            "--json",
        )
    )
    link = urlsplit(added["password_link"])
    assert f"{link.scheme}://{link.netloc}" == base
    with serving(url, port=port) as server, httpx.Client(base_url=server.url, timeout=30) as web:
        form = web.get(f"{link.path}?{link.query}")
        assert form.status_code == 200
        assert "Dr Bea Second" in form.text
        token = link.query.removeprefix("token=")
        weak = web.post(
            "/reset",
            data={
                "csrf_token": form_csrf(form.text),
                "token": token,
                "password": "1234567890",
                "password_again": "1234567890",
            },
        )
        assert weak.status_code == 422
        assert "too easy to guess" in weak.text
        done = web.post(
            "/reset",
            data={
                "csrf_token": form_csrf(weak.text),
                "token": token,
                "password": PASSWORD,
                "password_again": PASSWORD,
            },
        )
        assert done.status_code == 303
        assert done.headers["location"].startswith("/login?flash=")
        login = web.get(done.headers["location"])
        assert "Your new password is set" in login.text
        signed = web.post(
            "/login",
            data={
                "csrf_token": form_csrf(login.text),
                "email": "bea@clinic.example",
                "password": PASSWORD,
            },
        )
        assert signed.status_code == 303
        assert signed.headers["location"].split("?")[0] == "/clinician"
        assert web.get("/clinician").status_code == 200
        again = web.get(f"{link.path}?{link.query}")
        assert again.status_code == 403, "the link works once"
        assert "used already" in again.text
    listed = json.loads(retrowalk("account", "list", "--database-url", url, "--json"))
    assert [(a["email"], a["has_password"]) for a in listed] == [("bea@clinic.example", True)]


def test_an_invited_clinician_chooses_a_password_and_signs_in(tmp_path: Path) -> None:
    url = sqlite_file_url(tmp_path / "clinic.sqlite")
    port = free_port()
    retrowalk("init", "--database-url", url)
    invited = json.loads(
        retrowalk(
            "account",
            "invite",
            "--email",
            "cy@clinic.example",
            "--base-url",
            f"http://127.0.0.1:{port}",
            "--database-url",
            url,
            "--json",
        )
    )
    link = urlsplit(invited["link"])
    with serving(url, port=port) as server, httpx.Client(base_url=server.url, timeout=30) as web:
        form = web.get(f"{link.path}?{link.query}")
        assert "Create your clinician account" in form.text
        assert "cy@clinic.example" in form.text
        done = web.post(
            "/join",
            data={
                "csrf_token": form_csrf(form.text),
                "token": link.query.removeprefix("token="),
                "display_name": "Cy Third",
                "password": PASSWORD,
                "password_again": PASSWORD,
            },
        )
        assert done.status_code == 303
        assert web.get("/clinician").status_code == 200
    pending = json.loads(retrowalk("account", "invitations", "--database-url", url, "--json"))
    assert pending == []
