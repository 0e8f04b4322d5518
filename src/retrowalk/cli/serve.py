"""``retrowalk serve``: the web app for walkers and clinicians, served by uvicorn.

On the very first start (no clinician account yet) it prints a one-time setup link; the
first person to open it creates the clinician account. Restarting prints a new link and the
old one stops working.
"""

from __future__ import annotations

import typer


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
    ) -> None:
        """Start the web app (pages for walkers and clinicians, and the JSON API)."""
        import uvicorn

        from retrowalk.services import accounts
        from retrowalk.store.engine import open_database
        from retrowalk.web.app import create_app

        db = open_database(database_url)
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        base = f"http://{shown_host}:{port}"
        typer.echo(f"retrowalk is starting at {base}/  (database: {db.url})")
        if accounts.first_run_needed(db):
            token = accounts.create_setup_token(db).token
            typer.echo(
                "\nFirst start: no clinician account exists yet. Open this one-time link to "
                f"create it:\n\n    {base}/setup?token={token}\n"
            )
        typer.echo("Press Ctrl+C to stop.")
        uvicorn.run(create_app(db), host=host, port=port, log_level="warning")
