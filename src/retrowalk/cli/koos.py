"""``retrowalk koos score FILE [--json]``: score KOOS response sets from a JSON file.

FILE holds one response set (a JSON object of KOOS item code → 0–4; items may be missing or
null) or an array of them. The output mirrors the input: an object gives one result, an array
gives an array, each with every subscale (``symptoms``, ``pain``, ``adl``, ``sport_rec``,
``qol``; null when too few items were answered). JSON scores are not rounded; the table shows
one decimal. Bad input stops with one sentence naming the file, element and item.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from retrowalk.clinical.errors import ClinicalError
from retrowalk.clinical.measures.koos import (
    ALL_KOOS_ITEMS,
    SUBSCALE_LABELS,
    KoosItemError,
    KoosSubscale,
    score_koos,
)
from retrowalk.store.json_files import (
    JsonFileError,
    decode_json_text,
    parse_json_text,
    read_json_bytes,
)


class KoosFileError(ClinicalError):
    """A KOOS response file cannot be read or holds something other than KOOS answers."""


koos_app = typer.Typer(
    name="koos",
    help="KOOS (Knee injury and Osteoarthritis Outcome Score): score response sets.",
    no_args_is_help=True,
)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Refuse an object that names an item twice, rather than silently keep the last answer."""
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise KoosFileError(
                f"item {key!r} appears twice in one response set; give each item once "
                "(if two boxes were marked, record the more severe answer)."
            )
        seen[key] = value
    return seen


def _load(path: Path) -> Any:
    try:
        text = decode_json_text(path, read_json_bytes(path))
        return parse_json_text(path, text, object_pairs_hook=_no_duplicates)
    except KoosFileError as exc:
        raise KoosFileError(f"{path}: {exc}") from exc
    except JsonFileError as exc:
        expected = (
            "; expected an object of KOOS item code → 0–4, or an array of such objects"
            if "not valid JSON" in exc.reason
            else ""
        )
        raise KoosFileError(f"{path}: {exc.reason}{expected}.") from None


def _json_kind(data: Any) -> str:
    """What a JSON value is, in the words of JSON (``a number``, not ``a JSON int``)."""
    if data is None:
        return "null"
    if isinstance(data, bool):
        return f"{str(data).lower()} (a yes/no value)"
    if isinstance(data, int | float):
        return f"a number ({data!r})"
    if isinstance(data, str):
        return f"text ({data!r})"
    return "a list" if isinstance(data, list) else "not an object"


def _score_one(path: Path, where: str, data: Any) -> dict[str, float | None]:
    if not isinstance(data, dict):
        raise KoosFileError(
            f"{path}{where}: is {_json_kind(data)}, not an object; expected an object of "
            f"KOOS item code ({ALL_KOOS_ITEMS[0]}…{ALL_KOOS_ITEMS[-1]}) → a whole number 0–4."
        )
    try:
        return score_koos(data).as_dict()
    except KoosItemError as exc:
        raise KoosFileError(f"{path}{where}: {exc}") from exc


def score_file(path: Path) -> dict[str, float | None] | list[dict[str, float | None]]:
    """Score every response set in ``path``; the shape mirrors the file (object or array)."""
    data = _load(path)
    if isinstance(data, list):
        return [_score_one(path, f", element {i}", item) for i, item in enumerate(data)]
    return _score_one(path, "", data)


def _table(results: list[dict[str, float | None]]) -> Table:
    table = Table(title="KOOS scores (0–100, 100 = no problems; — = too few items answered)")
    table.add_column("#", justify="right")
    for subscale in KoosSubscale:
        table.add_column(SUBSCALE_LABELS[subscale], justify="right")
    for number, scores in enumerate(results):
        cells = [str(number)]
        for subscale in KoosSubscale:
            value = scores[subscale.value]
            cells.append("—" if value is None else f"{value:.1f}")
        table.add_row(*cells)
    return table


@koos_app.command("score")
def score(
    file: Annotated[
        Path, typer.Argument(help="JSON file: one response set (object) or an array of them.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Score KOOS subscales (Symptoms, Pain, ADL, Sport/Rec, QOL). There is no total score."""
    result = score_file(file)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    rows = result if isinstance(result, list) else [result]
    Console().print(_table(rows))


def register(app: typer.Typer) -> None:
    """Add the ``koos`` command group to the root app."""
    app.add_typer(koos_app, name="koos")
