"""Every bad-input class fed to every command that reads a file or a database URL: one
sentence on stderr and exit code 2, never a traceback.

The classes are those that once ended in a Python traceback (36 of 242 cases): JSON nested
thousands deep, a number with 5,000 digits, binary and UTF-16 files, an empty file, a folder,
a missing file, endless input (``/dev/zero``), every kind of malformed ``--database-url``,
far dates in ``--at``, and an export into a missing folder, onto ``/dev/full`` or over an
existing file (which used to be overwritten without a word).
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from retrowalk.cli.app import main
from tests.cli.screen_args import CLEAR

BAD_FILES: dict[str, bytes | None] = {
    "nested_array": b"[" * 100_000,
    "nested_object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "number_5000_digits": b'{"P1": 1' + b"0" * 5000 + b"}",
    "binary": bytes(range(256)) * 40,
    "utf16": '{"P1": 2}'.encode("utf-16"),
    "empty": b"",
    "folder": None,
}
ENDLESS = Path("/dev/zero")
MISSING = "missing.json"

LOG = ["--pain-before", "1", "--pain-peak", "1", "--pain-after", "1", "--effort", "1"]
LOG += ["--minutes", "5", "--surface", "treadmill_with_handrails", "--alone", "--speed", "0.5"]

FILE_COMMANDS: dict[str, Callable[[str, str], list[str]]] = {
    "start --answers": lambda f, db: ["start", "--answers", f],
    "koos score": lambda f, db: ["koos", "score", f],
    "motion analyze": lambda f, db: ["motion", "analyze", f],
    "screen --answers": lambda f, db: ["screen", "1", "--answers", f, "--database-url", db],
    "assess --answers": lambda f, db: ["assess", "1", "--answers", f, "--database-url", db],
    "assess --koos": lambda f, db: [
        "assess",
        "1",
        "--tug-s",
        "9",
        "--koos",
        f,
        "--database-url",
        db,
    ],
    "log --from-recording": lambda f, db: [
        "log",
        "1",
        *LOG,
        "--from-recording",
        f,
        "--database-url",
        db,
    ],
    "import": lambda f, db: ["import", f, "--format", "json", "--database-url", db + ".empty"],
    "restore": lambda f, db: ["restore", f, "--database-url", db + ".restored"],
}

BAD_URLS = [
    "not a url",
    "://",
    "sqlite+nosuchdriver:///x.sqlite",
    "mysql://someone@localhost/retrowalk",
    "http://example.org/retrowalk",
    "postgresql://host:notaport/db",
    "postgresql+psycopg://user:secret@[::1/db",
    "postgresql+psycopg://nobody:secret@127.0.0.1:1/retrowalk",
    "sqlite:////no/such/folder/retrowalk.sqlite",
    "sqlite:////dev/null",
]
URL_COMMANDS = [
    ["init"],
    ["walker", "list"],
    ["walker", "show", "1"],
    [
        "walker",
        "add",
        "--email",
        "b@x.org",
        "--name",
        "B",
        "--age",
        "66",
        "--sex",
        "male",
        "--knee",
        "oa",
    ],
    ["screen", "1", *CLEAR],
    ["assess", "1", "--tug-s", "9"],
    ["plan", "1"],
    ["today", "1"],
    ["log", "1", *LOG],
    ["checkin", "1", "--pain", "1", "--stiffness", "1"],
    ["clear", "1", "--scope", "adverse_event", "--reason", "reviewed"],
    ["adjust", "1", "--reason", "slower", "--speed", "0.5"],
    ["note", "1", "a note"],
    ["history", "1"],
    ["progress", "1"],
    ["export", "EXPORT"],
    ["import", "IMPORT"],
    ["backup", "BACKUP"],
    ["restore", "IMPORT"],
    ["demo"],
    ["account", "add", "--email", "c@x.org", "--name", "C"],
    ["account", "list"],
    ["account", "reset-link", "c@x.org"],
    ["account", "invite", "--email", "d@x.org"],
    ["account", "invitations"],
    ["serve", "--port", "1"],
]
AT_COMMANDS = [
    ["screen", "1", *CLEAR],
    ["assess", "1", "--tug-s", "9"],
    ["plan", "1"],
    ["today", "1"],
    ["log", "1", *LOG],
    ["checkin", "1", "--pain", "1", "--stiffness", "1"],
    ["clear", "1", "--scope", "adverse_event", "--reason", "reviewed"],
    ["adjust", "1", "--reason", "slower", "--speed", "0.5"],
    ["note", "1", "a note"],
    ["history", "1"],
    ["progress", "1"],
]
FAR_DATES = ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "1999-12-31T12:00:00+00:00"]


def run_main(*args: str) -> tuple[int, str, str]:
    """``retrowalk ARGS`` in this process, through the real ``main()``."""
    out, err = io.StringIO(), io.StringIO()
    sys.argv = ["retrowalk", *args]
    code: int = -1
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def one_sentence(code: int, stderr: str, case: str) -> None:
    assert code == 2, f"{case}: exit {code}\n{stderr}"
    assert "Traceback" not in stderr, case
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"{case}: {stderr}"
    assert lines[0].startswith("Error: "), f"{case}: {stderr}"
    assert lines[0].rstrip().endswith("."), f"{case}: {stderr}"


@pytest.fixture(scope="module")
def workshop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A folder of bad files and a database with one walker."""
    folder = tmp_path_factory.mktemp("bad-input")
    for name, content in BAD_FILES.items():
        if content is None:
            (folder / name).mkdir()
        else:
            (folder / f"{name}.json").write_bytes(content)
    db = f"sqlite+pysqlite:///{folder / 'db.sqlite'}"
    for args in (
        ["init"],
        [
            "walker",
            "add",
            "--email",
            "a@x.org",
            "--name",
            "A",
            "--age",
            "66",
            "--sex",
            "female",
            "--knee",
            "oa",
        ],
    ):
        code, _, err = run_main(*args, "--database-url", db)
        assert code == 0, err
    return folder, db


def _path(folder: Path, name: str) -> str:
    return str(folder / name) if BAD_FILES[name] is None else str(folder / f"{name}.json")


@pytest.mark.parametrize("command", sorted(FILE_COMMANDS))
@pytest.mark.parametrize("kind", [*BAD_FILES, MISSING])
def test_every_bad_file_is_one_sentence(
    workshop: tuple[Path, str], command: str, kind: str
) -> None:
    folder, db = workshop
    path = str(folder / MISSING) if kind == MISSING else _path(folder, kind)
    code, _, err = run_main(*FILE_COMMANDS[command](path, db))
    one_sentence(code, err, f"{command} {kind}")


@pytest.mark.parametrize("command", sorted(FILE_COMMANDS))
def test_endless_input_is_refused_not_read(workshop: tuple[Path, str], command: str) -> None:
    """``/dev/zero`` never ends: run in a child process with a bound, so a regression that
    starts reading it fails here instead of hanging the suite."""
    _, db = workshop
    args = FILE_COMMANDS[command](str(ENDLESS), db)
    done = subprocess.run(
        [sys.executable, "-c", "from retrowalk.cli.app import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    one_sentence(done.returncode, done.stderr, f"{command} /dev/zero")


@pytest.mark.parametrize("url", BAD_URLS)
def test_every_malformed_database_url_is_one_sentence(workshop: tuple[Path, str], url: str) -> None:
    folder, _ = workshop
    for args in URL_COMMANDS:
        named = [
            {"EXPORT": str(folder / "x.json"), "IMPORT": str(folder / "x.json")}.get(
                a, str(folder / "backup.sqlite") if a == "BACKUP" else a
            )
            for a in args
        ]
        code, _, err = run_main(*named, "--database-url", url)
        one_sentence(code, err, f"{' '.join(args[:2])} --database-url {url!r}")
        assert "secret" not in err, "a password in the URL is never printed"


@pytest.mark.parametrize("when", FAR_DATES)
def test_far_dates_in_at_are_one_sentence(workshop: tuple[Path, str], when: str) -> None:
    _, db = workshop
    for args in AT_COMMANDS:
        code, _, err = run_main(*args, "--at", when, "--database-url", db)
        one_sentence(code, err, f"{args[0]} --at {when}")
        assert "years 2000 to 2100" in err


def test_export_never_writes_over_a_file_without_force(workshop: tuple[Path, str]) -> None:
    folder, db = workshop
    target = folder / "export.json"
    target.write_text("my own notes", encoding="utf-8")
    code, _, err = run_main("export", str(target), "--database-url", db)
    one_sentence(code, err, "export over a file")
    assert "already exists; add --force" in err
    assert target.read_text(encoding="utf-8") == "my own notes"
    code, _out, err = run_main("export", str(target), "--force", "--database-url", db)
    assert code == 0, err
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "retrowalk-export"
    assert not list(folder.glob(".export.json.*")), "no partial file is left behind"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["export", "/no/such/folder/x.json"], "the folder /no/such/folder does not exist"),
        (["export", "/dev/full"], "is not a regular file or folder"),
        (["export", "/dev/full", "--force"], "is not a regular file or folder"),
        (["export", "FOLDER", "--format", "json", "--force"], "is a folder; give a file name"),
        (["backup", "/no/such/folder/b.sqlite"], "the folder /no/such/folder does not exist"),
        (["backup", "/dev/full"], "already exists"),
    ],
)
def test_exports_and_backups_that_cannot_be_written(
    workshop: tuple[Path, str], args: list[str], said: str
) -> None:
    folder, db = workshop
    named = [str(folder / "folder") if a == "FOLDER" else a for a in args]
    code, _, err = run_main(*named, "--database-url", db)
    one_sentence(code, err, " ".join(args))
    assert said in err
