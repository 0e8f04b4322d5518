"""``retrowalk motion``: analyse a phone or watch recording, and validate on real data.

``analyze FILE`` prints the walking bouts (start, duration, steps, cadence, and distance and
speed when they can be known, marked when they are estimates); ``evaluate`` prints the
step-count error on the hand-counted Oxford recordings; ``export-dataset DIR`` writes the
guided-session recordings walkers allowed for research, with their phase labels and consent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from retrowalk.cli.options import DbOption

# The motion package needs NumPy and SciPy (about a second to import): it is imported inside
# the commands, so that the rest of ``retrowalk`` starts quickly.
if TYPE_CHECKING:
    from retrowalk.motion.analysis import Analysis
    from retrowalk.motion.bouts import Bout
    from retrowalk.motion.evaluation import IpolEvaluation, OxfordEvaluation

FORMATS = (
    "auto",
    "phyphox",
    "sensor-logger",
    "fit",
    "gpx",
    "csv",
    "oxford",
    "ipol",
    "retrowalk-json",
)
"""The values of ``--format``; the same as ``retrowalk.motion.FORMATS`` (a test checks)."""

motion_app = typer.Typer(
    name="motion",
    help="Phone and watch recordings: walking bouts, steps, cadence, speed.",
    no_args_is_help=True,
)

LONG_RECORDING_BYTES = 2_000_000
"""Files larger than this show a progress line while they are analysed."""


def _analysis_dict(analysis: Analysis) -> dict[str, Any]:
    from retrowalk.motion.guided import bout_summary

    rec = analysis.recording
    totals = analysis.gps_totals
    watch = rec.device_steps
    return {
        "source": rec.source,
        "format": rec.source_format,
        "device": rec.device,
        "placement": rec.placement,
        "start_utc": rec.start_utc.isoformat() if rec.start_utc else None,
        "duration_s": round(analysis.duration_s, 3),
        "has_acceleration": analysis.has_acceleration,
        "has_angular_rate": analysis.has_angular_rate,
        "has_gps": rec.gps is not None or (totals is not None and totals.fixes > 0),
        "gps_distance_m": None if totals is None else round(totals.distance_m, 2),
        "device_steps": None
        if watch is None
        else {
            "steps": watch.steps,
            "cadence_spm": None if watch.cadence_spm is None else round(watch.cadence_spm, 1),
            "source": watch.source,
        },
        "steps": analysis.steps if analysis.has_acceleration else None,
        "bouts": [bout_summary(b) for b in analysis.bouts],
    }


def _direction_cell(bout: Bout) -> str:
    if bout.kind == "turn":
        return "turn on the spot"
    label, confidence = bout.direction.label, bout.direction.confidence
    return label if label == "unknown" else f"{label} ({confidence:.2f})"


def _print_analysis(console: Console, analysis: Analysis) -> None:
    rec = analysis.recording
    where = f" ({rec.placement})" if rec.placement else ""
    console.print(
        f"[bold]{rec.source}[/] — {rec.source_format}{where}, {analysis.duration_s / 60:.1f} min",
        highlight=False,
    )
    if not analysis.has_acceleration:
        if rec.device_steps is not None:
            watch = rec.device_steps
            cadence = "" if watch.cadence_spm is None else f", {watch.cadence_spm:.0f} steps/min"
            console.print(
                f"The watch counted {watch.steps} steps{cadence} ({watch.source}).",
                highlight=False,
            )
        console.print(
            "This recording has no acceleration, so retrowalk cannot count steps itself. "
            "Use `retrowalk log --from-recording` for its GPS distance and speed."
        )
        return
    if not analysis.bouts:
        console.print("No walking bouts found.")
        return
    with_gyro = ", with the gyroscope's turns" if analysis.has_angular_rate else ""
    table = Table(title=f"{len(analysis.bouts)} walking bout(s), {analysis.steps} steps{with_gyro}")
    columns = ("start", "duration", "steps", "cadence (steps/min)", "direction", "distance")
    for column in (*columns, "speed"):
        table.add_column(column, justify="right")
    estimated = False
    for report in analysis.bouts:
        bout = report.bout
        mark = " *" if report.distance_is_estimate else ""
        estimated |= report.distance_is_estimate
        table.add_row(
            f"{bout.start_s:.1f} s",
            f"{bout.duration_s:.1f} s",
            str(bout.steps),
            f"{bout.cadence_spm:.0f}",
            _direction_cell(bout),
            "—" if report.distance_m is None else f"{report.distance_m:.1f} m{mark}",
            "—" if report.speed_m_s is None else f"{report.speed_m_s:.2f} m/s{mark}",
        )
    console.print(table)
    console.print(
        "Direction is not yet validated on real backward walking: 'backward' needs strong "
        "evidence, and most backward walking may still show as forward (docs/motion.md)."
    )
    if estimated:
        console.print("* estimate: steps × the step length you gave, not a measurement.")
    elif all(r.distance_m is None for r in analysis.bouts):
        console.print(
            "Distance and speed are not shown: the recording has no GPS. Give "
            "--step-length-m (measured over a known distance) for an estimate."
        )


def analyze_command(
    file: Path = typer.Argument(..., help="The recording (file, zip or Oxford folder)."),
    fmt: str = typer.Option(
        "auto", "--format", help=f"One of: {', '.join(FORMATS)}.", show_default=True
    ),
    step_length_m: float | None = typer.Option(
        None,
        "--step-length-m",
        help="Your step length in metres, measured over a known distance; gives an "
        "estimated distance and speed when there is no GPS.",
    ),
    columns: str | None = typer.Option(
        None,
        "--columns",
        help="For a generic CSV: time=…,x=…,y=…,z=…[,time_unit=s|ms|us|ns|iso][,acc_unit=g|m/s2]"
        "[,gyro_x=…,gyro_y=…,gyro_z=…][,gyro_unit=rad/s|deg/s]",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Find the walking bouts in a recording and count their steps."""
    from retrowalk.motion.errors import InvalidParameterError
    from retrowalk.motion.readers.generic_csv import parse_column_mapping
    from retrowalk.motion.streaming import analyze_file

    if fmt not in FORMATS:
        raise InvalidParameterError("--format", fmt, ", ".join(FORMATS))
    mapping = parse_column_mapping(columns) if columns else None
    console = Console()
    big = file.is_file() and file.stat().st_size > LONG_RECORDING_BYTES
    if big and not as_json:
        with Progress(
            SpinnerColumn(), TextColumn("Analysing: {task.fields[done]}"), transient=True
        ) as bar:
            task = bar.add_task("analyse", total=None, done="")
            analysis = analyze_file(
                file,
                fmt,
                mapping,
                step_length_m,
                progress=lambda s: bar.update(task, done=f"{s / 60:.0f} min of recording"),
            )
    else:
        analysis = analyze_file(file, fmt, mapping, step_length_m)
    if as_json:
        typer.echo(json.dumps(_analysis_dict(analysis), indent=2))
    else:
        _print_analysis(console, analysis)


def _evaluation_dict(oxford: OxfordEvaluation, ipol: IpolEvaluation | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "oxford": {
            "median_abs_error_pct": round(oxford.median_abs_error_pct, 2),
            "mean_abs_error_pct": round(oxford.mean_abs_error_pct, 2),
            "worst_placement_median_abs_error_pct": round(oxford.worst_placement_median_pct, 2),
            "placements": [
                {
                    "placement": p.placement,
                    "recordings": p.recordings,
                    "median_abs_error_pct": round(p.median_abs_error_pct, 2),
                    "max_abs_error_pct": round(p.max_abs_error_pct, 2),
                    "total_error_pct": round(p.total_error_pct, 2),
                }
                for p in oxford.placements
            ],
            "recordings": [
                {
                    "recording": r.name,
                    "placement": r.placement,
                    "true_steps": r.true_steps,
                    "detected_steps": r.detected_steps,
                    "error_pct": round(r.error_pct, 2),
                }
                for r in oxford.recordings
            ],
        }
    }
    if ipol is not None:
        out["ipol"] = {
            "trials": ipol.trials,
            "true_steps": ipol.true_steps,
            "detected_steps": ipol.detected_steps,
            "sensitivity": round(ipol.sensitivity, 4),
            "precision": round(ipol.precision, 4),
            "median_offset_s": round(ipol.median_offset_s, 3),
            "p95_abs_offset_s": round(ipol.p95_abs_offset_s, 3),
            "median_abs_count_error_pct": round(ipol.median_abs_count_error_pct, 2),
            "max_abs_in_trial_error_pct": round(ipol.max_abs_in_trial_error_pct, 2),
            "median_abs_whole_error_pct": round(ipol.median_abs_whole_error_pct, 2),
            "max_abs_whole_error_pct": round(ipol.max_abs_whole_error_pct, 2),
            "parts": [
                {"part": p.part, "annotated": p.annotated, "missed": p.missed, "extra": p.extra}
                for p in ipol.parts
            ],
            "tolerance_s": ipol.tolerance_s,
        }
    return out


def print_evaluation(
    console: Console, oxford: OxfordEvaluation, ipol: IpolEvaluation | None
) -> None:
    """The Oxford error tables (per placement, per recording) and the IPOL timing summary."""
    console.print(
        f"Oxford step counter ({len(oxford.recordings)} recordings, in-sample): median "
        f"absolute step-count error {oxford.median_abs_error_pct:.1f} %, mean "
        f"{oxford.mean_abs_error_pct:.1f} %, worst placement (median) "
        f"{oxford.worst_placement_median_pct:.1f} %.",
        highlight=False,
    )
    placements = Table(title="Per placement")
    for column in ("placement", "recordings", "median |error| %", "max |error| %", "total %"):
        placements.add_column(column, justify="right")
    for p in oxford.placements:
        placements.add_row(
            p.placement,
            str(p.recordings),
            f"{p.median_abs_error_pct:.1f}",
            f"{p.max_abs_error_pct:.1f}",
            f"{p.total_error_pct:+.1f}",
        )
    console.print(placements)
    per = Table(title="Per recording")
    for column in ("recording", "placement", "true", "detected", "error %"):
        per.add_column(column, justify="right")
    for r in oxford.recordings:
        per.add_row(
            r.name, r.placement, str(r.true_steps), str(r.detected_steps), f"{r.error_pct:+.1f}"
        )
    console.print(per)
    if ipol is not None:
        console.print(
            f"IPOL lower-back trials ({ipol.trials}; only the push-off rule was set on them): "
            f"{ipol.sensitivity:.1%} of {ipol.true_steps} hand-checked steps found within "
            f"±{ipol.tolerance_s:.2f} s, precision {ipol.precision:.1%}; median offset "
            f"{ipol.median_offset_s * 1000:+.0f} ms, 95th percentile |offset| "
            f"{ipol.p95_abs_offset_s * 1000:.0f} ms; median per-trial count error "
            f"{ipol.median_abs_count_error_pct:.1f} % "
            f"(worst {ipol.max_abs_in_trial_error_pct:.1f} %); "
            f"whole recording against every annotated footstep: median "
            f"{ipol.median_abs_whole_error_pct:.1f} %, worst {ipol.max_abs_whole_error_pct:.1f} %.",
            highlight=False,
        )
        parts = Table(title="IPOL errors by part of the trial")
        for column in ("part", "annotated", "missed", "extra"):
            parts.add_column(column, justify="right")
        for part in ipol.parts:
            parts.add_row(part.part, str(part.annotated), str(part.missed), str(part.extra))
        console.print(parts)


def evaluate_command(
    data: Path | None = typer.Option(
        None,
        "--data",
        help=(
            "The data folder holding oxford-step-counter (and ipol-lower-back-gait), or the "
            "oxford-step-counter folder itself (default: ../shared/data or "
            "$RETROWALK_SHARED/data)."
        ),
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Step-count error on the hand-counted Oxford recordings (and IPOL step timing)."""
    from retrowalk.motion.evaluation import default_oxford_dir, evaluate_ipol, evaluate_oxford

    folder = data if data is not None else default_oxford_dir()
    if (folder / "oxford-step-counter").is_dir():  # the data folder, as the default names it
        folder = folder / "oxford-step-counter"
    oxford = evaluate_oxford(folder)
    ipol_dir = folder.parent / "ipol-lower-back-gait" / "trials"
    ipol = evaluate_ipol(ipol_dir) if ipol_dir.is_dir() else None
    if as_json:
        typer.echo(json.dumps(_evaluation_dict(oxford, ipol), indent=2))
    else:
        print_evaluation(Console(), oxford, ipol)


def export_dataset_command(
    folder: Path = typer.Argument(..., help="A new (or empty) folder for the data set."),
    database_url: DbOption = None,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a sentence."),
) -> None:
    """Export guided-session recordings whose walker allowed research use, with their labels.

    One folder per recording (acceleration, angular rate, phase labels, consent, checksums)
    and a manifest.json; walkers appear as pseudonyms only.
    """
    from retrowalk.cli.options import open_context
    from retrowalk.services.session_recordings import export_research_dataset

    ctx, actor = open_context(database_url)
    result = export_research_dataset(ctx, actor, folder)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    console = Console()
    console.print(
        f"Wrote {result.recordings} recording(s) allowed for research to {result.folder} "
        "(manifest.json lists them).",
        highlight=False,
    )
    for problem in result.skipped:
        console.print(f"Skipped {problem}", highlight=False)


motion_app.command("analyze")(analyze_command)
motion_app.command("evaluate")(evaluate_command)
motion_app.command("export-dataset")(export_dataset_command)


def register(app: typer.Typer) -> None:
    """Add the ``motion`` command group to the root app."""
    app.add_typer(motion_app, name="motion")
