"""retrowalk's guided-session recording format (retrowalk-motion/1), its phases, and the
research data set export from a terminal (``retrowalk motion export-dataset``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from retrowalk.motion.analysis import BoutReport
from retrowalk.motion.bouts import make_bout, turn_bout
from retrowalk.motion.errors import RecordingFormatError
from retrowalk.motion.guided import bout_summary, phases_from_events
from retrowalk.motion.readers import detect_format, read_recording
from retrowalk.motion.readers.guided_json import MAX_SAMPLES, read_guided
from retrowalk.motion.streaming import analyze_file
from retrowalk.services.errors import InvalidRequest
from tests.motion.guided_doc import guided_bytes, guided_document

runner = CliRunner()


def _write(tmp_path: Path, data: bytes, name: str = "guided.json") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_guided_recording_is_detected_read_and_counted(tmp_path: Path) -> None:
    path = _write(tmp_path, guided_bytes())
    assert detect_format(path) == "retrowalk-json"
    recording = read_recording(path)
    assert recording.acc_m_s2 is not None
    assert recording.acc_m_s2.median_rate_hz == pytest.approx(50, rel=0.01)
    assert recording.gyro_rad_s is not None  # degrees per second → rad/s, (beta, gamma, alpha)
    assert recording.gyro_rad_s.xyz[0].tolist() == pytest.approx(
        [0.5 * 3.14159265 / 180, 0.2 * 3.14159265 / 180, 3.14159265]
    )
    # 100 synthetic steps that stop dead: the closing-step rule (docs/motion.md) adds the step
    # a person makes to bring the feet together, which this synthetic walk does not have
    assert analyze_file(path).steps in (100, 101)


def test_a_phone_without_a_gyroscope_gives_acceleration_only(tmp_path: Path) -> None:
    document = guided_document(duration_s=10)
    for axis in ("gx", "gy", "gz"):
        document["samples"][axis] = [None] * len(document["samples"]["t_ms"])
    recording = read_recording(_write(tmp_path, json.dumps(document).encode()))
    assert recording.gyro_rad_s is None
    assert recording.acc_m_s2 is not None


def test_gzip_is_read_too(tmp_path: Path) -> None:
    import gzip

    path = _write(tmp_path, gzip.compress(guided_bytes()), "guided.json.gz")
    assert detect_format(path) == "retrowalk-json"
    # 100 synthetic steps that stop dead: the closing-step rule (docs/motion.md) adds the step
    # a person makes to bring the feet together, which this synthetic walk does not have
    assert analyze_file(path).steps in (100, 101)


def test_a_bout_summary_says_whether_it_is_walking_or_a_turn_on_the_spot() -> None:
    walked = bout_summary(BoutReport(make_bout(np.arange(0.0, 5.0, 0.5)), None, None, False))
    turned = bout_summary(BoutReport(turn_bout(np.array([1.0, 1.5, 2.0])), None, None, False))
    assert (walked["kind"], turned["kind"]) == ("walking", "turn")
    assert turned["direction"] == "unknown"  # a turn has no direction: the kind says why


def test_phase_events_become_labelled_phases() -> None:
    events = [
        ("warmup", 0.0),
        ("backward", 10.0),
        ("paused", 20.0),
        ("resumed", 25.0),
        ("stopped", 30.0),
        ("resumed", 32.0),
        ("cooldown", 40.0),
        ("finished", 50.0),
        ("backward", 55.0),
    ]
    phases = phases_from_events(events, 60.0)
    assert [(p.label, p.start_s, p.end_s, p.direction) for p in phases] == [
        ("warmup", 0.0, 10.0, "forward"),
        ("backward", 10.0, 20.0, "backward"),
        ("paused", 20.0, 25.0, None),
        ("backward", 25.0, 30.0, "backward"),
        ("backward", 32.0, 40.0, "backward"),
        ("cooldown", 40.0, 50.0, "forward"),
    ]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.update(format_version=2), "format_version 2"),
        (lambda d: d["samples"].update(ax=d["samples"]["ax"][:-1]), "values, but t_ms has"),
        (lambda d: d["samples"]["ay"].__setitem__(3, "x"), "sample 4 is 'x'"),
        (lambda d: d["events"].append({"kind": "dance", "t_ms": 1}), "kind 'dance'"),
        (lambda d: d["events"].append({"kind": "paused", "t_ms": -1}), "t_ms of 0 or more"),
        (lambda d: d.pop("samples"), "expected a samples object"),
        (lambda d: d["samples"].update(az=[1e6] * len(d["samples"]["az"])), "check the unit"),
    ],
)
def test_a_bad_document_is_refused_with_a_sentence(
    tmp_path: Path, change: object, words: str
) -> None:
    document = guided_document(duration_s=10)
    change(document)  # type: ignore[operator]
    path = _write(tmp_path, json.dumps(document).encode())
    with pytest.raises(RecordingFormatError) as caught:
        read_guided(path)
    assert words in str(caught.value)


def test_too_many_samples_are_refused(tmp_path: Path) -> None:
    document = guided_document(duration_s=1)
    document["samples"]["t_ms"] = list(range(MAX_SAMPLES + 1))
    with pytest.raises(RecordingFormatError, match="more than 1,000,000 samples"):
        read_guided(_write(tmp_path, json.dumps(document).encode()))


def test_export_dataset_writes_research_recordings_from_the_terminal(tmp_path: Path) -> None:
    from retrowalk.cli.app import app
    from retrowalk.services import accounts, sessions
    from retrowalk.services import session_recordings as recs
    from retrowalk.services.context import build_context
    from retrowalk.services.schemas import Actor, Role
    from tests.services.factory import T0, clinician, planned_walker, session_data

    url = f"sqlite+pysqlite:///{tmp_path / 'rw.sqlite'}"
    ctx = build_context(url)
    try:
        staff = clinician(ctx, accounts.ensure_local_admin(ctx), "staff@example.org")
        walker = planned_walker(ctx, staff)
        me = Actor(account_id=walker.account_id, role=Role.WALKER)
        saved = sessions.log_session(ctx.at(T0), me, walker.id, session_data("k", T0))
        recs.attach_recording(ctx, me, saved.id, guided_bytes(research_use=True))
        recs.attach_recording(ctx, me, saved.id, guided_bytes(seed=2))  # not for research
    finally:
        ctx.db.dispose()
    result = runner.invoke(
        app, ["motion", "export-dataset", str(tmp_path / "set"), "--database-url", url]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 1 recording(s)" in result.output
    manifest = json.loads((tmp_path / "set" / "manifest.json").read_text())
    assert len(manifest["recordings"]) == 1
    folder = tmp_path / "set" / manifest["recordings"][0]["folder"]
    labels = (folder / "labels.csv").read_text()
    assert "backward" in labels
    assert "warmup" in labels
    again = runner.invoke(
        app, ["motion", "export-dataset", str(tmp_path / "set"), "--database-url", url]
    )
    # the root command turns this into one sentence and exit code 2 (retrowalk.cli.app.main)
    assert isinstance(again.exception, InvalidRequest)
    assert "not an empty folder" in str(again.exception)


@pytest.mark.parametrize(
    "text",
    [
        '{"format": "retrowalk-motion", "format_version": 1, "samples": {"t_ms": [1, 2], '
        '"ax": [1e999, 10000000000000000000000000000000000000000000000000000000000000000000'
        "00000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "00000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "00000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        '0], "ay": [0, 0], "az": [9, 9]}}',
        '{"format": "retrowalk-motion", "format_version": 1, "samples": {"t_ms": [0, 20], '
        '"ax": [0, 0], "ay": [0, 0], "az": [9, 9]}, "events": [{"kind": "warmup", '
        '"t_ms": 1e999}]}',
        '{"format": "retrowalk-motion", "format_version": 1, "samples": [1, 2]}',
        '{"format": "retrowalk-motion", "format_version": 1, "samples": {"t_ms": [0, 20], '
        '"ax": [0, 0], "ay": [0, 0], "az": [9, 9]}, "events": ["warmup"]}',
        '{"format": "retrowalk-motion", "format_version": 1' + "[" * 5000,
        '{"format": "retrowalk-motion", "format_version": 1, "samples": {"t_ms": [0], '
        '"ax": [0], "ay": [0], "az": [9]}}',
    ],
)
def test_odd_documents_are_recording_errors_never_another_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(RecordingFormatError):
        read_guided(_write(tmp_path, text.encode()))
