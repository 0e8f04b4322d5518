"""The root of the ``retrowalk`` command.

Each command group lives in its own module with a ``register(app)`` function, so a reader
finds a command by its name. :func:`main` turns every known bad-input error into one clear
sentence on stderr and exit code 2 — never a traceback.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from typer.exceptions import TyperException

from retrowalk.cli import (
    accounts,
    evidence,
    koos,
    motion,
    policy,
    reports,
    serve,
    start,
    tracking,
)

app = typer.Typer(
    name="retrowalk",
    help=(
        "Backward walking as a safe, tailored, progressive exercise for knee pain. "
        "retrowalk supports clinical care; it does not diagnose."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (serve, start, koos, evidence, motion, tracking, reports, accounts, policy):
    module.register(app)

from retrowalk.cli.errors import EXIT_BAD_INPUT  # noqa: E402 (after the commands)


def _user_error_types() -> tuple[type[BaseException], ...]:
    """The error types whose message is meant for a person, not a developer."""
    from retrowalk.cli.errors import user_error_types

    return user_error_types()


def main() -> None:
    """Console-script entry point: exit 0 on success, 2 on bad input, never a traceback for it."""
    err = Console(stderr=True)
    try:
        result = app(standalone_mode=False)
    except _user_error_types() as exc:
        err.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(EXIT_BAD_INPUT)
    except OSError as exc:  # the machine refused (permissions, a full disk): still one sentence
        where = f"{exc.filename}: " if exc.filename else ""
        reason = (exc.strerror or str(exc)).rstrip(".").lower()
        err.print(f"[bold red]Error:[/] {where}{reason}.", highlight=False, soft_wrap=True)
        sys.exit(EXIT_BAD_INPUT)
    except typer.Abort:
        err.print("Aborted.")
        sys.exit(1)
    except TyperException as exc:  # usage errors (unknown option, bad value), worded by click
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        sys.exit(int(getattr(exc, "exit_code", EXIT_BAD_INPUT)))
    # Without standalone mode, click hands back the code of ``typer.Exit`` instead of exiting.
    sys.exit(result if isinstance(result, int) else 0)
