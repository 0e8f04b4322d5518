"""Health data files readable by their owner only: folders 0700, files 0600 (POSIX).

The database, its backups and exports hold walkers' health records; on a shared computer the
usual 0644/0755 would let every other user read them. Only files and folders that retrowalk
creates are narrowed: one the user made (and set) themselves is left as it is. On Windows,
``chmod`` cannot express this (it only sets the read-only flag), so it is skipped there.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_POSIX = os.name == "posix"


def private_dir(path: Path) -> None:
    """Make the folder ``path`` (and its parents) when missing; ``path`` itself owner-only."""
    if path.is_dir():
        return
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if _POSIX:  # the umask may have taken bits away, never added any; chmod states it exactly
        os.chmod(path, PRIVATE_DIR_MODE)


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty and owner-only when missing; returns whether it was created."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    if _POSIX:
        os.chmod(path, PRIVATE_FILE_MODE)
    return True


def write_private_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path``; a file created here is owner-only."""
    create_private_file(path)
    path.write_text(text, encoding="utf-8")
