"""Uploading a recording to a session over HTTP: the API and the walker's page.

A good file shows its steps to the walker and to her clinician; a bad one is a 422 naming the
file field and what was expected (never a traceback); someone else's session is refused; a
file over the limit is refused with the limit in the sentence.
"""

from __future__ import annotations

import io
import re
import socket
import zipfile
from pathlib import Path

import httpx
import numpy as np
import pytest

from retrowalk.services import history
from retrowalk.web.app import create_app
from tests.motion.guided_doc import guided_bytes
from tests.motion.synth import walking
from tests.web.conftest import LiveServer, World, form_csrf, sign_in


def walk_csv(cadence: float = 104.0, seconds: float = 40.0) -> bytes:
    t, xyz = walking(cadence, seconds, 50.0, rest_before_s=2, rest_after_s=2, seed=5)
    rows = [f"{a:.3f},{x:.4f},{y:.4f},{z:.4f}" for a, (x, y, z) in zip(t, xyz, strict=True)]
    return ("time,x,y,z\n" + "\n".join(rows) + "\n").encode()


def _session_id(world: World) -> int:
    walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
    record = history.walker_history(world.ctx, world.admin, walker_id, weeks=520)
    return record.sessions[0].id


@pytest.fixture(scope="module")
def walker_client(world: World) -> tuple[httpx.Client, str]:
    client = world.client()
    csrf = sign_in(client, world.walker_a)
    yield client, csrf
    client.close()


def test_a_good_file_shows_its_steps_to_the_walker_and_her_clinician(
    world: World, walker_client: tuple[httpx.Client, str]
) -> None:
    client, csrf = walker_client
    session_id = _session_id(world)
    response = client.post(
        f"/api/v1/sessions/{session_id}/recording",
        files={"file": ("walk.csv", walk_csv(), "text/csv")},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert abs(body["steps"] - 104 * 40 / 60) <= 3
    assert abs(body["cadence_spm"] - 104) < 4
    assert body["bouts"][0]["direction"] in ("forward", "backward", "unknown")
    again = client.post(
        f"/api/v1/sessions/{session_id}/recording",
        files={"file": ("walk.csv", walk_csv(), "text/csv")},
        headers={"X-CSRF-Token": csrf},
    )
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    listed = client.get(f"/api/v1/sessions/{session_id}/recordings").json()
    assert [r["id"] for r in listed] == [body["id"]]
    page = client.get(f"/sessions/{session_id}")
    assert page.status_code == 200
    assert f'<dd data-field="steps">{body["steps"]}</dd>' in page.text
    progress = client.get("/progress")
    assert f'href="/sessions/{session_id}"' in progress.text
    assert f"{body['steps']} steps recorded" in progress.text
    with world.client() as staff:
        sign_in(staff, world.clinician_a)
        walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
        clinician_page = staff.get(f"/clinician/walkers/{walker_id}")
        assert clinician_page.status_code == 200
        assert f'<dd data-field="steps">{body["steps"]}</dd>' in clinician_page.text


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("walk.csv", b"time,x,y,z\n0,a,b,c\n1,d,e,f\n", "column"),
        ("walk.zip", b"PK\x03\x04 broken", "Expected a phyphox export"),
        ("walk.json", b'{"not": "a recording"}', "not a retrowalk guided-session recording"),
        ("empty.csv", b"", "empty"),
    ],
)
def test_a_bad_file_is_a_422_naming_the_file_field(
    world: World, walker_client: tuple[httpx.Client, str], name: str, content: bytes, words: str
) -> None:
    client, csrf = walker_client
    session_id = _session_id(world)
    response = client.post(
        f"/api/v1/sessions/{session_id}/recording",
        files={"file": (name, content, "application/octet-stream")},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["problems"][0]["field"] == "file"
    assert words in body["detail"]
    assert "Traceback" not in response.text


def test_the_page_shows_a_bad_file_next_to_the_file_box(
    world: World, walker_client: tuple[httpx.Client, str]
) -> None:
    client, _ = walker_client
    session_id = _session_id(world)
    page = client.get(f"/sessions/{session_id}")
    response = client.post(
        f"/sessions/{session_id}/recording",
        files={"file": ("walk.gpx", b"<?xml version='1.0'?><gpx><trk></trk></gpx>", "text/xml")},
        data={"csrf_token": form_csrf(page.text), "format": "auto"},
    )
    assert response.status_code == 422
    assert 'class="field-error" id="file-error"' in response.text
    assert "Expected a phyphox export" in response.text
    assert 'aria-invalid="true"' in response.text
    nothing = client.post(
        f"/sessions/{session_id}/recording",
        data={"csrf_token": form_csrf(page.text), "format": "auto"},
    )
    assert nothing.status_code == 422
    assert "Choose a recording file first." in nothing.text


def test_the_page_adds_a_guided_recording_and_shows_its_phases(
    world: World, walker_client: tuple[httpx.Client, str]
) -> None:
    client, _ = walker_client
    session_id = _session_id(world)
    page = client.get(f"/sessions/{session_id}")
    response = client.post(
        f"/sessions/{session_id}/recording",
        files={"file": ("guided.json", guided_bytes(seed=9), "application/json")},
        data={"csrf_token": form_csrf(page.text), "format": "auto"},
    )
    assert response.status_code == 303
    shown = client.get(response.headers["location"])  # the message goes with the redirect
    # 100 synthetic steps; the closing-step rule may add the one that brings the feet together
    assert re.search(r"Recording added: 10[01] steps\.", shown.text)
    assert 'data-phase="backward"' in shown.text
    assert 'data-phase="warmup"' in shown.text


def test_a_file_over_the_upload_limit_is_refused_with_the_limit(world: World) -> None:
    """The length is refused from the request's head, before a byte of the file is read. The
    request is written by hand and only its first kilobyte sent: a client that sends the
    whole file can see the connection closed under it (the answer came first)."""
    app = create_app(world.ctx, max_upload_bytes=64 * 1024)
    with LiveServer(app) as server:
        port = int(server.url.rsplit(":", 1)[1])
        head = (
            f"POST /api/v1/sessions/{_session_id(world)}/recording HTTP/1.1\r\n"
            "Host: 127.0.0.1\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\n"
            f"Content-Length: {1024 * 1024}\r\n\r\n"
        )
        with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
            sock.sendall(head.encode() + b"--x\r\n" + b"0" * 1024)
            answer = b""
            try:
                while chunk := sock.recv(65536):
                    answer += chunk
                    if b"\r\n\r\n" in answer and b"}" in chunk:
                        break
            except TimeoutError:
                pass
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"at most 0.0625 MB" in answer


def test_one_bad_stored_recording_never_breaks_a_page(
    world: World, walker_client: tuple[httpx.Client, str]
) -> None:
    from retrowalk.services import session_recordings
    from retrowalk.store.models import SessionRecording

    client, csrf = walker_client
    session_id = _session_id(world)
    response = client.post(
        f"/api/v1/sessions/{session_id}/recording",
        files={"file": ("odd.csv", walk_csv(cadence=90, seconds=30), "text/csv")},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 201, response.text
    with world.ctx.db.transaction() as tx:
        row = tx.get(SessionRecording, response.json()["id"])
        assert row is not None
        row.analysis_json = {"bouts": "not a list of bouts", "phases": [None]}
    assert client.get(f"/sessions/{session_id}").status_code == 200
    assert session_recordings.NO_ANALYSIS in client.get(f"/sessions/{session_id}").text
    assert client.get("/progress").status_code == 200
    with world.client() as staff:
        sign_in(staff, world.clinician_a)
        walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
        page = staff.get(f"/clinician/walkers/{walker_id}")
        assert page.status_code == 200
        assert session_recordings.NO_ANALYSIS in page.text


def test_a_turn_on_the_spot_shows_as_a_turn_not_an_unknown_direction(
    world: World, walker_client: tuple[httpx.Client, str]
) -> None:
    from retrowalk.store.models import SessionRecording

    client, csrf = walker_client
    session_id = _session_id(world)
    response = client.post(
        f"/api/v1/sessions/{session_id}/recording",
        files={"file": ("turn.csv", walk_csv(cadence=100, seconds=25), "text/csv")},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 201, response.text
    with world.ctx.db.transaction() as tx:
        row = tx.get(SessionRecording, response.json()["id"])
        assert row is not None
        stored = dict(row.analysis_json)
        bout = stored["bouts"][0]
        turn = {**bout, "kind": "turn", "direction": "unknown", "direction_confidence": 0.0}
        row.analysis_json = {**stored, "bouts": [turn]}
    page = client.get(f"/sessions/{session_id}")
    assert page.status_code == 200
    assert "<td>turn on the spot</td>" in page.text


def test_an_export_with_a_gyroscope_file_counts_its_turns_and_a_broken_one_is_named(
    world: World, walker_client: tuple[httpx.Client, str], shared: Path, tmp_path: Path
) -> None:
    from tests.motion.exports import ipol_motion, write_export

    client, csrf = walker_client
    session_id = _session_id(world)
    _, acc, gyro = ipol_motion(
        shared / "data" / "ipol-lower-back-gait" / "trials" / "4-4_lb.txt.gz"
    )
    export = write_export("phyphox", tmp_path, acc, gyro).read_bytes()
    response = client.post(
        f"/api/v1/sessions/{session_id}/recording",
        files={"file": ("phyphox.zip", export, "application/zip")},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 201, response.text
    assert "turn" in [b["kind"] for b in response.json()["bouts"]]
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(export)) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "Gyroscope.csv":
                data = data.replace(b"\n", b"\n0.5,x,0,0,0\n", 1)
            dst.writestr(info, data)
    response = client.post(
        f"/api/v1/sessions/{session_id}/recording",
        files={"file": ("broken.zip", broken.getvalue(), "application/zip")},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert "Gyroscope.csv, line 2, column 'Gyroscope x (rad/s)'" in detail
    assert "Traceback" not in response.text


def _shown_angular_rate(world: World, recording_id: int) -> str | None:
    """What the clinician's page of walker A says of a recording's gyroscope."""
    with world.client() as staff:
        sign_in(staff, world.clinician_a)
        walker_id = world.walker_a.walker.id  # type: ignore[union-attr]
        page = staff.get(f"/clinician/walkers/{walker_id}").text
    card = page.split(f'data-recording-id="{recording_id}"', 1)[1].split("</section>", 1)[0]
    found = re.search(r'data-field="angular-rate">([^<]*)<', card)
    return None if found is None else found.group(1)


def test_the_api_and_the_clinician_say_whether_a_gyroscope_was_there_for_the_turns(
    world: World, walker_client: tuple[httpx.Client, str], shared: Path, tmp_path: Path
) -> None:
    from retrowalk.store.models import SessionRecording
    from tests.motion.exports import ipol_motion, write_export

    client, csrf = walker_client
    session_id = _session_id(world)
    _, acc, gyro = ipol_motion(
        shared / "data" / "ipol-lower-back-gait" / "trials" / "6-5_lb.txt.gz"
    )  # not the trial of the test above: the same file twice is stored once
    rows = [",".join(f"{v:.6f}" for v in r) for r in np.column_stack((*acc, gyro[1])).tolist()]
    csv = "time,acc_x,acc_y,acc_z,gyro_x (rad/s),gyro_y (rad/s),gyro_z (rad/s)\n"
    ids = {}
    for name, content in [
        ("with_gyro.zip", write_export("phyphox", tmp_path / "g", acc, gyro).read_bytes()),
        ("with_gyro.csv", (csv + "\n".join(rows) + "\n").encode()),
        ("no_gyro.zip", write_export("phyphox", tmp_path / "n", acc, None).read_bytes()),
    ]:
        response = client.post(
            f"/api/v1/sessions/{session_id}/recording",
            files={"file": (name, content, "application/zip")},
            headers={"X-CSRF-Token": csrf},
        )
        assert response.status_code == 201, response.text
        ids[name] = response.json()["id"]
        assert response.json()["has_angular_rate"] is name.startswith("with_gyro")
        assert ("turn" in [b["kind"] for b in response.json()["bouts"]]) is (
            name.startswith("with_gyro")
        )
    assert (_shown_angular_rate(world, ids["with_gyro.zip"]) or "").startswith("yes")
    assert (_shown_angular_rate(world, ids["with_gyro.csv"]) or "").startswith("yes")
    assert (_shown_angular_rate(world, ids["no_gyro.zip"]) or "").startswith("no")
    with world.ctx.db.transaction() as tx:  # an analysis stored before the field was kept
        row = tx.get(SessionRecording, ids["no_gyro.zip"])
        assert row is not None
        row.analysis_json = {k: v for k, v in row.analysis_json.items() if k != "has_angular_rate"}
    listed = {r["id"]: r for r in client.get(f"/api/v1/sessions/{session_id}/recordings").json()}
    assert listed[ids["with_gyro.zip"]]["has_angular_rate"] is True
    assert listed[ids["no_gyro.zip"]]["has_angular_rate"] is None
    assert _shown_angular_rate(world, ids["no_gyro.zip"]) is None  # not said, not guessed


def test_another_walkers_session_is_answered_as_one_that_does_not_exist(world: World) -> None:
    """Found by the outside-in test: another walker's session answered "There is no walker
    with id 2", a missing one "There is no session": the answers told which ids are in use and
    whose. Now the list, the upload and the page answer both alike (404, the same words)."""
    theirs = _session_id(world)  # walker A's session
    missing = 987_654
    with world.client() as client:
        csrf = sign_in(client, world.walker_b)

        def answers(session_id: int) -> list[tuple[int, str]]:
            listed = client.get(f"/api/v1/sessions/{session_id}/recordings")
            sent = client.post(
                f"/api/v1/sessions/{session_id}/recording",
                files={"file": ("walk.csv", walk_csv(), "text/csv")},
                headers={"X-CSRF-Token": csrf},
            )
            page = client.get(f"/sessions/{session_id}")
            found = re.search(r"There is no session with id \d+[^<]*", page.text)
            return [
                (listed.status_code, listed.json()["detail"]),
                (sent.status_code, sent.json()["detail"]),
                (page.status_code, found.group(0) if found else page.text[:80]),
            ]

        seen, absent = answers(theirs), answers(missing)
    assert [s for s, _ in seen] == [404, 404, 404]
    assert seen == [(s, t.replace(str(missing), str(theirs))) for s, t in absent]
    assert all("walker" not in t for _, t in seen), "no owner is named"
