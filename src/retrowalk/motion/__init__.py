"""retrowalk.motion: phone and watch recordings → walking bouts, steps, cadence, speed.

Signal processing on NumPy arrays; imports nothing from the rest of retrowalk. Start with
:func:`read_recording`, then :func:`analyze` (bouts) or :func:`summarize_session` (one
session's totals, for the session log).

The names below are loaded on first use (PEP 562): the step detector needs SciPy, which takes
most of a second to import, and ``retrowalk --help`` or ``retrowalk today`` should not pay
for it. ``from retrowalk.motion import analyze`` works as usual; type checkers see the
imports in the ``TYPE_CHECKING`` block.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from retrowalk.motion.analysis import (
        Analysis,
        AnalysisSettings,
        BoutReport,
        SessionSummary,
        analyze,
        detect_bouts,
        summarize_session,
    )
    from retrowalk.motion.bouts import Bout, BoutParams
    from retrowalk.motion.dataset import (
        ConsentRecord,
        read_labelled_dataset,
        write_labelled_dataset,
    )
    from retrowalk.motion.direction import Direction
    from retrowalk.motion.errors import RecordingError, RecordingFormatError
    from retrowalk.motion.phases import Phase, PhaseReport, split_by_phase
    from retrowalk.motion.readers import (
        FORMATS,
        ColumnMapping,
        detect_format,
        open_recording,
        read_recording,
    )
    from retrowalk.motion.recording import DeviceSteps, GpsTrack, Recording, SensorSeries
    from retrowalk.motion.steps import StepParams
    from retrowalk.motion.streaming import (
        StreamingAnalyzer,
        analyze_file,
        analyze_in_chunks,
        stream_recording,
    )

_WHERE: dict[str, str] = {
    "Analysis": "retrowalk.motion.analysis",
    "AnalysisSettings": "retrowalk.motion.analysis",
    "BoutReport": "retrowalk.motion.analysis",
    "SessionSummary": "retrowalk.motion.analysis",
    "analyze": "retrowalk.motion.analysis",
    "detect_bouts": "retrowalk.motion.analysis",
    "summarize_session": "retrowalk.motion.analysis",
    "Bout": "retrowalk.motion.bouts",
    "BoutParams": "retrowalk.motion.bouts",
    "ConsentRecord": "retrowalk.motion.dataset",
    "read_labelled_dataset": "retrowalk.motion.dataset",
    "write_labelled_dataset": "retrowalk.motion.dataset",
    "Direction": "retrowalk.motion.direction",
    "Phase": "retrowalk.motion.phases",
    "PhaseReport": "retrowalk.motion.phases",
    "split_by_phase": "retrowalk.motion.phases",
    "open_recording": "retrowalk.motion.readers",
    "DeviceSteps": "retrowalk.motion.recording",
    "analyze_file": "retrowalk.motion.streaming",
    "RecordingError": "retrowalk.motion.errors",
    "RecordingFormatError": "retrowalk.motion.errors",
    "FORMATS": "retrowalk.motion.readers",
    "ColumnMapping": "retrowalk.motion.readers",
    "detect_format": "retrowalk.motion.readers",
    "read_recording": "retrowalk.motion.readers",
    "GpsTrack": "retrowalk.motion.recording",
    "Recording": "retrowalk.motion.recording",
    "SensorSeries": "retrowalk.motion.recording",
    "StepParams": "retrowalk.motion.steps",
    "StreamingAnalyzer": "retrowalk.motion.streaming",
    "analyze_in_chunks": "retrowalk.motion.streaming",
    "stream_recording": "retrowalk.motion.streaming",
}
"""Public name → the module that defines it."""

__all__ = [
    "FORMATS",
    "Analysis",
    "AnalysisSettings",
    "Bout",
    "BoutParams",
    "BoutReport",
    "ColumnMapping",
    "ConsentRecord",
    "DeviceSteps",
    "Direction",
    "GpsTrack",
    "Phase",
    "PhaseReport",
    "Recording",
    "RecordingError",
    "RecordingFormatError",
    "SensorSeries",
    "SessionSummary",
    "StepParams",
    "StreamingAnalyzer",
    "analyze",
    "analyze_file",
    "analyze_in_chunks",
    "detect_bouts",
    "detect_format",
    "open_recording",
    "read_labelled_dataset",
    "read_recording",
    "split_by_phase",
    "stream_recording",
    "summarize_session",
    "write_labelled_dataset",
]


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` the first time it is asked for."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
