"""A process killed with SIGKILL while logging loses no session it had acknowledged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from retrowalk.services import accounts
from retrowalk.services.context import build_context
from retrowalk.store import repositories as repo
from tests.services.factory import planned_walker

WRITER = """
import sys
from datetime import UTC, datetime, timedelta
from retrowalk.services import sessions
from retrowalk.services.schemas import Actor, Role
from retrowalk.services.context import build_context

db = build_context(sys.argv[1], migrate=False)
actor = Actor(account_id=int(sys.argv[2]), role=Role.ADMIN)
start = datetime(2026, 1, 5, 10, tzinfo=UTC)
for i in range(100000):
    out = sessions.log_session(db, actor, int(sys.argv[3]), {
        "client_key": f"kill-{i}", "performed_at": start + timedelta(minutes=i),
        "duration_min": 10, "speed_m_s": 0.7, "surface": "treadmill", "supervised": True,
        "pain_before_nprs": 2, "pain_peak_nprs": 2, "pain_after_nprs": 2, "effort_cr10": 3,
    })
    print(out.client_key, flush=True)  # acknowledged: the transaction has committed
"""

ACKNOWLEDGED_BEFORE_KILL = 25


def test_acknowledged_sessions_survive_sigkill(database_url: str, tmp_path: Path) -> None:
    db = build_context(database_url)
    admin = accounts.ensure_local_admin(db)
    walker = planned_walker(db, admin)
    db.db.dispose()
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script), database_url, str(admin.account_id), str(walker.id)],
        stdout=subprocess.PIPE,
        text=True,
    )
    acknowledged: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            acknowledged.append(line.strip())
            if len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL:
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert len(acknowledged) == ACKNOWLEDGED_BEFORE_KILL
    db = build_context(database_url)
    try:
        with db.db.reader() as s:
            stored = {row.client_key for row in repo.walk_sessions(s, walker.id)}
        missing = [key for key in acknowledged if key not in stored]
        assert missing == []
    finally:
        db.db.dispose()
