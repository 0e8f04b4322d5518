"""How the tracking commands print a plan, its reasons and the walker's restrictions."""

from __future__ import annotations

from typing import Any

from retrowalk.cli.options import out
from retrowalk.present import vocabulary as vocab
from retrowalk.present.numbers import speed_words
from retrowalk.services.exercise_gate import EXERCISES_WAIT, exercises_wait
from retrowalk.services.schemas import PrescriptionOut


def show_prescription(rx: PrescriptionOut, supervised: bool | None = None) -> None:
    out.print(
        f"[bold]Plan v{rx.version}[/] ({vocab.DECISIONS.short(rx.decision)}): "
        f"{rx.duration_min:g} min backward walking at {speed_words(rx.speed_m_s)}, incline "
        f"{rx.incline_pct:g} %, on {vocab.SURFACES.long(rx.surface)}, "
        f"{rx.sessions_per_week} times a week"
    )
    if supervised is not None:
        out.print("Supervised: [bold]yes[/]" if supervised else "Supervised: no (allowed alone)")
    if rx.supervision_words:  # the plan's rule with the restrictions that hold it (a walking aid)
        out.print(f"Supervision: {rx.supervision_words}", highlight=False)
    show_reasons(rx.reasons)


def show_restrictions(restrictions: Any) -> None:
    """What stops or limits backward walking, what to do, and who decides."""
    if not restrictions:
        return
    out.print("[bold]Restrictions[/] (only a clinician lifts them, with `retrowalk clear`):")
    for r in restrictions:
        out.print(f"  [bold]{r.title}[/] — {r.summary}", highlight=False)
        for step in (r.emergency, *r.what_to_do):
            if step:
                out.print(f"    → {step}", highlight=False)
        if not r.can_clear and r.cannot_clear_because:
            out.print(f"    [dim]To clear it: {r.cannot_clear_because}[/]", highlight=False)
    if exercises_wait(restrictions):
        out.print(f"  {EXERCISES_WAIT}", highlight=False)


def show_reasons(reasons: Any) -> None:
    for reason in reasons:
        # A label the sentence already says ("… (retrowalk policy).") is not repeated.
        labels = [
            x
            for x, on in (("policy", reason.policy), ("extrapolation", reason.extrapolation))
            if on and x not in reason.message
        ]
        tag = f" [dim]({', '.join(labels)})[/]" if labels else ""
        out.print(f"  • {reason.message}{tag}")


BARS = " ▁▂▃▄▅▆▇█"


def bar(value: float | None, top: float) -> str:
    if value is None or top <= 0:
        return " "
    return BARS[min(len(BARS) - 1, round(value / top * (len(BARS) - 1)))]
