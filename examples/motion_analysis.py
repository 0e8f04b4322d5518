"""Bouts, steps and a session summary from one recording, with retrowalk.motion.

    .venv/bin/python examples/motion_analysis.py RECORDING [STEP_LENGTH_M]

RECORDING is any file retrowalk reads (phyphox or Sensor Logger export, FIT, GPX, CSV) or an
Oxford step-counter folder; the format is detected from the content. Give STEP_LENGTH_M, your
step length measured over a known distance, to get a distance and speed labelled as estimates.
"""

import sys
from pathlib import Path

from retrowalk.motion import analyze, read_recording, summarize_session


def main(path: Path, step_length_m: float | None) -> None:
    recording = read_recording(path)  # format detected from the content
    analysis = analyze(recording, step_length_m=step_length_m)
    for report in analysis.bouts:  # start, end, steps, cadence, confidence per bout
        bout = report.bout
        print(
            f"bout {bout.start_s:.1f}-{bout.end_s:.1f} s: {bout.steps} steps, "
            f"{bout.cadence_spm:.0f} steps/min, confidence {bout.confidence:.2f}"
        )
    summary = summarize_session(recording, step_length_m=step_length_m)
    # SessionSummary(start, duration_min, steps, cadence_spm, distance_m, speed_m_s,
    #                distance_is_estimate, bouts): what `retrowalk log --from-recording` logs
    print(summary)


if __name__ == "__main__":
    main(Path(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else None)
