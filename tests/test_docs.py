"""What docs/*.md name exists: each command with the options and choices it shows, each Python name.

The docs' bash blocks run elsewhere (docs/tracking.md's in ``tests/cli/test_tracking_docs.py``);
the commands written inline, with placeholders such as ``ID`` and ``FILE``, cannot run as
written, so here they are resolved against the real command tree instead, and the commands
themselves run in ``tests/cli/test_tracking_commands.py``.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from retrowalk.cli.app import app
from tests.conftest import ROOT

DOCS = sorted((ROOT / "docs").glob("*.md"))
RETROWALK = typer.main.get_command(app)
runner = CliRunner()
FENCE = re.compile(r"```(\w*)\n(.*?)```", flags=re.S)
PYTHON_NAME = re.compile(r"^retrowalk(?:\.[A-Za-z_]\w*)+")


def _spans(text: str) -> list[str]:
    """Inline code spans, and each command of an unlabelled block (indented lines continue it)."""
    spans: list[str] = []
    for language, block in FENCE.findall(text):
        if not language:
            spans += [line for line in re.split(r"\n(?!\s)", block) if line.strip()]
    spans += re.findall(r"`([^`]+)`", FENCE.sub("", text))
    return [" ".join(span.split()) for span in spans]


def _named(kind: str) -> list[tuple[str, str]]:
    """(doc, span) for every command span or every dotted ``retrowalk.`` name in the docs."""
    found: list[tuple[str, str]] = []
    for doc in DOCS:
        for span in _spans(doc.read_text(encoding="utf-8")):
            words = span.split()
            if kind == "python":
                found += [(doc.name, name) for name in PYTHON_NAME.findall(words[0])]
            elif words[0] == "retrowalk" or words[0] in _subcommands(RETROWALK):
                found.append((doc.name, span))
    return sorted(set(found))


def _subcommands(command: Any) -> dict[str, Any]:
    """A group's commands by name ({} for a command); duck-typed, as typer may vendor click."""
    found: dict[str, Any] = getattr(command, "commands", None) or {}
    return found


def _resolve(words: list[str]) -> tuple[Any, list[str], list[str]]:
    """The command a span names, its path of names, and the words after them."""
    command, path, rest = RETROWALK, [], list(words)
    while rest and rest[0] in _subcommands(command):
        path.append(rest.pop(0))
        command = _subcommands(command)[path[-1]]
    return command, path, rest


def _is_placeholder(word: str) -> bool:
    return word.isupper() or "…" in word


@pytest.mark.parametrize(("doc", "span"), _named("command"))
def test_each_command_named_exists_with_its_options(doc: str, span: str) -> None:
    words = span.split()
    command, path, rest = _resolve(words[1:] if words[0] == "retrowalk" else words)
    assert command is not RETROWALK, f"{doc}: {span!r} names no command"
    if _subcommands(command):
        assert not rest or rest[0].startswith(("-", "[")) or _is_placeholder(rest[0]), (
            f"{doc}: {span!r}: {command.name} has no subcommand {rest[0]!r}"
        )
    options = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    for index, word in enumerate(w.strip("[]") for w in rest):
        if not word.startswith("--"):
            continue
        option = word.split("=")[0]
        assert option in options, f"{doc}: {span!r}: {command.name} has no option {option}"
        value = rest[index + 1].strip("[]") if index + 1 < len(rest) else ""
        if "|" in value and not _is_placeholder(value):  # choices: the help names each one
            shown = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "300"}).output
            for choice in value.split("|"):
                assert re.search(rf"\b{re.escape(choice)}\b", shown), (
                    f"{doc}: {span!r}: {option}'s help does not name {choice!r}"
                )


@pytest.mark.parametrize(("doc", "name"), _named("python"))
def test_each_python_name_exists(doc: str, name: str) -> None:
    parts = name.split(".")
    found: object = None
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            assert hasattr(found, attr), f"{doc}: {name}: no {attr!r}"
            found = getattr(found, attr)
        break
    assert found is not None, f"{doc}: {name} cannot be imported"


def test_the_docs_name_commands_and_python_names() -> None:
    """Guards the parsing above: it finds what the docs are known to name."""
    commands = {span for _, span in _named("command")}
    assert "retrowalk motion evaluate [--data DIR] [--json]" in commands
    assert "retrowalk export FILE [--format csv]" in commands
    assert any(span.startswith("screen ID --answers") for span in commands)
    names = {name for _, name in _named("python")}
    assert "retrowalk.reports.fhir_bundle.walker_bundle_json" in names
    assert "retrowalk.motion.errors.RecordingError" in names
