"""``retrowalk history`` and ``progress``: what happened, and the weekly trend."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from retrowalk.cli.flags import speaks_flags
from retrowalk.cli.options import (
    AtOption,
    DbOption,
    JsonOption,
    WalkerArg,
    emit,
    open_context,
    out,
    whole_option,
)
from retrowalk.cli.show import bar, show_reasons, show_restrictions
from retrowalk.clinical.norms import KM_H_PER_M_S, NPRS_MAX
from retrowalk.present import vocabulary as vocab
from retrowalk.present.numbers import speed_words
from retrowalk.services import (
    history,
)
from retrowalk.services.progress import weekly_progress


def history_cmd(
    walker_id: WalkerArg,
    weeks: Annotated[int, typer.Option(parser=whole_option, help="How many weeks back.")] = 12,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Sessions, check-ins and every plan decision with its reasons."""
    ctx, actor = open_context(database_url, at)
    result = history.walker_history(ctx, actor, walker_id, weeks=weeks)
    if emit(result, as_json):
        return
    table = Table(
        "date",
        "min",
        "speed",
        "pain before / worst / after",
        "effort",
        "problems",
        "next morning pain / stiffness",
        "then",
    )
    table.columns[0].no_wrap = True
    by_session = {c.session_id: c for c in result.checkins}
    missed = {m.session_id: m for m in result.missed_reports}
    for s in result.sessions:
        c = by_session.get(s.id)
        table.add_row(
            str(s.local_date),
            f"{s.duration_min:g}",
            speed_words(s.speed_m_s) if s.speed_m_s else "—",
            f"{s.pain_before_nprs} / {s.pain_peak_nprs} / {s.pain_after_nprs}",
            str(s.effort_cr10),
            f"[red]{vocab.ADVERSE_EVENTS.listed(s.adverse_events)}[/]" if s.adverse_events else "—",
            f"{c.pain_nprs} / {c.stiffness_nprs}"
            if c
            else ("no report" if s.id in missed else "—"),
            vocab.DECISIONS.short(c.decision)
            if c
            else (vocab.DECISIONS.short(missed[s.id].decision) if s.id in missed else "—"),
        )
    out.print(table)
    out.print("[bold]Plan decisions[/]")
    for p in result.prescriptions:
        out.print(
            f"v{p.version} {p.effective_from} [bold]{vocab.DECISIONS.short(p.decision)}[/]: "
            f"{p.duration_min:g} min, "
            f"{speed_words(p.speed_m_s)}, incline {p.incline_pct:g} %"
        )
        show_reasons(p.reasons)
    out.print("[bold]Screenings[/]")
    for sc in result.screenings:
        out.print(f"{sc.created_at:%Y-%m-%d %H:%M} UTC: {sc.outcome.replace('_', ' ')}")
    record = result.restrictions
    if record is not None:
        out.print("[bold]Clearances[/] (who, when, why)")
        for lifted in record.lifted:
            who = lifted.cleared_by_name or f"account {lifted.cleared_by}"
            out.print(
                f"{lifted.at:%Y-%m-%d %H:%M} UTC: {lifted.kind.value.replace('_', ' ')} "
                f"cleared by {who}: {lifted.reason}",
                highlight=False,
            )
        if not record.lifted:
            out.print("none")
        show_restrictions(record.active)


def progress(
    walker_id: WalkerArg,
    weeks: Annotated[int, typer.Option(parser=whole_option, help="How many weeks back.")] = 12,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A compact chart of pain, minutes and speed per week."""
    ctx, actor = open_context(database_url, at)
    rows = weekly_progress(ctx, actor, walker_id, weeks=weeks)
    if emit(rows, as_json):
        return
    top_min = max((r.minutes_total for r in rows), default=0.0)
    top_speed = max((r.speed_mean_m_s or 0.0 for r in rows), default=0.0)
    table = Table("week of", "sessions", f"peak pain (0–{NPRS_MAX})", "minutes", "speed m/s (km/h)")
    for r in rows:
        pain = f"{r.pain_peak_mean_nprs:.1f}" if r.pain_peak_mean_nprs is not None else "—"
        speed = (
            f"{r.speed_mean_m_s:.2f} ({r.speed_mean_m_s * KM_H_PER_M_S:.1f})"
            if r.speed_mean_m_s is not None
            else "—"
        )
        table.add_row(
            str(r.week_start),
            str(r.sessions),
            f"{bar(r.pain_peak_mean_nprs, NPRS_MAX)} {pain}",
            f"{bar(r.minutes_total, top_min)} {r.minutes_total:g}",
            f"{bar(r.speed_mean_m_s, top_speed)} {speed}",
        )
    out.print(table)
    out.print(
        f"[dim]Pain 0–{NPRS_MAX} during sessions (the pain-monitoring model is from Achilles "
        "tendinopathy: an extrapolation to the knee).[/]"
    )


def register(app: typer.Typer) -> None:
    """Add history and progress to the root app."""
    app.command("history")(speaks_flags(history_cmd))
    app.command("progress")(speaks_flags(progress))
