"""Readers for the two real data sets in ``../shared/data``.

* Oxford step counter (optimisation part): one folder per recording, ``accelerometer.csv.gz``
  without header (``timestamp_ns_since_boot, sensor_type, x, y, z`` in m/s² with gravity);
  ``stats.csv`` holds the hand-counted steps.
* IPOL lower-back gait (Voisard et al. 2023): ``<trial>_lb.txt.gz`` at 100 Hz with a
  ``PacketCounter`` column, and ``<trial>.json`` with hand-checked footstep annotations.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrowalk.motion.errors import RecordingFormatError
from retrowalk.motion.readers.blocks import iter_blocks, open_bytes, split_first_lines
from retrowalk.motion.readers.source import (
    GyroCollector,
    RawBlock,
    RecordingSource,
    collect,
    joint_rows,
)
from retrowalk.motion.readers.table import Dialect, parse_block, read_text, split_header
from retrowalk.motion.recording import Recording, normalise_placement

OXFORD_COLUMNS = ("timestamp_ns", "sensor_type", "acc_x", "acc_y", "acc_z")


def is_oxford_folder(path: Path) -> bool:
    """A folder holding an Oxford ``accelerometer.csv(.gz)``."""
    return path.is_dir() and any(
        (path / name).is_file() for name in ("accelerometer.csv.gz", "accelerometer.csv")
    )


def _oxford_file(path: Path) -> tuple[Path, Path]:
    folder = path if path.is_dir() else path.parent
    file = path
    if path.is_dir():
        file = folder / "accelerometer.csv.gz"
        if not file.is_file():
            file = folder / "accelerometer.csv"
        if not file.is_file():
            raise RecordingFormatError(path, "the folder has no accelerometer.csv.gz")
    return folder, file


def source_oxford(path: Path, want_gyro: bool = False) -> RecordingSource:
    """One Oxford recording folder (or its ``accelerometer.csv.gz``), block by block."""
    del want_gyro  # the Oxford phones recorded acceleration only
    folder, file = _oxford_file(path)

    def blocks() -> Iterator[RawBlock]:
        first: float | None = None
        with open_bytes(file) as raw:
            for block in iter_blocks(file, raw):
                data = parse_block(
                    file,
                    block,
                    columns=OXFORD_COLUMNS,
                    dialect=Dialect(",", "."),
                )
                if data.shape[0] == 0:
                    continue
                if first is None:
                    first = float(data[0, 0])
                yield (data[:, 0] - first) * 1e-9, data[:, 2:5]

    def metadata() -> Recording:
        parts = folder.name.split("_")
        device = parts[0] if len(parts) >= 4 else None
        placement = normalise_placement(parts[3]) if len(parts) >= 5 else None
        meta: dict[str, str] = {}
        meta_file = folder / "metadata.txt"
        if meta_file.is_file():
            meta["sensor"] = meta_file.read_text(errors="replace").strip()
        if len(parts) >= 5:
            meta.update(user=parts[1], surface=parts[2].lower())
        return Recording(
            source=folder.name,
            source_format="oxford",
            acc_includes_gravity=True,
            device=device,
            placement=placement,
            metadata=meta,
        )

    return RecordingSource(str(file.name), blocks(), metadata)


def read_oxford(path: Path) -> Recording:
    """One Oxford recording folder (or its ``accelerometer.csv.gz`` file)."""
    return collect(source_oxford(path))


@dataclass(frozen=True)
class OxfordTruth:
    """One row of the Oxford ``stats.csv``: the hand-counted steps of a recording."""

    folder: str
    user: str
    phone: str
    placement: str
    surface: str
    duration_s: float
    steps: int


def read_oxford_stats(path: Path) -> list[OxfordTruth]:
    """The ground truth of the Oxford set (placement spellings normalised)."""
    text = read_text(path)
    rows: list[OxfordTruth] = []
    reader = csv.reader(io.StringIO(text))
    for number, fields in enumerate(reader, start=1):
        if not fields or fields[0].lstrip().startswith("#"):
            continue
        if len(fields) != 7:
            raise RecordingFormatError(path, f"expected 7 fields, found {len(fields)}", line=number)
        cells = [f.strip() for f in fields]
        try:
            rows.append(
                OxfordTruth(
                    folder=cells[0],
                    user=cells[1],
                    phone=cells[2],
                    placement=normalise_placement(cells[3]),
                    surface=cells[4].lower(),
                    duration_s=float(cells[5]),
                    steps=int(cells[6]),
                )
            )
        except ValueError:
            raise RecordingFormatError(
                path, "duration and steps must be numbers", line=number
            ) from None
    return rows


IPOL_RATE_HZ = 100.0


def _ipol_rate(path: Path, first: str) -> float:
    if not first.strip().lower().startswith("acquisition frequency"):
        raise RecordingFormatError(path, "expected 'Acquisition frequency: … Hz'", line=1)
    try:
        rate_hz = float(first.split(":", 1)[1].lower().replace("hz", "").strip())
    except (IndexError, ValueError):
        raise RecordingFormatError(path, f"cannot read the rate in {first!r}", line=1) from None
    if not np.isfinite(rate_hz) or rate_hz <= 0:
        raise RecordingFormatError(path, f"cannot read the rate in {first!r}", line=1)
    return rate_hz


_IPOL_GYRO = ("Gyr_X", "Gyr_Y", "Gyr_Z")


def source_ipol(path: Path, want_gyro: bool = False) -> RecordingSource:
    """One IPOL lower-back trial, ``<trial>_lb.txt(.gz)``, block by block.

    The angular rate (``Gyr_X/Y/Z``, rad/s) shares the acceleration's rows, so it is taken
    from the same parsed blocks (``gyro_rows``): the file is read once, whole or streamed.
    """
    with open_bytes(path) as raw:
        lines, _ = split_first_lines(iter_blocks(path, raw, 1 << 16), 2)
    if len(lines) < 2:
        raise RecordingFormatError(path, "expected a frequency line, a header and samples")
    rate_hz = _ipol_rate(path, lines[0])
    columns = split_header(lines[1], "\t")
    needed = ("PacketCounter", "Acc_X", "Acc_Y", "Acc_Z")
    missing = [c for c in needed if c not in columns]
    if missing:
        raise RecordingFormatError(path, f"the header lacks {', '.join(missing)}", line=2)
    t_col = columns.index("PacketCounter")
    acc_cols = [columns.index(c) for c in needed[1:]]
    has_gyro = all(c in columns for c in _IPOL_GYRO)
    gyro_cols = [columns.index(c) for c in _IPOL_GYRO] if has_gyro else []
    gyro = GyroCollector(want_gyro)

    def blocks() -> Iterator[RawBlock]:
        with open_bytes(path) as raw:
            _, rest = split_first_lines(iter_blocks(path, raw), 2)
            for block in rest:
                data = parse_block(path, block, columns=columns, dialect=Dialect("\t", "."))
                t_s = data[:, t_col] / rate_hz
                if has_gyro:
                    t_s = joint_rows(t_s, data[:, acc_cols], data[:, gyro_cols])
                    gyro.add(t_s, data[:, gyro_cols])
                yield t_s, data[:, acc_cols]
        gyro.end()

    def metadata() -> Recording:
        return Recording(
            source=path.name,
            source_format="ipol",
            acc_includes_gravity=True,
            gyro_rad_s=gyro.series(path.name),
            device="XSens MTw Awinda",
            placement="lower_back",
            metadata={"rate_hz": f"{rate_hz:g}"},
        )

    return RecordingSource(path.name, blocks(), metadata, gyro_rows=gyro if has_gyro else None)


def read_ipol(path: Path) -> Recording:
    """One IPOL lower-back trial, ``<trial>_lb.txt(.gz)`` (acceleration with gravity, 100 Hz)."""
    return collect(source_ipol(path, want_gyro=True))


@dataclass(frozen=True)
class IpolAnnotation:
    """Hand-checked footsteps of one IPOL trial, as times in seconds.

    Each footstep is a [start, end] pair of samples; its end is the foot contact used here
    as the step time.
    """

    trial: str
    trial_start_s: float
    trial_end_s: float
    step_times_s: np.ndarray[tuple[int], np.dtype[np.float64]]
    turn_start_s: float | None = None
    turn_end_s: float | None = None


def read_ipol_annotation(path: Path, rate_hz: float = IPOL_RATE_HZ) -> IpolAnnotation:
    """The footstep annotations of one trial (``<trial>.json``)."""
    try:
        doc = json.loads(read_text(path))
        start, end = (float(v) / rate_hz for v in doc["TrialBoundaries"])
        contacts = [pair[1] for pair in doc["LeftFootEvents"] + doc["RightFootEvents"]]
        turn = doc.get("UTurnBoundaries")
        turn_s = (float(turn[0]) / rate_hz, float(turn[1]) / rate_hz) if turn else (None, None)
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, IndexError) as exc:
        raise RecordingFormatError(path, f"not an IPOL annotation file ({exc})") from None
    except RecursionError:
        raise RecordingFormatError(
            path, "not an IPOL annotation file (nested too deeply)"
        ) from None
    times = np.sort(np.asarray(contacts, dtype=np.float64)) / rate_hz
    return IpolAnnotation(
        trial=path.stem,
        trial_start_s=start,
        trial_end_s=end,
        step_times_s=times,
        turn_start_s=turn_s[0],
        turn_end_s=turn_s[1],
    )
