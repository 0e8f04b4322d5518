"""A walker downloads all their own data from the account page: JSON, and CSV in a ZIP;
nobody else's, and never a password hash."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from tests.web.conftest import World, sign_in


def test_a_walker_downloads_all_their_data_as_json(world: World) -> None:
    walker = world.walker_a
    with world.client() as client:
        sign_in(client, walker)
        response = client.get("/account/my-data.json")
        api = client.get("/api/v1/me/data")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["cache-control"] == "no-store"
    data = json.loads(response.content)
    assert data["format"] == "retrowalk-my-data"
    assert data["account"]["email"] == walker.email
    assert data["walker"]["id"] == walker.walker.id  # type: ignore[union-attr]
    records = data["records"]
    assert len(records["screenings"]) >= 1
    assert len(records["assessments"]) >= 1
    assert len(records["prescriptions"]) >= 1
    assert len(records["sessions"]) >= 1
    assert len(records["checkins"]) >= 1
    assert records["prescriptions"][0]["reasons_json"], "decisions come with their reasons"
    text = response.text
    assert "password_hash" not in text
    assert "argon2" not in text
    assert world.walker_b.email not in text
    assert api.status_code == 200
    assert api.json()["records"] == records


def test_the_csv_zip_holds_one_file_per_kind_of_record(world: World) -> None:
    with world.client() as client:
        sign_in(client, world.walker_a)
        response = client.get("/account/my-data.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"account.csv", "walker.csv", "sessions.csv", "checkins.csv", "prescriptions.csv"} <= (
        names
    )
    rows = list(csv.DictReader(io.StringIO(archive.read("sessions.csv").decode())))
    assert rows[0]["duration_min"] == "10.0"
    assert rows[0]["client_key"].startswith("fixture-")


def test_only_a_walker_downloads_and_only_their_own(world: World) -> None:
    with world.client() as client:
        sign_in(client, world.walker_b)
        mine = client.get("/account/my-data.json?walker_id=1").json()
        assert mine["account"]["email"] == world.walker_b.email
        assert mine["records"]["sessions"] == []
    with world.client() as client:
        sign_in(client, world.clinician_a)
        assert client.get("/account/my-data.json").status_code == 403
        assert client.get("/api/v1/me/data").status_code == 403
    with world.client() as client:
        assert client.get("/api/v1/me/data").status_code == 401
