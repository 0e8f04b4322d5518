"""Which errors the CLI shows as one sentence (exit code 2) instead of a traceback.

Each package defines its own base error type for bad input; they are gathered here so the
clinical and motion packages need not import anything from the rest of retrowalk.
"""

from __future__ import annotations

from retrowalk.clinical.errors import ClinicalError


def user_error_types() -> tuple[type[BaseException], ...]:
    """Every error type whose message is written for the person at the terminal."""
    types: list[type[BaseException]] = [ClinicalError]
    try:
        from retrowalk.motion.errors import RecordingError
    except ImportError:  # pragma: no cover - the motion package is optional at import time
        pass
    else:
        types.append(RecordingError)
    try:
        from retrowalk.services.errors import ServiceError
    except ImportError:  # pragma: no cover
        pass
    else:
        types.append(ServiceError)
    return tuple(types)
