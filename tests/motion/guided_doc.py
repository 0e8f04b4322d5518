"""A guided-session recording document (retrowalk-motion/1), built from the synthetic walk."""

from __future__ import annotations

import json
from typing import Any

from tests.motion.synth import walking

EVENTS = [
    ("warmup", 0.0),
    ("backward", 20.0),
    ("paused", 40.0),
    ("resumed", 42.0),
    ("cooldown", 55.0),
    ("finished", 70.0),
]


def guided_document(
    *,
    cadence_spm: float = 100.0,
    duration_s: float = 60.0,
    research_use: bool = False,
    recording_consent: bool = True,
    events: list[tuple[str, float]] | None = None,
    gyro: bool = True,
    seed: int = 0,
) -> dict[str, Any]:
    """Five seconds still, ``duration_s`` of walking, five still; phases from ``events``."""
    t, xyz = walking(cadence_spm, duration_s, 50.0, rest_before_s=5, rest_after_s=5, seed=seed)
    samples: dict[str, Any] = {
        "t_ms": [round(v * 1000, 1) for v in t.tolist()],
        "ax": [round(v, 4) for v in xyz[:, 0].tolist()],
        "ay": [round(v, 4) for v in xyz[:, 1].tolist()],
        "az": [round(v, 4) for v in xyz[:, 2].tolist()],
    }
    if gyro:
        samples.update({"gx": [0.5] * t.size, "gy": [0.2] * t.size, "gz": [180.0] * t.size})
    return {
        "format": "retrowalk-motion",
        "format_version": 1,
        "acc_includes_gravity": True,
        "consent": {
            "recording": recording_consent,
            "research_use": research_use,
            "text_version": "motion-consent/1",
        },
        "samples": samples,
        "events": [{"kind": k, "t_ms": s * 1000} for k, s in (events or EVENTS)],
    }


def guided_bytes(**options: Any) -> bytes:
    return json.dumps(guided_document(**options)).encode()
