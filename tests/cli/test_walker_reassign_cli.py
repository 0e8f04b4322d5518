"""``retrowalk walker reassign``: the clinic's terminal moves a walker to another clinician,
with the reason; a wrong account or an empty reason is one sentence naming the option."""

from __future__ import annotations

import json

from retrowalk.services import accounts, walkers
from retrowalk.services.context import build_context
from tests.cli.test_tracking_commands import fails, run
from tests.db import sqlite_url
from tests.services.factory import clinician, enrol

__all__ = ["sqlite_url"]


def test_the_terminal_moves_a_walker_and_names_what_is_wrong(sqlite_url: str) -> None:
    ctx = build_context(sqlite_url)
    try:
        admin = accounts.ensure_local_admin(ctx)
        ng = clinician(ctx, admin, "ng@example.org")
        ola = clinician(ctx, admin, "ola@example.org")
        walker = enrol(ctx, ng)
    finally:
        ctx.db.dispose()
    wrong = str(
        fails(
            sqlite_url,
            "walker",
            "reassign",
            str(walker.id),
            "--clinician-id",
            str(walker.account_id),
            "--reason",
            "Dr Ng leaves.",
        )
    )
    assert "--clinician-id" in wrong
    assert "is not a clinician's or an administrator's account" in wrong
    empty = str(
        fails(
            sqlite_url,
            "walker",
            "reassign",
            str(walker.id),
            "--clinician-id",
            str(ola.account_id),
            "--reason",
            " ",
        )
    )
    assert "--reason" in empty
    moved = json.loads(
        run(
            sqlite_url,
            "walker",
            "reassign",
            str(walker.id),
            "--clinician-id",
            str(ola.account_id),
            "--reason",
            "Dr Ng leaves.",
            "--json",
        )
    )
    assert moved["clinician_id"] == ola.account_id
    said = run(
        sqlite_url,
        "walker",
        "reassign",
        str(walker.id),
        "--clinician-id",
        str(ng.account_id),
        "--reason",
        "Back to Dr Ng.",
    )
    assert "now looked after by clinician" in said
    ctx = build_context(sqlite_url)
    try:
        assert walkers.get_walker(ctx, admin, walker.id).clinician_id == ng.account_id
    finally:
        ctx.db.dispose()
