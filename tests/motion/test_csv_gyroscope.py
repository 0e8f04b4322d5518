"""A generic CSV's gyroscope: read from the acceleration's own rows, in one pass.

Columns named ``gyro_x (rad/s)`` … (or ``wx [deg/s]`` …) are the angular rate; the unit must be
in the header (or given), never guessed. Streamed, the file gives the turns that the paired
phyphox export of the same trial gives, for any block size; a file that does not say its
unit, or says two, is refused naming the columns; the file is read once.
"""

from __future__ import annotations

import dataclasses
import gzip
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.motion import analyze, detect_bouts, read_recording
from retrowalk.motion.bouts import Bout
from retrowalk.motion.errors import InvalidParameterError, RecordingFormatError
from retrowalk.motion.readers import blocks, generic_csv
from retrowalk.motion.readers.blocks import TextBlock
from retrowalk.motion.readers.common import clean_series
from retrowalk.motion.readers.generic_csv import parse_column_mapping
from retrowalk.motion.readers.pairing import RowPairing
from retrowalk.motion.readers.source import ChunkCleaner, RawBlock, clean_chunks, joint_rows
from retrowalk.motion.recording import FloatArray, Recording
from retrowalk.motion.streaming import analyze_file, analyze_in_chunks
from retrowalk.motion.turns import gyro_at
from tests.motion.exports import Series, ipol_motion, write_export
from tests.motion.test_streaming import _same

TRIAL = "4-4_lb.txt.gz"  # walks, then turns on the spot after the trial end
HEADERS = {
    "rad/s": ("gyro_x (rad/s)", "gyro_y (rad/s)", "gyro_z (rad/s)"),
    "deg/s": ("wx [deg/s]", "wy [deg/s]", "wz [deg/s]"),
    "dps": ("Gyro X dps", "Gyro Y dps", "Gyro Z dps"),
}


def _write_csv(path: Path, acc: Series, gyro: FloatArray, names: tuple[str, ...]) -> Path:
    """A CSV of ``acc`` and ``gyro`` at the same times, every value exactly (``repr``)."""
    header = ",".join(("time", "acc_x", "acc_y", "acc_z", *names))
    table = np.column_stack((acc[0], acc[1], gyro))
    lines = [",".join(repr(v) for v in row) for row in table.tolist()]
    path.write_text(header + "\n" + "\n".join(lines) + "\n")
    return path


def _kinds(bouts: list[Bout]) -> list[tuple[str, int]]:
    return [(b.kind, b.steps) for b in bouts]


@pytest.fixture(scope="module")
def trial(ipol_dir: Path) -> tuple[Recording, Series, Series]:
    return ipol_motion(ipol_dir / TRIAL)


@pytest.mark.parametrize("unit", sorted(HEADERS))
def test_a_csv_with_a_gyroscope_turns_as_the_paired_phyphox_export_does(
    trial: tuple[Recording, Series, Series],
    tmp_path: Path,
    unit: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 4096)  # block edges every few dozen rows
    recording, acc, gyro = trial
    scale = 1.0 if unit == "rad/s" else 180.0 / math.pi
    csv = _write_csv(tmp_path / "walk.csv", acc, gyro[1] * scale, HEADERS[unit])
    streamed = analyze_file(csv)
    assert streamed.has_angular_rate
    whole = read_recording(csv)
    assert whole.gyro_rad_s is not None
    np.testing.assert_allclose(whole.gyro_rad_s.xyz, gyro[1], rtol=1e-12, atol=1e-15)
    _same([r.bout for r in streamed.bouts], [r.bout for r in analyze(whole).bouts])
    phyphox = analyze_file(write_export("phyphox", tmp_path, acc, gyro))
    assert phyphox.has_angular_rate
    assert _kinds([r.bout for r in streamed.bouts]) == _kinds([r.bout for r in phyphox.bouts])
    for ours, theirs in zip(streamed.bouts, phyphox.bouts, strict=True):
        np.testing.assert_allclose(ours.bout.step_times_s, theirs.bout.step_times_s, atol=1e-6)
    assert "turn" in [kind for kind, _ in _kinds([r.bout for r in streamed.bouts])]
    assert _kinds([r.bout for r in streamed.bouts]) == _kinds(detect_bouts(recording))
    without = detect_bouts(dataclasses.replace(recording, gyro_rad_s=None))
    assert streamed.steps != sum(b.steps for b in without)  # the turns are counted


@settings(max_examples=25, deadline=None)
@given(block_bytes=st.integers(120, 40_000), start=st.floats(0.0, 0.9))
def test_any_block_size_gives_the_whole_files_bouts(
    trial: tuple[Recording, Series, Series],
    tmp_path_factory: pytest.TempPathFactory,
    block_bytes: int,
    start: float,
) -> None:
    _, acc, gyro = trial
    first = int(start * acc[0].size)
    cut = (acc[0][first:], acc[1][first:])  # starting anywhere: in the walk, in the turn
    path = _write_csv(
        tmp_path_factory.mktemp("csv") / "walk.csv", cut, gyro[1][first:], HEADERS["rad/s"]
    )
    whole = analyze_in_chunks(read_recording(path))
    saved = blocks.BLOCK_BYTES
    blocks.BLOCK_BYTES = block_bytes
    try:
        streamed = analyze_file(path)
    finally:
        blocks.BLOCK_BYTES = saved
    assert streamed.has_angular_rate
    _same([r.bout for r in streamed.bouts], [r.bout for r in whole.bouts])


@settings(max_examples=60, deadline=None)
@given(
    rate_hz=st.floats(20.0, 200.0),
    block=st.integers(1, 157),
    acc_missing=st.lists(st.integers(0, 999), max_size=20),
    gyro_missing=st.lists(st.integers(0, 999), max_size=20),
    repeated=st.lists(st.integers(1, 999), max_size=20),
    swapped=st.lists(st.integers(1, 998), max_size=20),
    seed=st.integers(0, 2**16),
)
def test_rows_paired_as_they_are_read_are_what_the_whole_table_gives(
    rate_hz: float,
    block: int,
    acc_missing: list[int],
    gyro_missing: list[int],
    repeated: list[int],
    swapped: list[int],
    seed: int,
) -> None:
    """Rows out of order, repeated, or with the acceleration or the angular rate missing: the
    angular rate paired block by block is the whole table's, interpolated at its timestamps."""
    rng = np.random.default_rng(seed)
    t = np.arange(1000) / rate_hz
    for i in swapped:
        t[[i, i + 1]] = t[[i + 1, i]]
    for i in repeated:
        t[i] = t[i - 1]
    acc, rate = rng.normal(size=(1000, 3)), rng.normal(size=(1000, 3))
    acc[acc_missing, 1] = np.nan
    rate[gyro_missing, 2] = np.nan
    t = joint_rows(t, acc, rate)
    complete = np.isfinite(t)
    if complete.sum() < 2:
        return
    recording = Recording(
        "r",
        "test",
        acc_m_s2=clean_series("r", "acc", t, acc),
        gyro_rad_s=clean_series("r", "gyroscope", t, rate),
    )
    expected = gyro_at(recording)
    assert expected is not None
    pairing = RowPairing("r", "gyroscope")

    def raw() -> Iterator[RawBlock]:
        for i in range(0, t.size, block):
            pairing.add(t[i : i + block], rate[i : i + block])
            yield t[i : i + block], acc[i : i + block]
        pairing.end()

    parts = [pairing.at(ts) for ts, _ in clean_chunks(raw(), ChunkCleaner("r", "acc"))]
    pairing.finish()
    np.testing.assert_array_equal(np.concatenate(parts), expected)


def _header_only(tmp_path: Path, names: str) -> Path:
    path = tmp_path / "walk.csv"
    rows = "\n".join(f"{i / 50},0,0,9.8,{0.1 * i},0,0" for i in range(100))
    path.write_text(f"time,x,y,z,{names}\n{rows}\n")
    return path


@pytest.mark.parametrize(
    ("names", "words"),
    [
        ("gyro_x,gyro_y,gyro_z", "do not say their unit"),
        ("wx (rpm),wy (rpm),wz (rpm)", "'rpm', which is not an angular rate"),
        ("gyro_x (rad/s),gyro_y (deg/s),gyro_z (rad/s)", "do not say one unit"),
        ("gyro_x (rad/s),gyro_y,gyro_z (rad/s)", "'gyro_y' (no unit)"),
        ("gyro_x (rad/s),gyro_y (rad/s),other", "none for z; give all three axes, or none"),
        ("gyro_x (rad/s),wx (rad/s),gyro_z (rad/s)", "two gyroscope x columns"),
    ],
)
def test_a_gyroscope_that_does_not_say_one_known_unit_is_refused_naming_its_columns(
    tmp_path: Path, names: str, words: str
) -> None:
    path = _header_only(tmp_path, names)
    for read in (read_recording, analyze_file):
        with pytest.raises(RecordingFormatError) as caught:
            read(path)
        assert words in str(caught.value)
        assert caught.value.line == 1


def test_a_mapping_names_the_gyroscope_and_gives_its_unit(tmp_path: Path) -> None:
    path = _header_only(tmp_path, "rx,ry,rz")
    assert read_recording(path).gyro_rad_s is None  # not names of a gyroscope: ignored
    mapping = parse_column_mapping(
        "time=time,x=x,y=y,z=z,gyro_x=rx,gyro_y=ry,gyro_z=rz,gyro_unit=deg/s"
    )
    recording = read_recording(path, columns=mapping)
    assert recording.gyro_rad_s is not None
    assert recording.gyro_rad_s.xyz[10, 0] == pytest.approx(math.radians(1.0))
    with pytest.raises(RecordingFormatError, match="do not say their unit"):
        read_recording(
            path,
            columns=parse_column_mapping("time=time,x=x,y=y,z=z,gyro_x=rx,gyro_y=ry,gyro_z=rz"),
        )
    said = _header_only(tmp_path, "gx (rad/s),gy (rad/s),gz (rad/s)")
    clash = parse_column_mapping(
        "time=time,x=x,y=y,z=z,gyro_x=gx (rad/s),gyro_y=gy (rad/s),gyro_z=gz (rad/s),"
        "gyro_unit=deg/s"
    )
    with pytest.raises(RecordingFormatError, match="say rad/s but gyro_unit is deg/s"):
        read_recording(said, columns=clash)
    with pytest.raises(InvalidParameterError, match="gyro_z"):
        parse_column_mapping("time=t,x=a,y=b,z=c,gyro_x=p,gyro_y=q")
    with pytest.raises(InvalidParameterError, match="gyro_unit"):
        parse_column_mapping("time=t,x=a,y=b,z=c,gyro_unit=rpm")


def test_a_broken_gyroscope_cell_is_refused_naming_its_line_and_column(tmp_path: Path) -> None:
    path = _header_only(tmp_path, "gyro_x (rad/s),gyro_y (rad/s),gyro_z (rad/s)")
    lines = path.read_text().split("\n")
    lines[60] = lines[60].rsplit(",", 1)[0] + ",oops"
    path.write_text("\n".join(lines))
    with pytest.raises(RecordingFormatError) as caught:
        analyze_file(path)
    assert (caught.value.line, caught.value.column) == (61, "gyro_z (rad/s)")


@pytest.mark.parametrize("fmt", ["csv", "ipol"])
def test_a_table_with_a_gyroscope_in_its_rows_is_read_once(
    trial: tuple[Recording, Series, Series],
    ipol_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
) -> None:
    """Streamed, the angular rate comes from the rows the acceleration is read from: the
    file's text is read once (and its first lines once more, for the header)."""
    from retrowalk.motion.readers import datasets

    _, acc, gyro = trial
    if fmt == "csv":
        path = _write_csv(tmp_path / "walk.csv", acc, gyro[1], HEADERS["rad/s"])
        size = path.stat().st_size
    else:
        path = ipol_dir / TRIAL
        size = len(gzip.decompress(path.read_bytes()))
    module = generic_csv if fmt == "csv" else datasets
    read: list[int] = []
    original = module.iter_blocks

    def counted(*args: object, **kwargs: object) -> Iterator[TextBlock]:
        for block in original(*args, **kwargs):  # type: ignore[arg-type]
            read.append(len(block.text))
            yield block

    monkeypatch.setattr(module, "iter_blocks", counted)
    assert analyze_file(path).has_angular_rate
    assert size <= sum(read) <= size + (1 << 16)
