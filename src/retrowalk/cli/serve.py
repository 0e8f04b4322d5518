"""``retrowalk serve``: the web app for walkers and clinicians, served by uvicorn.

On the very first start (no clinician account yet) it prints a one-time setup link; the
first person to open it creates the clinician account. Restarting prints a new link and the
old one stops working.

Sign-ins live in the database, so ``--workers N`` (N uvicorn worker processes on one
database) and several servers behind a proxy on one PostgreSQL all share them. Proxy
headers (``X-Forwarded-For``, ``X-Forwarded-Proto``) are believed only from the addresses
named by ``--forwarded-allow-ips``: by default from nobody, so a client cannot pretend to be
another address to escape the sign-in throttle.
"""

from __future__ import annotations

import ipaddress
import os

import typer

from retrowalk.services.errors import InvalidRequest

WORKERS_MAX = 64


def forwarded_allow_ips(value: str | None) -> str:
    """The addresses (IPs or networks, comma-separated) whose proxy headers are believed.

    ``*`` trusts every client (only behind a proxy that is the sole way in); empty: none.
    """
    if value is None or not value.strip():
        return ""
    items = [item.strip() for item in value.split(",") if item.strip()]
    for item in items:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise InvalidRequest(
                f"--forwarded-allow-ips: {item!r} is not an IP address or network; give e.g. "
                "127.0.0.1 or 10.0.0.0/8 (comma-separated), or * for any.",
                field="forwarded_allow_ips",
            ) from None
    return ",".join(items)


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to the root app."""

    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
        database_url: str | None = typer.Option(
            None,
            "--database-url",
            envvar="RETROWALK_DATABASE_URL",
            help="SQLAlchemy URL (default: SQLite in your user data folder).",
        ),
        workers: int = typer.Option(
            1,
            min=1,
            max=WORKERS_MAX,
            help="Worker processes (they share sign-ins through the database).",
        ),
        forwarded_allow_ips_option: str | None = typer.Option(
            None,
            "--forwarded-allow-ips",
            envvar="RETROWALK_FORWARDED_ALLOW_IPS",
            help=(
                "Proxy addresses whose X-Forwarded-For/-Proto are believed, comma-separated "
                "(e.g. 127.0.0.1 for a proxy on this machine). Default: none."
            ),
        ),
    ) -> None:
        """Start the web app (pages for walkers and clinicians, and the JSON API)."""
        import uvicorn

        from retrowalk.services import accounts
        from retrowalk.services.context import build_context
        from retrowalk.store.config import DATABASE_URL_ENV
        from retrowalk.web.app import create_app
        from retrowalk.web.gc_startup import freeze_startup_objects
        from retrowalk.web.http_protocol import PROTOCOL as NO_DELAY_PROTOCOL

        trusted = forwarded_allow_ips(forwarded_allow_ips_option)
        ctx = build_context(database_url)
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        base = f"http://{shown_host}:{port}"
        typer.echo(
            f"retrowalk is starting at {base}/  (database: {ctx.db.url}"
            + (f", {workers} workers" if workers > 1 else "")
            + ")"
        )
        if accounts.first_run_needed(ctx):
            token = accounts.create_setup_token(ctx).token
            typer.echo(
                "\nFirst start: no clinician account exists yet. Open this one-time link to "
                f"create it:\n\n    {base}/setup?token={token}\n"
            )
        typer.echo("Press Ctrl+C to stop.")
        options = {
            "host": host,
            "port": port,
            "log_level": "warning",
            "proxy_headers": bool(trusted),
            "forwarded_allow_ips": trusted or "",
            "http": NO_DELAY_PROTOCOL,  # TCP_NODELAY with several workers too (uvicorn #3149)
        }
        if workers == 1:
            app = create_app(ctx, keep_list=True)
            freeze_startup_objects()
            uvicorn.run(app, **options)  # type: ignore[arg-type]
            return
        # Each worker process builds its own app on the same database (already migrated).
        os.environ[DATABASE_URL_ENV] = ctx.db.engine.url.render_as_string(hide_password=False)
        ctx.db.dispose()
        uvicorn.run(
            "retrowalk.web.app:app_from_environment",
            factory=True,
            workers=workers,
            **options,  # type: ignore[arg-type]
        )
