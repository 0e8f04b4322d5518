"""A walker downloads all their own data: one JSON document, or a ZIP of CSV files.

Everything stored about them — account, profile, screenings, tests, every plan version with
its reasons, sessions, check-ins with their decisions, clearances, the strengthening
exercises ticked and the clinician's switches of them — in the columns it is
stored in, with units in the names. Only the walker themself may download it (a clinician
exports through the audit view or ``retrowalk export``). Clinicians' private notes are not
included, as elsewhere in the walker's view.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from retrowalk import __version__
from retrowalk.services.access import check_actor
from retrowalk.services.context import AppContext
from retrowalk.services.convert import rest_day_stored
from retrowalk.services.errors import AccessDenied, NotFound
from retrowalk.services.schemas import Actor, Role
from retrowalk.services.spreadsheet import plain_text_cell
from retrowalk.store import repositories as repo
from retrowalk.store.walker_records import walker_records

FORMAT = "retrowalk-my-data"
FORMAT_VERSION = 1


def my_data(ctx: AppContext, actor: Actor) -> dict[str, Any]:
    """All of the signed-in walker's own data, JSON-ready."""
    at = ctx.now()
    with ctx.db.reader() as tx:
        check_actor(tx, actor)
        if actor.role is not Role.WALKER:
            raise AccessDenied("Only a walker can download their own data this way.")
        walker = repo.walker_by_account(tx, actor.account_id)
        if walker is None:
            raise NotFound("This account has no walker profile.")
        data = walker_records(tx, walker)
    _with_rest_days(data["records"])
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "retrowalk_version": __version__,
        "exported_at": at.isoformat(),
        **data,
    }


def _with_rest_days(records: dict[str, list[dict[str, Any]]]) -> None:
    """Each check-in row says whether its decision made a rest day, as the history, the API and
    the clinician's CSV do (found by the outside-in test: the download had no such field).
    Read from the plan version the decision stored, never recomputed."""
    plans = {row["id"]: row for row in records.get("prescriptions", [])}
    for row in records.get("checkins", []):
        plan = plans.get(row.get("next_prescription_id"))
        row["rest_day"] = plan is not None and rest_day_stored(
            plan.get("decision_json"), plan.get("reasons_json")
        )


def as_json(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return plain_text_cell(value)
    return str(value)


def _csv(rows: list[dict[str, Any]]) -> str:
    handle = io.StringIO()
    if rows:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(list(rows[0]))
        for row in rows:
            writer.writerow([_cell(v) for v in row.values()])
    return handle.getvalue()


def as_csv_zip(data: dict[str, Any]) -> bytes:
    """A ZIP with ``account.csv``, ``walker.csv`` and one CSV per kind of record.

    Nested values (answers, reasons) are JSON text in their cell; an empty cell is "none".
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        meta = {k: v for k, v in data.items() if k not in ("account", "walker", "records")}
        archive.writestr("about.json", json.dumps(meta, indent=1, sort_keys=True) + "\n")
        archive.writestr("account.csv", _csv([data["account"]] if data.get("account") else []))
        archive.writestr("walker.csv", _csv([data["walker"]]))
        for name, rows in data["records"].items():
            archive.writestr(f"{name}.csv", _csv(rows))
    return buffer.getvalue()
