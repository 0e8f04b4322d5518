"""Questions in the terminal: yes/no, whole numbers, choices, numbers that may be skipped.

Each prompt asks again, with help, until the answer is one it can use; the end of input (no
terminal, as in CI) becomes one clear sentence, never a traceback.
"""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console

from retrowalk.clinical.errors import ClinicalError
from retrowalk.services.numbers import (
    NumberTextError,
    decimal_number,
    whole_number,
    whole_number_or_none,
)


class StartInputError(ClinicalError):
    """The answers (file or terminal) cannot be used; the message says which and why."""


START_INSTEAD = (
    "run `retrowalk start` in a terminal, or pass --answers FILE.json (see "
    "examples/start-answers.json)"
)
"""What to do instead when ``retrowalk start`` gets no answer (end of input)."""


class Asker:
    """Prompts in the terminal; end of input becomes one clear sentence."""

    def __init__(self, console: Console, to_stderr: bool, instead: str = START_INSTEAD) -> None:
        self.console = console
        self.err = to_stderr
        self.instead = instead

    def _guard(self, ask: Any) -> Any:
        try:
            return ask()
        except (typer.Abort, EOFError) as exc:
            raise StartInputError(
                f"no answer came from the terminal (end of input): {self.instead}."
            ) from exc

    def _text(self, question: str, default: str = "") -> str:
        return str(
            self._guard(
                lambda: typer.prompt(
                    question, default=default, show_default=bool(default), err=self.err
                )
            )
        ).strip()

    def yes(self, question: str) -> bool:
        """A yes/no question that must be answered with y or n: Enter alone is asked again, so
        a screening question (a red flag, a PAR-Q item, a fall question) is never answered by
        pressing Enter. Anything else is asked again too."""
        while True:
            text = self._text(f"{question} [y/n]").lower()
            if text in ("n", "no"):
                return False
            if text in ("y", "yes"):
                return True
            self.console.print("Please type y (yes) or n (no).")

    def integer(self, question: str) -> int:
        """A whole number; anything else is asked again, with help."""
        while True:
            text = self._text(question)
            try:
                return whole_number(text)
            except NumberTextError:
                self.console.print("Please type a whole number with the digits 0 to 9, such as 67.")

    def choice(self, question: str, choices: dict[str, str]) -> str:
        """One of ``choices`` (code → plain words), typed as its number or its code. There is
        no default: Enter alone is asked again (the sex picks the chair-stand norm, the
        condition and the surface shape the plan)."""
        self.console.print(question)
        codes = list(choices)
        for number, code in enumerate(codes, start=1):
            self.console.print(f"  {number} = {choices[code]}", highlight=False)
        while True:
            text = self._text(f"Type a number from 1 to {len(codes)}")
            if text in codes:
                return text
            typed = whole_number_or_none(text)
            if typed is not None and 1 <= typed <= len(codes):
                return codes[typed - 1]
            self.console.print(f"Please type a number from 1 to {len(codes)}.")

    def number_or_skip(self, question: str, whole: bool = False) -> float | None:
        while True:
            text = str(
                self._guard(
                    lambda: typer.prompt(
                        f"{question} (press Enter to skip)",
                        default="",
                        show_default=False,
                        err=self.err,
                    )
                )
            ).strip()
            if not text:
                return None
            try:
                return whole_number(text) if whole else decimal_number(text)
            except NumberTextError:
                kind = "a whole number, such as 12" if whole else "a number, such as 9.5"
                self.console.print(
                    f"Please type {kind}, with the digits 0 to 9, or press Enter to skip."
                )
