"""``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only from the addresses the
operator names (``retrowalk serve --forwarded-allow-ips``).

Before, uvicorn's default trusted them from any local client, so a client on the server's
machine could claim a new address for every wrong password and never be slowed down, or
claim https. Each test runs the real ``retrowalk serve``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.web.conftest import build_world
from tests.web.serve_process import CONSOLE, serving, sqlite_file_url


def _world_url(tmp_path: Path) -> tuple[str, str, str]:
    _, world = build_world(tmp_path)
    world.ctx.db.dispose()
    return sqlite_file_url(tmp_path / "web.sqlite"), world.walker_a.email, world.walker_a.password


def _wrong(client: httpx.Client, email: str, forwarded_for: str) -> httpx.Response:
    token = client.get("/api/v1/session").json()["csrf_token"]
    return client.post(
        "/api/v1/session",
        json={"email": email, "password": "not it"},
        headers={"X-CSRF-Token": token, "X-Forwarded-For": forwarded_for},
    )


def test_by_default_no_client_can_claim_another_address_or_https(tmp_path: Path) -> None:
    url, email, _ = _world_url(tmp_path)
    with serving(url) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        codes = [_wrong(client, email, f"203.0.113.{n}").status_code for n in range(5)]
        assert codes[-1] == 429, "a new X-Forwarded-For each time must not reset the count"
        https = httpx.get(
            f"{server.url}/api/v1/session", headers={"X-Forwarded-Proto": "https"}, timeout=30
        )
        assert "strict-transport-security" not in https.headers
        assert "Secure" not in https.headers["set-cookie"]


def test_a_named_proxy_is_believed(tmp_path: Path) -> None:
    url, email, password = _world_url(tmp_path)
    with (
        serving(url, "--forwarded-allow-ips", "127.0.0.1") as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        codes = [_wrong(client, email, f"203.0.113.{n}").status_code for n in range(5)]
        assert codes == [401] * 5, "five clients behind the proxy: five separate counts"
        same = [_wrong(client, email, "198.51.100.9").status_code for _ in range(5)]
        assert same[-1] == 429, "one client behind the proxy is slowed down"
        client.cookies.clear()
        https = client.get("/api/v1/session", headers={"X-Forwarded-Proto": "https"})
        assert https.headers["strict-transport-security"] == "max-age=31536000"
        assert "Secure" in https.headers["set-cookie"]
        client.cookies.clear()  # a Secure cookie is not sent back over plain http
        token = client.get("/api/v1/session").json()["csrf_token"]
        ok = client.post(
            "/api/v1/session",
            json={"email": email, "password": password},
            headers={"X-CSRF-Token": token, "X-Forwarded-For": "192.0.2.1"},
        )
        assert ok.status_code == 200


def test_a_wrong_forwarded_allow_ips_is_one_sentence(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CONSOLE, "serve", "--forwarded-allow-ips", "proxy.local"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert done.returncode == 2
    assert "--forwarded-allow-ips: 'proxy.local' is not an IP address or network" in done.stderr
    assert "Traceback" not in done.stderr
