"""The options and plumbing every tracking command shares.

Each command opens the database named by ``--database-url`` or ``RETROWALK_DATABASE_URL``
(default: SQLite in the user data folder) and acts as the local administrator account that
``retrowalk init`` creates; ``--at`` (an ISO time with its zone) records something that
happened earlier, e.g. to enter a paper diary; ``--json`` prints the use case's answer for
machines.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Console

from retrowalk.services import (
    accounts,
)
from retrowalk.services.clock import YEAR_MAX, YEAR_MIN
from retrowalk.services.context import AppContext, build_context
from retrowalk.services.errors import InvalidRequest
from retrowalk.services.numbers import NumberTextError, decimal_number, whole_number
from retrowalk.services.schemas import Actor
from retrowalk.store import DATABASE_URL_ENV
from retrowalk.store.json_files import JsonFileError, read_json_file

out = Console(highlight=False)


def whole_option(value: str | int) -> int:
    """A whole-number option or argument, read by the one number grammar
    (:mod:`retrowalk.services.numbers`): ``--pain-peak 1_0`` is refused, never read as 10."""
    if isinstance(value, int):  # a default, not typed
        return value
    try:
        return whole_number(value)
    except NumberTextError as exc:
        raise typer.BadParameter(f"“{value}” {exc}") from None


def listed(values: Sequence[str] | None) -> list[str] | None:
    """A list option given repeated (``--adverse fall --adverse near_fall``), comma-separated
    (``--adverse fall,near_fall``) or both, as one list; None when it was not given."""
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def number_option(value: str | float) -> float:
    """A number option (``9.5`` or ``9,5``), read by the one number grammar: ``inf``,
    ``nan``, ``1e-300`` and ``1_0`` are refused."""
    if isinstance(value, int | float):  # a default, not typed
        return float(value)
    try:
        return decimal_number(value)
    except NumberTextError as exc:
        raise typer.BadParameter(f"“{value}” {exc}") from None


DbOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar=DATABASE_URL_ENV,
        help="SQLAlchemy URL (default: SQLite in the user data folder).",
    ),
]


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


AtOption = Annotated[
    str | None,
    typer.Option("--at", help="When it happened, ISO 8601 with zone, e.g. 2026-01-05T10:00+00:00."),
]


WalkerArg = Annotated[
    int, typer.Argument(parser=whole_option, help="The walker's id (see `retrowalk walker list`).")
]


AT_YEAR_MIN = YEAR_MIN


AT_YEAR_MAX = YEAR_MAX
"""``--at`` enters what happened on paper: nothing before 2000 or after 2100 is a real date."""


def parse_at(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(
            f"--at: {value!r} is not an ISO 8601 time; expected e.g. 2026-01-05T10:00+00:00.",
            field="at",
        ) from None
    if parsed.tzinfo is None:
        raise InvalidRequest(f"--at: {value!r} has no time zone; add one, e.g. +00:00.", field="at")
    try:
        year = parsed.astimezone(UTC).year
    except OverflowError:  # 9999-12-31T23:00-12:00 is beyond the last representable instant
        year = parsed.year
    if not AT_YEAR_MIN <= year <= AT_YEAR_MAX or not AT_YEAR_MIN <= parsed.year <= AT_YEAR_MAX:
        raise InvalidRequest(
            f"--at: {value!r} is not allowed; give a time in the years {AT_YEAR_MIN} to "
            f"{AT_YEAR_MAX}.",
            field="at",
        )
    if parsed > datetime.now(UTC):
        raise InvalidRequest(
            f"--at: {value!r} is in the future; --at records something that already happened.",
            field="at",
        )
    return parsed


def open_context(url: str | None, at: str | None = None) -> tuple[AppContext, Actor]:
    """The command's context (built once; its clock stopped at ``--at`` when given) and the
    local administrator it acts as. A wrong ``--at`` is refused before the database opens."""
    moment = parse_at(at)
    ctx = build_context(url)
    return ctx.at(moment), accounts.ensure_local_admin(ctx)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def emit(result: BaseModel | Sequence[BaseModel], as_json: bool) -> bool:
    """With ``--json``, print the use case's answer and say so (the command then stops);
    without, print nothing and let the command show it in words."""
    if not as_json:
        return False
    if isinstance(result, BaseModel):
        print_json(result.model_dump(mode="json"))
    else:
        print_json([item.model_dump(mode="json") for item in result])
    return True


def read_json_object(path: Path, what: str) -> dict[str, Any]:
    """One JSON object from a file the person named; every problem is one sentence."""
    try:
        data = read_json_file(path)
    except JsonFileError as exc:
        raise InvalidRequest(f"{what}: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidRequest(f"{what}: {path} must hold one JSON object.")
    return data
