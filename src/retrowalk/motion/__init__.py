"""retrowalk.motion: phone and watch recordings → walking bouts, steps, cadence, speed.

Signal processing on NumPy arrays; imports nothing from the rest of retrowalk. Start with
:func:`read_recording`, then :func:`analyze` (bouts) or :func:`summarize_session` (one
session's totals, for the session log).
"""

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
from retrowalk.motion.errors import RecordingError, RecordingFormatError
from retrowalk.motion.readers import FORMATS, ColumnMapping, detect_format, read_recording
from retrowalk.motion.recording import GpsTrack, Recording, SensorSeries
from retrowalk.motion.steps import StepParams
from retrowalk.motion.streaming import StreamingAnalyzer, analyze_in_chunks, stream_recording

__all__ = [
    "FORMATS",
    "Analysis",
    "AnalysisSettings",
    "Bout",
    "BoutParams",
    "BoutReport",
    "ColumnMapping",
    "GpsTrack",
    "Recording",
    "RecordingError",
    "RecordingFormatError",
    "SensorSeries",
    "SessionSummary",
    "StepParams",
    "StreamingAnalyzer",
    "analyze",
    "analyze_in_chunks",
    "detect_bouts",
    "detect_format",
    "read_recording",
    "stream_recording",
    "summarize_session",
]
