"""Text written into a CSV file that a spreadsheet will open.

A cell that begins like a formula (``= + - @``, a tab or a carriage return) would be run by
Excel or LibreOffice as one ("CSV injection"): a note typed as ``=HYPERLINK(...)`` could send
the reader's data elsewhere. Such text gets a leading apostrophe, which spreadsheets show as
plain text. Numbers are written as numbers and never changed.
"""

from __future__ import annotations

from typing import Final

FORMULA_START: Final[tuple[str, ...]] = ("=", "+", "-", "@", "\t", "\r")


def plain_text_cell(value: str) -> str:
    """``value`` as a cell a spreadsheet shows as text, never runs."""
    return "'" + value if value.startswith(FORMULA_START) else value
