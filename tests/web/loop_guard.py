"""No database statement runs on the web server's event loop (found at stop 24: the walker's
"log a session" form, the clinician's adjust and a dozen other ``async`` routes ran their use
case on the loop, so one request waiting for SQLite's write lock froze every other request
of that server process).

Every engine's statements are watched (SQLAlchemy's ``before_cursor_execute`` on the
``Engine`` class); one run in a thread that is running an asyncio loop, other than the main
thread (where the test itself and Playwright run), is kept with the route's frame, and the
autouse fixture in ``conftest`` fails the test that caused it.
"""

from __future__ import annotations

import asyncio
import threading
import traceback
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

FOUND: list[str] = []
_lock = threading.Lock()


def _on_loop() -> bool:
    if threading.current_thread() is threading.main_thread():
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _route_frame() -> str:
    """The innermost frame of the web layer: the route (or helper) that ran the statement."""
    frames = [
        f"{f.filename.split('/src/')[-1]}:{f.lineno} {f.name}"
        for f in traceback.extract_stack()
        if "/retrowalk/web/" in f.filename
    ]
    return frames[-1] if frames else "(no retrowalk.web frame)"


@event.listens_for(Engine, "before_cursor_execute")
def _watch(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    if _on_loop():
        with _lock:
            FOUND.append(f"{_route_frame()}: {statement.split()[0] if statement else ''}")


def taken() -> list[str]:
    """What was found since the last call, and forget it."""
    with _lock:
        found = sorted(set(FOUND))
        FOUND.clear()
    return found
