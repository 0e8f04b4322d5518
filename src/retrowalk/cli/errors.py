"""Which errors the CLI shows as one sentence (exit code 2) instead of a traceback.

Each package defines its own base error type for bad input; they are gathered here so the
clinical and motion packages need not import anything from the rest of retrowalk. The imports
sit inside the function because they are only needed once something has gone wrong (and the
motion package pulls in SciPy).
"""

from __future__ import annotations


def user_error_types() -> tuple[type[BaseException], ...]:
    """Every error type whose message is written for the person at the terminal."""
    from retrowalk.clinical.errors import ClinicalError
    from retrowalk.motion.errors import RecordingError
    from retrowalk.services.errors import ServiceError
    from retrowalk.store.backup import BackupError
    from retrowalk.store.engine import DatabaseOpenError
    from retrowalk.store.json_files import JsonFileError
    from retrowalk.store.transfer import TransferError

    return (
        ClinicalError,
        RecordingError,
        ServiceError,
        DatabaseOpenError,
        JsonFileError,
        TransferError,
        BackupError,
    )
