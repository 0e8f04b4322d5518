"""Chunked analysis agrees with the whole-signal analysis, in bounded memory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.motion import Recording, SensorSeries, StreamingAnalyzer, detect_bouts
from retrowalk.motion.bouts import Bout
from retrowalk.motion.errors import RecordingError
from retrowalk.motion.readers.datasets import read_ipol, read_oxford
from retrowalk.motion.streaming import analyze_in_chunks, stream_recording
from tests.motion.synth import walking

OXFORD = [
    "Pixel_Jamie_Hard_InHand_1",
    "Pixel_Jamie_Hard_Purse_1",
    "Samsung_Carmelo_Hard_BackPocket_1",
    "Samsung_Carmelo_Hard_FrontPocket_1",
    "Samsung_Dario_Hard_Purse_2",
    "Nexus_Jamie_Hard_InHand_2",
]


def _same(a: list[Bout], b: list[Bout]) -> None:
    assert [x.steps for x in a] == [y.steps for y in b]
    assert [x.direction.label for x in a] == [y.direction.label for y in b]
    for x, y in zip(a, b, strict=True):
        assert x.direction.score == pytest.approx(y.direction.score, abs=1e-9)
        np.testing.assert_allclose(x.step_times_s, y.step_times_s, atol=1e-9)
        assert x.cadence_spm == pytest.approx(y.cadence_spm)


@pytest.fixture(scope="module")
def real_recordings(oxford_dir: Path, ipol_dir: Path) -> list[Recording]:
    recordings = [read_oxford(oxford_dir / "recordings" / name) for name in OXFORD]
    recordings += [read_ipol(ipol_dir / f"{t}_lb.txt.gz") for t in ("1-1", "5-3", "12-6")]
    return recordings


@pytest.mark.parametrize("chunk_s", [3.7, 29.0, 600.0])
def test_chunked_and_whole_results_agree_on_real_recordings(
    real_recordings: list[Recording], chunk_s: float
) -> None:
    for recording in real_recordings:
        whole = detect_bouts(recording)
        assert whole, recording.source
        _same(list(stream_recording(recording, chunk_s=chunk_s)), whole)


@settings(max_examples=10, deadline=None)
@given(st.lists(st.integers(1, 4000), min_size=1, max_size=30), st.integers(0, 5))
def test_any_chunking_of_a_real_recording_agrees(
    real_recordings: list[Recording], sizes: list[int], which: int
) -> None:
    recording = real_recordings[which]
    acc = recording.acc_m_s2
    assert acc is not None
    analyzer = StreamingAnalyzer()
    bouts: list[Bout] = []
    start = 0
    i = 0
    while start < acc.t_s.size:
        stop = start + sizes[i % len(sizes)]
        bouts += analyzer.feed(acc.t_s[start:stop], acc.xyz[start:stop])
        start, i = stop, i + 1
    bouts += analyzer.finish()
    _same(bouts, detect_bouts(recording))


def test_overlapping_chunks_and_gaps_are_handled_like_the_whole_signal() -> None:
    t1, a1 = walking(105.0, 40.0, 100.0, rest_before_s=5, seed=1)
    t2, a2 = walking(105.0, 40.0, 100.0, rest_after_s=5, seed=2)
    t = np.concatenate([t1, t2 + t1[-1] + 3.0])  # a 3-s hole in the samples
    xyz = np.vstack([a1, a2])
    whole = detect_bouts(Recording("s", "test", SensorSeries(t, xyz)))
    assert len(whole) == 2
    analyzer = StreamingAnalyzer()
    bouts: list[Bout] = []
    for start in range(0, t.size, 1000):
        stop = min(t.size, start + 1100)  # 100 rows repeated in the next chunk
        bouts += analyzer.feed(t[start:stop], xyz[start:stop])
    bouts += analyzer.finish()
    _same(bouts, whole)


def test_memory_stays_bounded_over_a_long_stream() -> None:
    t, xyz = walking(100.0, 600.0, 100.0, seed=4)
    analyzer = StreamingAnalyzer()
    peak = 0
    for hour in range(3):  # three times ten minutes, fed in 10-s chunks
        offset = hour * 600.0
        for start in range(0, t.size, 1000):
            analyzer.feed(t[start : start + 1000] + offset, xyz[start : start + 1000])
            peak = max(peak, analyzer.buffered_samples)
    analyzer.finish()
    assert 0 < peak <= analyzer.max_buffered_samples
    assert analyzer.max_buffered_samples < 60_000  # far below the 90 000 samples fed


def test_a_bout_across_many_chunk_edges_stays_one_bout() -> None:
    t, xyz = walking(110.0, 300.0, 50.0, rest_before_s=5, rest_after_s=5)
    recording = Recording("s", "test", SensorSeries(t, xyz))
    (bout,) = list(stream_recording(recording, chunk_s=7.0))
    assert abs(bout.steps - 550) <= 3


def test_progress_is_reported_up_to_the_end() -> None:
    t, xyz = walking(110.0, 120.0, 50.0)
    seen: list[float] = []
    analysis = analyze_in_chunks(
        Recording("s", "test", SensorSeries(t, xyz)), progress=seen.append, chunk_s=30.0
    )
    assert analysis.steps > 200
    assert seen == sorted(seen)
    assert seen[-1] == pytest.approx(1.0)


def test_malformed_chunk_is_refused() -> None:
    with pytest.raises(RecordingError, match="n×3"):
        StreamingAnalyzer().feed(np.arange(5.0), np.zeros((5, 2)))


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
def test_a_file_read_as_a_stream_gives_the_bouts_of_the_whole_file(
    data_dir: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retrowalk.motion import read_recording
    from retrowalk.motion.readers import blocks
    from retrowalk.motion.streaming import analyze_file

    monkeypatch.setattr(blocks, "BLOCK_BYTES", 2048)  # a block edge every few dozen rows
    whole = analyze_in_chunks(read_recording(data_dir / name))
    streamed = analyze_file(data_dir / name)
    _same([r.bout for r in streamed.bouts], [r.bout for r in whole.bouts])
    assert streamed.duration_s == pytest.approx(whole.duration_s, abs=0.03)
    assert streamed.recording.start_utc == whole.recording.start_utc


def test_a_real_recording_streamed_from_its_file_agrees(
    oxford_dir: Path, ipol_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retrowalk.motion.readers import blocks
    from retrowalk.motion.streaming import analyze_file

    monkeypatch.setattr(blocks, "BLOCK_BYTES", 100_000)
    for path in (oxford_dir / "recordings" / OXFORD[0], ipol_dir / "4-4_lb.txt.gz"):
        # the IPOL file's angular rate is streamed beside its acceleration: its turns too
        recording = read_oxford(path) if path.is_dir() else read_ipol(path)
        _same([r.bout for r in analyze_file(path).bouts], detect_bouts(recording))


def test_gravity_free_acceleration_is_refused_before_it_is_read(data_dir: Path) -> None:
    from retrowalk.motion.streaming import analyze_file

    with pytest.raises(RecordingError, match="without gravity"):
        analyze_file(data_dir / "phyphox_linear_acceleration.csv")
