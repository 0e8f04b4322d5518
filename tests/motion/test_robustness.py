"""Whatever bytes arrive, reading them either works or raises RecordingError: no traceback."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrowalk.motion import RecordingError, read_recording, summarize_session

HEADERS = [
    '"Time (s)","Acceleration x (m/s^2)","Acceleration y (m/s^2)","Acceleration z (m/s^2)"',
    "time,x,y,z",
    "Acquisition frequency: 100 Hz\nPacketCounter\tAcc_X\tAcc_Y\tAcc_Z",
    "",
]
cell = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**20), 10**20).map(str),
    st.text(alphabet=",;\t\"'.-eE0123456789naif ", max_size=8),
)
row = st.lists(cell, min_size=0, max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.sampled_from(HEADERS),
    rows=st.lists(row, max_size=40),
    sep=st.sampled_from([",", ";", "\t"]),
    name=st.sampled_from(["rec.csv", "accelerometer.csv", "rec_lb.txt", "rec.json", "rec.gpx"]),
)
def test_malformed_text_never_escapes_as_another_error(
    header: str, rows: list[list[str]], sep: str, name: str
) -> None:
    text = header + "\n" + "\n".join(sep.join(r) for r in rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text)
        message = "."
        try:
            summarize_session(read_recording(path))
        except RecordingError as exc:
            message = str(exc)
        assert message.endswith(".")  # one sentence, never another exception type


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["x.fit", "x.zip", "x.csv", "x.gpx"]))
def test_random_bytes_never_escape_as_another_error(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        with contextlib.suppress(RecordingError):  # any other exception fails the test
            read_recording(path)


def test_a_field_over_the_csv_limit_is_a_recording_error(tmp_path: Path) -> None:
    """A quote opened and never closed makes one field of the rest of the file: the csv
    module refuses it (``csv.Error``), which reaches the person as the file's problem."""
    from retrowalk.motion.streaming import analyze_file

    path = tmp_path / "rec.csv"
    path.write_bytes(b'time,x,y,z\n0,1,2,3\n"' + b"a" * 200_000 + b"\n1,2,3,4\n")
    for read in (read_recording, analyze_file):
        with pytest.raises(RecordingError, match=r"rec\.csv: the table is not readable as CSV"):
            read(path)  # type: ignore[operator]
