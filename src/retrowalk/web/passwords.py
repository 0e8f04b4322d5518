"""Password hashing with argon2id (``argon2-cffi``'s :class:`PasswordHasher`).

The web layer hashes a password the moment it arrives, so a plain password never travels
further than this module. Verification never raises for a wrong password: it answers
``False``, so callers cannot leak which step failed.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()

MIN_PASSWORD_LENGTH = 10
"""Policy: a passphrase of at least 10 characters (no composition rules, per NIST SP 800-63B)."""


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (salted; safe to store)."""
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``; False for a mismatch or a damaged hash."""
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's defaults."""
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
