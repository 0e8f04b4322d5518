"""A guided-session recording, with its phase labels and consent, as a research data set.

No public data set of labelled backward walking could be found, so retrowalk makes its own:
each recording a walker agreed to share becomes one folder that anyone can read without
retrowalk (CSV, JSON, a README) and that :func:`read_labelled_dataset` reads back to check
the direction classifier against the labels (:func:`evaluate_labelled_datasets`).

What is written, and what is not: times are seconds from the start of the recording (no
wall-clock time, no device name); the participant is a code chosen by the caller, never a
name or email. Writing refuses a consent record that does not allow research use.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from retrowalk.motion.analysis import analyze
from retrowalk.motion.errors import InvalidParameterError, RecordingFormatError
from retrowalk.motion.phases import (
    DirectionCheck,
    Phase,
    asked_direction,
    check_directions,
    check_phases,
)
from retrowalk.motion.phases import split_by_phase as _split
from retrowalk.motion.recording import Recording, SensorSeries

DATASET_VERSION = "retrowalk-labelled-walking/1"
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_FILES = ("acceleration.csv", "labels.csv", "metadata.json", "consent.json", "README.md")


@dataclass(frozen=True)
class ConsentRecord:
    """What the walker agreed to, as recorded by the guided session."""

    participant_code: str
    """A pseudonym (letters, digits, ``-``, ``_``): never a name or an email."""
    consent_version: str
    """The version of the consent text the walker read."""
    given_at_utc: datetime
    allows_research_use: bool
    allows_public_sharing: bool = False

    def validate(self) -> None:
        """Refuse a record that does not allow research use or names the participant."""
        if not self.allows_research_use:
            raise InvalidParameterError(
                "consent", "no research use", "a consent record that allows research use"
            )
        if not _CODE.match(self.participant_code):
            raise InvalidParameterError(
                "participant_code",
                self.participant_code,
                "a pseudonym of letters, digits, '-' or '_' (at most 64)",
            )
        if self.given_at_utc.tzinfo is None:
            raise InvalidParameterError(
                "given_at_utc", self.given_at_utc, "a timezone-aware time (UTC)"
            )
        if not self.consent_version.strip():
            raise InvalidParameterError("consent_version", self.consent_version, "a version")


def _series_csv(series: SensorSeries, unit: str) -> str:
    out = io.StringIO()
    out.write(f"t_s,x_{unit},y_{unit},z_{unit}\n")
    for t, (x, y, z) in zip(series.t_s.tolist(), series.xyz.tolist(), strict=True):
        out.write(f"{t:.6f},{x:.6f},{y:.6f},{z:.6f}\n")
    return out.getvalue()


def _readme(recording: Recording, phases: Sequence[Phase]) -> str:
    return f"""# A labelled walking recording ({DATASET_VERSION})

Made by retrowalk from a guided session, shared with the walker's consent (`consent.json`).

- `acceleration.csv`: `t_s` (seconds from the start of the recording), `x,y,z` in m/s²
  {"with" if recording.acc_includes_gravity else "without"} gravity, in the phone's own axes.
- `gyroscope.csv` (when recorded): `t_s`, angular rate in rad/s.
- `labels.csv`: one row per phase: `label, start_s, end_s, direction` — what the walker was
  asked to do (`direction` forward/backward for walking phases, empty otherwise). The labels
  are instructions the session gave, not a hand count of what was done.
- `metadata.json`: format, placement, sampling, the retrowalk version that wrote it.
- `MANIFEST.sha256`: checksums of every file.

Phases: {len(phases)}. No wall-clock time, device name or personal detail is included.
"""


def write_labelled_dataset(
    folder: Path,
    recording: Recording,
    phases: Sequence[Phase],
    consent: ConsentRecord,
    software_version: str = "",
) -> Path:
    """Write ``recording`` with its phase labels and consent as a data set folder.

    ``folder`` must not exist yet (a data set is never overwritten); returns it.
    """
    consent.validate()
    check_phases(phases)
    if not phases:
        raise InvalidParameterError("phases", "none", "at least one labelled phase")
    if recording.acc_m_s2 is None:
        raise InvalidParameterError("recording", recording.source, "a recording with acceleration")
    if folder.exists():
        raise InvalidParameterError("folder", str(folder), "a folder that does not exist yet")
    folder.mkdir(parents=True)
    files: dict[str, str] = {"acceleration.csv": _series_csv(recording.acc_m_s2, "m_s2")}
    if recording.gyro_rad_s is not None:
        files["gyroscope.csv"] = _series_csv(recording.gyro_rad_s, "rad_s")
    labels = io.StringIO()
    writer = csv.writer(labels, lineterminator="\n")
    writer.writerow(["label", "start_s", "end_s", "direction"])
    for phase in sorted(phases, key=lambda p: p.start_s):
        writer.writerow(
            [phase.label, f"{phase.start_s:.3f}", f"{phase.end_s:.3f}", phase.direction or ""]
        )
    files["labels.csv"] = labels.getvalue()
    metadata = {
        "dataset_version": DATASET_VERSION,
        "source_format": recording.source_format,
        "placement": recording.placement,
        "acc_includes_gravity": recording.acc_includes_gravity,
        "acc_median_rate_hz": round(recording.acc_m_s2.median_rate_hz, 3),
        "duration_s": round(recording.duration_s, 3),
        "written_by": f"retrowalk {software_version}".strip(),
    }
    files["metadata.json"] = json.dumps(metadata, indent=2) + "\n"
    files["consent.json"] = (
        json.dumps(
            {
                "participant_code": consent.participant_code,
                "consent_version": consent.consent_version,
                "given_at_utc": consent.given_at_utc.isoformat(),
                "allows_research_use": consent.allows_research_use,
                "allows_public_sharing": consent.allows_public_sharing,
            },
            indent=2,
        )
        + "\n"
    )
    files["README.md"] = _readme(recording, phases)
    manifest = []
    for name, text in files.items():
        data = text.encode("utf-8")
        (folder / name).write_bytes(data)
        manifest.append(f"{hashlib.sha256(data).hexdigest()}  {name}")
    (folder / "MANIFEST.sha256").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    return folder


def _read_series(path: Path) -> SensorSeries:
    try:
        data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    except (OSError, ValueError) as exc:
        raise RecordingFormatError(path, f"not a data set series ({exc})") from None
    if data.shape[1] != 4 or data.shape[0] < 2:
        raise RecordingFormatError(path, "expected t_s,x,y,z rows")
    return SensorSeries(data[:, 0], data[:, 1:4])


def read_labelled_dataset(folder: Path) -> tuple[Recording, list[Phase]]:
    """A data set folder written by :func:`write_labelled_dataset`: recording and phases."""
    missing = [name for name in _FILES if not (folder / name).is_file()]
    if missing:
        raise RecordingFormatError(folder, f"not a labelled data set (no {', '.join(missing)})")
    try:
        metadata: dict[str, Any] = json.loads((folder / "metadata.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise RecordingFormatError(folder / "metadata.json", f"unreadable ({exc})") from None
    phases: list[Phase] = []
    with (folder / "labels.csv").open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                direction = asked_direction(row["direction"])
                phases.append(
                    Phase(row["label"], float(row["start_s"]), float(row["end_s"]), direction)
                )
            except (KeyError, TypeError, ValueError):
                raise RecordingFormatError(
                    folder / "labels.csv", "expected label,start_s,end_s,direction", line=number
                ) from None
    check_phases(phases)
    gyro_file = folder / "gyroscope.csv"
    recording = Recording(
        source=folder.name,
        source_format="labelled-dataset",
        acc_m_s2=_read_series(folder / "acceleration.csv"),
        acc_includes_gravity=bool(metadata.get("acc_includes_gravity", True)),
        gyro_rad_s=_read_series(gyro_file) if gyro_file.is_file() else None,
        placement=metadata.get("placement"),
    )
    return recording, phases


def evaluate_labelled_datasets(root: Path) -> DirectionCheck:
    """The direction classifier against the labels of every data set folder under ``root``."""
    reports = []
    for folder in sorted(p for p in root.iterdir() if (p / "labels.csv").is_file()):
        recording, phases = read_labelled_dataset(folder)
        reports += _split(analyze(recording), phases)
    return check_directions(reports)
