"""The named peer of the API benchmark: a bare Starlette app doing the same insert and select.

``POST /log/{walker_id}`` inserts the session row and its audit row in one write transaction
(retrowalk's own engine: the same SQLite pragmas, BEGIN IMMEDIATE); ``GET /today/{walker_id}``
reads the walker's newest plan version and counts today's sessions in a read transaction. No
sign-in, no checks, no clinical rules: what the database and the HTTP stack cost on their own.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from sqlalchemy import func, insert, select
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from retrowalk.store import Database
from retrowalk.store.models import AuditEntry, Prescription, WalkSession

URL_ENV = "RETROWALK_BENCH_BARE_URL"


def make_app(db: Database) -> Starlette:
    """The bare app on ``db``: the database work runs in the thread pool, as FastAPI runs
    retrowalk's sync endpoints (the body is read on the event loop first, as FastAPI does)."""

    async def log(request: Request) -> JSONResponse:
        walker_id = int(request.path_params["walker_id"])
        body = await request.json()
        return await run_in_threadpool(store, walker_id, body)

    def store(walker_id: int, body: dict[str, object]) -> JSONResponse:
        now = datetime.now(UTC)
        with db.transaction() as tx:
            session_id = tx.execute(
                insert(WalkSession)
                .values(
                    walker_id=walker_id,
                    client_key=str(body["client_key"]),
                    prescription_id=None,
                    performed_at=now,
                    local_date=now.date(),
                    logged_at=now,
                    duration_min=body["duration_min"],
                    speed_m_s=body["speed_m_s"],
                    incline_pct=0.0,
                    surface=body["surface"],
                    supervised=body["supervised"],
                    pain_before_nprs=body["pain_before_nprs"],
                    pain_peak_nprs=body["pain_peak_nprs"],
                    pain_after_nprs=body["pain_after_nprs"],
                    effort_cr10=body["effort_cr10"],
                    adverse_events=[],
                    completed=True,
                    recorded_by=1,
                )
                .returning(WalkSession.id)
            ).scalar_one()
            tx.execute(
                insert(AuditEntry).values(
                    at=now,
                    actor_account_id=None,
                    actor_role="walker",
                    action="session.log",
                    entity="session",
                    entity_id=session_id,
                    walker_id=walker_id,
                    detail_json={"client_key": body["client_key"]},
                )
            )
        return JSONResponse({"id": session_id, "created": True}, status_code=201)

    def today(request: Request) -> JSONResponse:  # sync: Starlette runs it in the pool
        walker_id = int(request.path_params["walker_id"])
        day = datetime.now(UTC).date()
        with db.reader() as tx:
            plan = tx.execute(
                select(Prescription.version, Prescription.duration_min, Prescription.speed_m_s)
                .where(Prescription.walker_id == walker_id)
                .order_by(Prescription.version.desc())
                .limit(1)
            ).first()
            done = tx.scalar(
                select(func.count())
                .select_from(WalkSession)
                .where(WalkSession.walker_id == walker_id, WalkSession.local_date == day)
            )
        return JSONResponse(
            {
                "walker_id": walker_id,
                "version": plan[0] if plan else None,
                "duration_min": plan[1] if plan else None,
                "speed_m_s": plan[2] if plan else None,
                "sessions_today": done,
            }
        )

    return Starlette(
        routes=[
            Route("/log/{walker_id:int}", log, methods=["POST"]),
            Route("/today/{walker_id:int}", today, methods=["GET"]),
        ]
    )


def app_from_environment() -> Starlette:
    """One uvicorn worker's bare app (database URL from :data:`URL_ENV`)."""
    return make_app(Database(os.environ[URL_ENV]))
