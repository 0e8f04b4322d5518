"""Hard limits and headers: request bodies are capped before they are read, every API answer
says ``Cache-Control: no-store``, and the API docs come from the app itself, never a CDN.

Before: a 200 MB JSON body was read in full before the 403; ``/api/v1`` answers could be
cached; ``/api/docs`` loaded Swagger UI from a CDN that the app's own CSP then blocked.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator

import httpx
import pytest

from tests.web.conftest import World, sign_in

TWO_HUNDRED_MB = 200 * 1024 * 1024


def raw_request(world: World, head: str, body: bytes = b"") -> bytes:
    """Send ``head`` (and a little of the body), read whatever the server answers."""
    port = int(world.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(head.encode() + b"\r\n" + body)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks) and b"}" in chunks[-1]:
                    break
        except TimeoutError:
            pass
    return b"".join(chunks)


def test_a_declared_200_mb_body_is_refused_before_it_is_read(world: World) -> None:
    """Only 1 KB of the 200 MB is ever sent: the answer must come without waiting for more."""
    head = (
        "POST /api/v1/walkers/1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {TWO_HUNDRED_MB}\r\n"
    )
    answer = raw_request(world, head, b"{" + b" " * 1024)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"at most 1 MB may be sent here" in answer
    assert b"cache-control: no-store" in answer.lower()


def test_a_body_without_a_length_is_cut_off_at_the_cap(world: World) -> None:
    def stream() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(3 * 1024):
            yield b"x" * 1024
        yield b'"}'

    with world.client() as client:
        csrf = sign_in(client, world.clinician_a)
        walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
        response = client.post(
            f"/api/v1/walkers/{walker_id}/notes",
            content=stream(),
            headers={"X-CSRF-Token": csrf, "Content-Type": "application/json"},
        )
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request is too large")


def test_a_huge_page_form_gets_a_page_saying_so(world: World) -> None:
    with world.client() as client:
        response = client.post(
            "/login",
            content=b"email=" + b"a" * (2 * 1024 * 1024),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 413
    assert "That was too much to send" in response.text


def test_uploads_have_their_own_larger_cap(world: World) -> None:
    """A 5 MB multipart upload is not refused for its size (it reaches the CSRF check)."""
    with world.client() as client:
        response = client.post(
            "/login", files={"recording": ("walk.csv", b"t,x\n" + b"0,1\n" * 1_300_000)}
        )
    assert response.status_code != 413
    assert response.status_code == 403  # no CSRF token: shown again, never read as a sign-in


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/session"),
        ("GET", "/api/v1/openapi.json"),
        ("GET", "/api/v1/evidence"),
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/walkers/99999"),
        ("GET", "/api/v1/no-such-thing"),
        ("POST", "/api/v1/session"),
    ],
)
def test_every_api_answer_says_no_store(world: World, method: str, path: str) -> None:
    with world.client() as client:
        sign_in(client, world.walker_a)
        response = client.request(method, path, json={})
    assert response.headers["cache-control"] == "no-store"


def test_the_api_docs_load_only_the_apps_own_files(world: World) -> None:
    with world.client() as client:
        page = client.get("/api/docs")
        assert page.status_code == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources, page.text
        assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources
        for source in sources:
            asset = client.get(source)
            assert asset.status_code == 200, source
        assert "cdn" not in page.text.lower()
        assert "<script>" not in page.text, "no inline script: the CSP would block it"
        bundle = client.get("/api/docs/assets/swagger-ui-bundle.js")
        assert bundle.headers["content-type"].startswith(
            ("text/javascript", "application/javascript")
        )


def test_hsts_only_under_https(world: World) -> None:
    from fastapi.testclient import TestClient

    with TestClient(world.app, base_url="https://testserver") as client:
        assert client.get("/login").headers["strict-transport-security"] == "max-age=31536000"
    plain = httpx.get(f"{world.url}/login", timeout=30)
    assert "strict-transport-security" not in plain.headers
