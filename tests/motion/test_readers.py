"""Every reader on faithfully formatted files (see data/make_fixtures.py), good and broken."""

from __future__ import annotations

import gzip
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from retrowalk.motion import (
    ColumnMapping,
    RecordingError,
    RecordingFormatError,
    detect_format,
    read_recording,
    summarize_session,
)
from retrowalk.motion.errors import InvalidParameterError, UnknownFormatError
from retrowalk.motion.readers.generic_csv import parse_column_mapping

START = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
WALK_STEPS = 110 * 20 / 60  # every accelerometer fixture holds this walk


def _steps(path: Path, **kwargs: object) -> int:
    summary = summarize_session(read_recording(path, **kwargs))  # type: ignore[arg-type]
    assert summary.steps is not None
    return summary.steps


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("phyphox_acceleration.zip", "phyphox"),
        ("phyphox_semicolon_decimal_comma.csv", "phyphox"),
        ("phyphox_tab_decimal_comma.zip", "phyphox"),
        ("sensor_logger_android.zip", "sensor-logger"),
        ("sensor_logger_ios.zip", "sensor-logger"),
        ("sensor_logger_android.json", "sensor-logger"),
        ("generic_iso_semicolon.csv", "csv"),
        ("walk.fit", "fit"),
        ("walk.gpx", "gpx"),
    ],
)
def test_format_is_recognised_from_content(data_dir: Path, name: str, fmt: str) -> None:
    assert detect_format(data_dir / name) == fmt


@pytest.mark.parametrize(
    "name",
    [
        "phyphox_acceleration.zip",
        "phyphox_semicolon_decimal_comma.csv",
        "phyphox_tab_decimal_comma.zip",
        "sensor_logger_android.zip",
        "sensor_logger_ios.zip",
        "sensor_logger_android.json",
        "generic_iso_semicolon.csv",
    ],
)
def test_every_accelerometer_export_gives_the_same_walk(data_dir: Path, name: str) -> None:
    recording = read_recording(data_dir / name)
    assert recording.acc_m_s2 is not None
    assert recording.acc_includes_gravity
    magnitude = np.linalg.norm(recording.acc_m_s2.xyz, axis=1)
    assert 9.0 < float(np.median(magnitude)) < 10.6  # m/s², gravity included
    assert abs(recording.acc_m_s2.duration_s - 25.98) < 0.05
    assert abs(_steps(data_dir / name) - WALK_STEPS) <= 2


def test_phyphox_zip_reads_start_time_and_device(data_dir: Path) -> None:
    recording = read_recording(data_dir / "phyphox_acceleration.zip")
    assert recording.start_utc == START
    assert recording.device == "Google Pixel 7"
    assert recording.source_format == "phyphox"


def test_phyphox_decimal_comma_values_equal_decimal_point_values(data_dir: Path) -> None:
    point = read_recording(data_dir / "phyphox_acceleration.zip").acc_m_s2
    comma = read_recording(data_dir / "phyphox_semicolon_decimal_comma.csv").acc_m_s2
    assert point is not None
    assert comma is not None
    np.testing.assert_allclose(point.xyz, comma.xyz)
    np.testing.assert_allclose(point.t_s, comma.t_s)


def test_phyphox_multi_set_zip_reads_gyroscope_and_gps(data_dir: Path) -> None:
    recording = read_recording(data_dir / "phyphox_tab_decimal_comma.zip")
    assert recording.gyro_rad_s is not None
    assert recording.gyro_rad_s.xyz.shape == (1300, 3)
    assert recording.gps is not None
    assert recording.gps.t_s.size == 27
    assert recording.gps.speed_m_s is not None
    assert float(recording.gps.speed_m_s[5]) == pytest.approx(1.0)


def test_phyphox_broken_value_names_line_and_column(data_dir: Path) -> None:
    with pytest.raises(RecordingFormatError) as caught:
        read_recording(data_dir / "phyphox_broken_value.csv")
    assert caught.value.line == 42
    assert caught.value.column == "Acceleration y (m/s^2)"
    assert "'n/a' is not a number" in str(caught.value)


def test_phyphox_linear_acceleration_is_read_but_not_step_counted(data_dir: Path) -> None:
    recording = read_recording(data_dir / "phyphox_linear_acceleration.csv")
    assert not recording.acc_includes_gravity
    with pytest.raises(RecordingError, match="without gravity"):
        summarize_session(recording)


def test_sensor_logger_ios_signs_are_converted_to_the_android_convention(
    data_dir: Path,
) -> None:
    android = read_recording(data_dir / "sensor_logger_android.zip")
    ios = read_recording(data_dir / "sensor_logger_ios.zip")
    assert android.acc_m_s2 is not None
    assert ios.acc_m_s2 is not None
    # iOS Accelerometer + Gravity, sign-flipped, equals Android TotalAcceleration
    np.testing.assert_allclose(ios.acc_m_s2.xyz, android.acc_m_s2.xyz, atol=2e-6)
    assert ios.metadata["platform"] == "ios"
    assert ios.device == "iPhone 13"


def test_sensor_logger_zip_reads_time_gyroscope_and_valid_gps(data_dir: Path) -> None:
    recording = read_recording(data_dir / "sensor_logger_android.zip")
    assert recording.start_utc == START
    assert recording.gyro_rad_s is not None
    assert recording.gps is not None
    assert recording.gps.speed_m_s is not None
    assert np.isnan(recording.gps.speed_m_s[0])  # the app writes -1 for "invalid"
    summary = summarize_session(recording)
    assert summary.distance_m is not None
    assert not summary.distance_is_estimate


def test_sensor_logger_json_equals_the_zip(data_dir: Path) -> None:
    from_json = read_recording(data_dir / "sensor_logger_android.json").acc_m_s2
    from_zip = read_recording(data_dir / "sensor_logger_android.zip").acc_m_s2
    assert from_json is not None
    assert from_zip is not None
    np.testing.assert_allclose(from_json.xyz, from_zip.xyz)


def test_sensor_logger_broken_json_names_the_record_and_field(data_dir: Path) -> None:
    with pytest.raises(RecordingFormatError, match=r"record 21 has no number in 'y'"):
        read_recording(data_dir / "sensor_logger_broken.json")


def test_fit_track_gives_measured_distance_and_speed(data_dir: Path) -> None:
    recording = read_recording(data_dir / "walk.fit")
    assert recording.acc_m_s2 is None
    assert recording.start_utc == START
    assert recording.gps is not None
    assert recording.gps.t_s.size == 61
    summary = summarize_session(recording)
    assert summary.steps is None
    assert summary.distance_m == pytest.approx(72.0, rel=1e-3)
    assert summary.speed_m_s == pytest.approx(1.2, rel=1e-3)
    assert not summary.distance_is_estimate


@pytest.mark.parametrize(
    ("name", "message"),
    [("walk_truncated.fit", "truncated"), ("walk_damaged.fit", "damaged")],
)
def test_broken_fit_files_get_one_sentence(data_dir: Path, name: str, message: str) -> None:
    with pytest.raises(RecordingFormatError, match=message):
        read_recording(data_dir / name)


def test_gpx_track_and_broken_gpx(data_dir: Path) -> None:
    summary = summarize_session(read_recording(data_dir / "walk.gpx"))
    assert summary.distance_m == pytest.approx(72.0, rel=1e-3)
    assert summary.duration_min == pytest.approx(1.0)
    with pytest.raises(RecordingFormatError, match="GPX is malformed"):
        read_recording(data_dir / "broken.gpx")


def test_generic_csv_with_mapping_g_units_and_messy_rows(data_dir: Path) -> None:
    mapping = parse_column_mapping("time=ms_since_boot,x=ax_g,y=ay_g,z=az_g,acc_unit=g")
    recording = read_recording(data_dir / "generic_ms_g.csv", columns=mapping)
    assert recording.acc_m_s2 is not None
    t = recording.acc_m_s2.t_s
    assert np.all(np.diff(t) > 0)  # swapped rows sorted, duplicated rows dropped
    assert t.size == 1300
    assert abs(_steps(data_dir / "generic_ms_g.csv", columns=mapping) - WALK_STEPS) <= 2


def test_generic_csv_without_known_names_asks_for_a_mapping(data_dir: Path) -> None:
    with pytest.raises(RecordingFormatError, match="--columns"):
        read_recording(data_dir / "generic_ms_g.csv")


def test_generic_csv_empty_value_names_line_and_column(data_dir: Path) -> None:
    mapping = ColumnMapping(time="ms_since_boot", x="ax_g", y="ay_g", z="az_g")
    with pytest.raises(RecordingFormatError) as caught:
        read_recording(data_dir / "generic_broken.csv", columns=mapping)
    assert (caught.value.line, caught.value.column) == (34, "ay_g")


def test_generic_csv_iso_times_set_the_start(data_dir: Path) -> None:
    recording = read_recording(data_dir / "generic_iso_semicolon.csv")
    assert recording.start_utc == START


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("time=t,x=a", "columns"),
        ("time=t,x=a,y=b,z=c,time_unit=fortnights", "time_unit"),
        ("time=t,x=a,y=b,z=c,colour=red", "columns"),
    ],
)
def test_bad_column_mappings_are_refused(text: str, field: str) -> None:
    with pytest.raises(InvalidParameterError, match=field):
        parse_column_mapping(text)


def test_unreadable_inputs_get_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(RecordingFormatError, match="no such file"):
        read_recording(tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(RecordingFormatError, match="empty"):
        read_recording(empty)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)))
    with pytest.raises(RecordingError):
        read_recording(binary)
    odd_zip = tmp_path / "notes.zip"
    with zipfile.ZipFile(odd_zip, "w") as z:
        z.writestr("notes.txt", "hello")
    with pytest.raises(UnknownFormatError):
        read_recording(odd_zip)
    with pytest.raises(InvalidParameterError, match="format"):
        read_recording(odd_zip, "xlsx")


def test_every_error_is_a_value_error_with_a_sentence(data_dir: Path) -> None:
    with pytest.raises(ValueError, match=r"^Cannot read walk_damaged\.fit: .+\.$"):
        read_recording(data_dir / "walk_damaged.fit")


def test_oxford_recording_reads_placement_and_device(oxford_dir: Path) -> None:
    recording = read_recording(oxford_dir / "recordings" / "Samsung_Dario_Hard_Backpocket_2")
    assert recording.source_format == "oxford"
    assert recording.placement == "back_pocket"
    assert recording.device == "Samsung"
    assert recording.acc_m_s2 is not None
    assert 150 < recording.acc_m_s2.duration_s < 160
    assert recording.acc_m_s2.median_rate_hz > 50


def test_oxford_broken_row_is_located(tmp_path: Path, oxford_dir: Path) -> None:
    source = oxford_dir / "recordings" / "Pixel_Jamie_Hard_InHand_1" / "accelerometer.csv.gz"
    lines = gzip.decompress(source.read_bytes()).decode().splitlines()[:200]
    lines[150] = lines[150].rsplit(",", 1)[0] + ",9.8x"
    folder = tmp_path / "Pixel_Jamie_Hard_InHand_9"
    folder.mkdir()
    (folder / "accelerometer.csv.gz").write_bytes(gzip.compress("\n".join(lines).encode()))
    with pytest.raises(RecordingFormatError) as caught:
        read_recording(folder)
    assert (caught.value.line, caught.value.column) == (151, "acc_z")


def test_ipol_trial_reads_at_100_hz_with_gyroscope(ipol_dir: Path) -> None:
    recording = read_recording(ipol_dir / "1-1_lb.txt.gz")
    assert recording.source_format == "ipol"
    assert recording.placement == "lower_back"
    assert recording.acc_m_s2 is not None
    assert recording.gyro_rad_s is not None
    assert recording.acc_m_s2.median_rate_hz == pytest.approx(100.0)


def test_a_column_mapping_is_only_for_csv(data_dir: Path) -> None:
    mapping = ColumnMapping(time="t", x="x", y="y", z="z")
    with pytest.raises(InvalidParameterError, match="only with the csv format"):
        read_recording(data_dir / "walk.gpx", "gpx", mapping)


@pytest.mark.parametrize(
    "rows",
    [
        "100000000000000000000,0,0,9.8\n100000000000000000001,0,0,9.8\n",  # beyond int64
        "1,0,0,9.8\n1,0,0,9.8\n",  # one distinct time
    ],
)
def test_absurd_times_get_a_sentence(tmp_path: Path, rows: str) -> None:
    path = tmp_path / "absurd.csv"
    path.write_text("time,x,y,z\n" + rows)
    with pytest.raises(RecordingFormatError, match=r"^Cannot read absurd\.csv: .*fewer than two"):
        read_recording(path)


def test_impossible_acceleration_is_refused_not_clipped(tmp_path: Path) -> None:
    path = tmp_path / "absurd.csv"
    path.write_text("time,x,y,z\n1,0,0,inf\n2,0,0,9.8\n3,0,0.1,9.8\n4,1e308,1e308,1e308\n")
    with pytest.raises(RecordingFormatError, match=r"reaches 1e\+308 at 3\.000 s.*check the unit"):
        read_recording(path)


def test_fit_session_steps_are_strides_times_two(tmp_path: Path) -> None:
    """The FIT profile's strides are two steps (docs/motion.md); cadence is doubled too."""
    from benchmarks.motion_files import gps_walk, write_fit

    path = tmp_path / "walk.fit"
    write_fit(path, gps_walk(START.timestamp(), 600.0), strides=500, cadence_spm=100.0)
    recording = read_recording(path)
    assert recording.device_steps is not None
    assert recording.device_steps.steps == 1000
    assert recording.device_steps.cadence_spm == pytest.approx(100.0)
    summary = summarize_session(recording)
    assert summary.steps == 1000
    assert summary.cadence_spm == pytest.approx(100.0)


def test_a_fit_session_of_another_sport_gives_no_steps(tmp_path: Path) -> None:
    from benchmarks.motion_files import gps_walk, write_fit

    path = tmp_path / "ride.fit"
    write_fit(path, gps_walk(START.timestamp(), 60.0), strides=50, cadence_spm=80.0, sport=2)
    assert read_recording(path).device_steps is None
