"""``retrowalk evidence [--json]``: what the evidence says, with its certainty.

Shows every source of the evidence catalogue grouped as in the evidence report, with its
verification status, then the seed blog post's three study claims and the verdict on each.
``--json`` prints the same as one JSON object: ``{"bottom_line", "groups": [{"group",
"studies": [...]}], "seed_claims": [...]}``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from retrowalk.clinical.evidence import BOTTOM_LINE, SEED_CLAIMS, Status, by_group

STATUS_LABELS = {
    Status.VERIFIED: "verified",
    Status.VERIFIED_PARTIAL: "verified, partly read",
    Status.VERIFIED_SECONDARY: "secondary source only",
    Status.UNVERIFIED: "unverified",
}


def evidence_as_json() -> dict[str, Any]:
    """The catalogue and the seed claims as plain JSON data."""
    return {
        "bottom_line": BOTTOM_LINE,
        "groups": [
            {"group": group.value, "studies": [e.model_dump(mode="json") for e in entries]}
            for group, entries in by_group().items()
        ],
        "seed_claims": [claim.model_dump(mode="json") for claim in SEED_CLAIMS],
    }


def _print_tables(console: Console) -> None:
    console.print(f"[bold]Bottom line:[/] {BOTTOM_LINE}\n")
    for group, entries in by_group().items():
        table = Table(title=group.value, title_justify="left", show_lines=True, expand=True)
        table.add_column("Key", no_wrap=True)
        table.add_column("Study")
        table.add_column("Who and what")
        table.add_column("Result")
        table.add_column("Certainty")
        for entry in entries:
            ids = " ".join(
                part
                for part in (
                    f"doi:{entry.doi}" if entry.doi else "",
                    f"PMID {entry.pmid}" if entry.pmid else "",
                )
                if part
            )
            status = STATUS_LABELS[entry.status]
            if entry.status_note:
                status += f" ({entry.status_note})"
            table.add_row(
                entry.key,
                f"{entry.citation} {ids}".strip(),
                f"{entry.population} {entry.protocol}",
                entry.result,
                status,
            )
        console.print(table)
    claims = Table(
        title="The seed blog post's claims", title_justify="left", show_lines=True, expand=True
    )
    claims.add_column("#")
    claims.add_column("Claim")
    claims.add_column("Verdict")
    claims.add_column("Why")
    for claim in SEED_CLAIMS:
        closest = ", ".join(claim.closest_evidence)
        claims.add_row(
            str(claim.number),
            claim.claim,
            claim.verdict.value,
            f"{claim.explanation} Closest real evidence: {closest}.",
        )
    console.print(claims)


def evidence_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Show the studies behind retrowalk, their certainty, and the verdict on the seed's claims."""
    if as_json:
        typer.echo(json.dumps(evidence_as_json(), ensure_ascii=False, indent=2))
        return
    _print_tables(Console())


def register(app: typer.Typer) -> None:
    """Add ``retrowalk evidence`` to the root command."""
    app.command("evidence")(evidence_command)
