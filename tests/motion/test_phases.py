"""Phases of a guided session, their bouts, and the labelled data set a session exports."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.motion import (
    ConsentRecord,
    Phase,
    Recording,
    SensorSeries,
    analyze,
    read_labelled_dataset,
    split_by_phase,
    write_labelled_dataset,
)
from retrowalk.motion.dataset import evaluate_labelled_datasets
from retrowalk.motion.errors import InvalidParameterError, RecordingFormatError
from retrowalk.motion.readers.datasets import read_ipol
from tests.motion.synth import walking

CONSENT = ConsentRecord(
    participant_code="P-007",
    consent_version="2026-11",
    given_at_utc=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
    allows_research_use=True,
)


def _walk() -> Recording:
    t, xyz = walking(100.0, 120.0, 50.0, rest_before_s=10, rest_after_s=10, seed=3)
    return Recording("walk", "test", SensorSeries(t, xyz))


@settings(max_examples=20, deadline=None)
@given(cut=st.floats(20.0, 120.0))
def test_a_bout_across_a_phase_boundary_is_cut_and_no_step_is_lost(cut: float) -> None:
    analysis = analyze(_walk())
    phases = [Phase("warm-up", 0.0, cut, "forward"), Phase("main", cut, 200.0, "backward")]
    reports = split_by_phase(analysis, phases)
    assert sum(r.steps for r in reports) == analysis.steps
    for report in reports:
        for piece in report.bouts:
            times = piece.bout.step_times_s
            assert np.all((times >= report.phase.start_s) & (times < report.phase.end_s))
            assert piece.bout.direction == analysis.bouts[0].bout.direction


def test_a_phase_without_walking_has_no_steps() -> None:
    (report,) = split_by_phase(analyze(_walk()), [Phase("rest", 140.0, 150.0)])
    assert report.steps == 0
    assert report.cadence_spm is None


@pytest.mark.parametrize(
    "phases",
    [
        [Phase("a", 0.0, 10.0), Phase("b", 5.0, 20.0)],
        [Phase("a", 10.0, 10.0)],
        [Phase(" ", 0.0, 1.0)],
        [Phase("a", 0.0, 1.0, "sideways")],  # type: ignore[arg-type]
        [Phase("a", float("nan"), 1.0)],
    ],
)
def test_phases_that_cannot_be_used_are_refused(phases: list[Phase]) -> None:
    with pytest.raises(InvalidParameterError):
        split_by_phase(analyze(_walk()), phases)


def test_a_labelled_data_set_reads_back_as_it_was_written(tmp_path: Path) -> None:
    recording = _walk()
    phases = [Phase("forward", 5.0, 70.0, "forward"), Phase("backward", 70.0, 140.0, "backward")]
    folder = write_labelled_dataset(tmp_path / "s1", recording, phases, CONSENT, "0.1.0")
    back, labels = read_labelled_dataset(folder)
    assert back.acc_m_s2 is not None
    assert recording.acc_m_s2 is not None
    np.testing.assert_allclose(back.acc_m_s2.xyz, recording.acc_m_s2.xyz, atol=1e-6)
    assert labels == phases
    consent = json.loads((folder / "consent.json").read_text())
    assert consent["participant_code"] == "P-007"
    manifest = (folder / "MANIFEST.sha256").read_text()
    assert "acceleration.csv" in manifest
    assert "labels.csv" in manifest


@pytest.mark.parametrize(
    "consent",
    [
        dataclasses.replace(CONSENT, allows_research_use=False),
        dataclasses.replace(CONSENT, participant_code="jane@example.org"),
        dataclasses.replace(CONSENT, given_at_utc=datetime(2026, 11, 30, 9, 0)),
    ],
)
def test_a_data_set_needs_research_consent_and_a_pseudonym(
    tmp_path: Path, consent: ConsentRecord
) -> None:
    with pytest.raises(InvalidParameterError):
        write_labelled_dataset(tmp_path / "s", _walk(), [Phase("a", 0.0, 10.0)], consent)
    assert not (tmp_path / "s").exists()


def test_a_data_set_is_never_overwritten(tmp_path: Path) -> None:
    phases = [Phase("a", 0.0, 10.0)]
    write_labelled_dataset(tmp_path / "s", _walk(), phases, CONSENT)
    with pytest.raises(InvalidParameterError, match="does not exist"):
        write_labelled_dataset(tmp_path / "s", _walk(), phases, CONSENT)


def test_a_folder_that_is_not_a_data_set_gets_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(RecordingFormatError, match="not a labelled data set"):
        read_labelled_dataset(tmp_path)


def test_labelled_data_sets_check_the_classifier_against_their_labels(
    tmp_path: Path, ipol_dir: Path
) -> None:
    """A *synthetic* labelled session: a real forward trial, then the same trial played
    backwards as the "backward" phase. It checks the plumbing, not backward accuracy."""
    trial = read_ipol(ipol_dir / "1-1_lb.txt.gz")
    acc = trial.acc_m_s2
    assert acc is not None
    span = float(acc.t_s[-1]) + 0.01
    t = np.concatenate([acc.t_s, span + (acc.t_s[-1] - acc.t_s[::-1])])
    xyz = np.vstack([acc.xyz, acc.xyz[::-1]])
    session = Recording("session", "test", SensorSeries(t, xyz), placement="lower_back")
    phases = [Phase("forward", 0.0, span, "forward"), Phase("backward", span, 2 * span, "backward")]
    write_labelled_dataset(tmp_path / "one", session, phases, CONSENT)
    check = evaluate_labelled_datasets(tmp_path)
    assert sum(check.counts.values()) >= 2
    assert check.share("forward", "forward") is not None
    assert check.share("backward", "forward") is not None
