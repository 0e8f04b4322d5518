"""A gyroscope in a file of its own is streamed beside the acceleration and paired to it.

phyphox and Sensor Logger keep the gyroscope in a second file of the export. Analysed as a
stream (``retrowalk motion analyze``, an upload to a session), it gives the turns that the
whole-file analysis gives; without one, the result is the acceleration's alone, as before; a
broken gyroscope file is refused with its name, line and column.
"""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.motion import analyze, detect_bouts, read_recording
from retrowalk.motion.errors import RecordingFormatError
from retrowalk.motion.readers import blocks
from retrowalk.motion.readers.pairing import GyroPairing
from retrowalk.motion.recording import Recording, SensorSeries
from retrowalk.motion.streaming import analyze_file
from retrowalk.motion.turns import gyro_at
from tests.motion.exports import ipol_motion, resampled, write_export
from tests.motion.test_streaming import _same

FORMATS = ["phyphox", "sensor-logger"]
TRIAL = "4-4_lb.txt.gz"  # walks, turns on the spot after the trial end: bouts of kind "turn"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_two_file_export_of_a_real_trial_gives_its_turns_when_streamed(
    ipol_dir: Path, tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 4096)  # block edges every few dozen rows
    trial, acc, gyro = ipol_motion(ipol_dir / TRIAL)
    path = write_export(fmt, tmp_path, acc, gyro)
    streamed = analyze_file(path)
    _same([r.bout for r in streamed.bouts], [r.bout for r in analyze(read_recording(path)).bouts])
    assert streamed.has_angular_rate
    assert "turn" in [r.bout.kind for r in streamed.bouts]
    assert streamed.steps == sum(b.steps for b in detect_bouts(trial))
    without = detect_bouts(dataclasses.replace(trial, gyro_rad_s=None))
    assert streamed.steps != sum(b.steps for b in without)  # the turns are counted now


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_without_a_gyroscope_gives_the_acceleration_alone(
    ipol_dir: Path, tmp_path: Path, fmt: str
) -> None:
    trial, acc, _ = ipol_motion(ipol_dir / TRIAL)
    streamed = analyze_file(write_export(fmt, tmp_path, acc, None))
    assert not streamed.has_angular_rate
    without = detect_bouts(dataclasses.replace(trial, gyro_rad_s=None))
    assert [r.bout.steps for r in streamed.bouts] == [b.steps for b in without]
    assert "turn" not in [r.bout.kind for r in streamed.bouts]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_gyroscope_at_another_rate_starting_later_is_paired_to_the_acceleration(
    ipol_dir: Path, tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 4096)
    _, acc, gyro = ipol_motion(ipol_dir / TRIAL)
    # another device: 60 Hz, from 1.5 s after the accelerometer's start to 2 s before its end
    later = resampled(gyro, 60.0, float(acc[0][0]) + 1.5, float(acc[0][-1]) - 2.0)
    path = write_export(fmt, tmp_path, acc, later)
    whole = read_recording(path)
    assert whole.gyro_rad_s is not None
    assert whole.gyro_rad_s.median_rate_hz == pytest.approx(60.0, rel=1e-3)
    streamed = analyze_file(path)
    assert streamed.has_angular_rate
    _same([r.bout for r in streamed.bouts], [r.bout for r in analyze(whole).bouts])


@settings(max_examples=40, deadline=None)
@given(
    acc_rate=st.floats(20.0, 200.0),
    gyro_rate=st.floats(10.0, 400.0),
    offset_s=st.floats(-3.0, 3.0),
    length_s=st.floats(0.5, 12.0),
    acc_chunk=st.integers(1, 97),
    gyro_block=st.integers(1, 131),
    seed=st.integers(0, 2**16),
)
def test_paired_chunk_by_chunk_the_angular_rate_is_what_the_whole_file_gives(
    acc_rate: float,
    gyro_rate: float,
    offset_s: float,
    length_s: float,
    acc_chunk: int,
    gyro_block: int,
    seed: int,
) -> None:
    rng = np.random.default_rng(seed)
    t_acc = np.arange(0.0, 10.0, 1.0 / acc_rate)
    t_gyro = offset_s + np.arange(0.0, length_s, 1.0 / gyro_rate)
    if t_gyro.size < 2:
        return
    values = rng.normal(size=(t_gyro.size, 3))
    recording = Recording(
        "r",
        "test",
        acc_m_s2=SensorSeries(t_acc, np.ones((t_acc.size, 3))),
        gyro_rad_s=SensorSeries(t_gyro, values),
    )
    expected = gyro_at(recording)
    assert expected is not None
    raw = (
        (t_gyro[i : i + gyro_block], values[i : i + gyro_block])
        for i in range(0, t_gyro.size, gyro_block)
    )
    pairing = GyroPairing("r", "gyroscope", raw)
    assert pairing.present()
    parts = [pairing.at(t_acc[i : i + acc_chunk]) for i in range(0, t_acc.size, acc_chunk)]
    pairing.finish()
    np.testing.assert_allclose(np.concatenate(parts), expected, rtol=0, atol=1e-12)


def _phyphox_export(tmp_path: Path, ipol_dir: Path) -> Path:
    _, acc, gyro = ipol_motion(ipol_dir / TRIAL)
    return write_export("phyphox", tmp_path, acc, gyro)


def _replace_member(path: Path, name: str, edit: Callable[[str], str]) -> Path:
    out = path.with_name("edited.zip")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, edit(data.decode()).encode() if info.filename == name else data)
    return out


def test_a_broken_gyroscope_row_is_refused_naming_its_file_line_and_column(
    ipol_dir: Path, tmp_path: Path
) -> None:
    def break_row(text: str) -> str:
        lines = text.split("\n")
        cells = lines[1999].split(",")
        cells[2] = "oops"  # "Gyroscope y (rad/s)", past the acceleration's first blocks
        lines[1999] = ",".join(cells)
        return "\n".join(lines)

    path = _replace_member(_phyphox_export(tmp_path, ipol_dir), "Gyroscope.csv", break_row)
    with pytest.raises(RecordingFormatError) as caught:
        analyze_file(path)
    message = str(caught.value)
    assert "edited.zip/Gyroscope.csv" in message
    assert "line 2000" in message
    assert "'Gyroscope y (rad/s)'" in message
    assert "'oops' is not a number" in message


def test_a_gyroscope_file_without_a_complete_row_is_refused(ipol_dir: Path, tmp_path: Path) -> None:
    def empty_cells(text: str) -> str:
        header, *rows = text.split("\n")
        return "\n".join([header, *(",,,," for row in rows if row)]) + "\n"

    path = _replace_member(_phyphox_export(tmp_path, ipol_dir), "Gyroscope.csv", empty_cells)
    with pytest.raises(RecordingFormatError, match="the gyroscope has fewer than two complete"):
        analyze_file(path)


def test_a_sensor_logger_gyroscope_without_its_x_column_is_refused(
    ipol_dir: Path, tmp_path: Path
) -> None:
    _, acc, gyro = ipol_motion(ipol_dir / TRIAL)
    export = write_export("sensor-logger", tmp_path, acc, gyro)

    def drop_x(text: str) -> str:
        return "\n".join(",".join(line.split(",")[:4]) for line in text.split("\n"))

    path = _replace_member(export, "Gyroscope.csv", drop_x)
    with pytest.raises(RecordingFormatError, match="Gyroscope lacks the column"):
        analyze_file(path)


def test_the_cli_says_which_gyroscope_line_is_broken_without_a_traceback(
    ipol_dir: Path, tmp_path: Path
) -> None:
    from tests.motion.test_cli import _console

    def break_row(text: str) -> str:
        return text.replace("\n", "\nnot,a,row,at,all\n", 1)

    path = _replace_member(_phyphox_export(tmp_path, ipol_dir), "Gyroscope.csv", break_row)
    done = _console("motion", "analyze", str(path))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "edited.zip/Gyroscope.csv, line 2, column 'Time (s)'" in " ".join(done.stderr.split())
