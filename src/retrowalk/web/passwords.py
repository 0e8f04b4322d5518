"""Password hashing with argon2id (``argon2-cffi``'s :class:`PasswordHasher`).

The web layer hashes a password the moment it arrives, so a plain password never travels
further than this module. Passwords are NFKC-normalised first: the same password typed on a
phone that sends "é" as one character and on a computer that sends "e" + a combining accent
is the same password. Verification never raises for a wrong password: it answers ``False``,
so callers cannot leak which step failed.
"""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()

MIN_PASSWORD_LENGTH = 10
"""Policy: a passphrase of at least 10 characters (no composition rules, per NIST SP 800-63B)."""
MAX_PASSWORD_LENGTH = 256
"""Policy: at most 256 characters (argon2 hashes any length; this bounds the work per try)."""


def normalise(password: str) -> str:
    """The password as it is hashed and checked: Unicode NFKC (NIST SP 800-63B §5.1.1.2)."""
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    """The argon2id hash of the NFKC form of ``password`` (salted; safe to store)."""
    return _HASHER.hash(normalise(password))


def verify_password(stored_hash: str, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``; False for a mismatch or a damaged hash.

    The NFKC form is tried first; a hash made before passwords were normalised matches the
    password exactly as it was typed then.
    """
    for candidate in dict.fromkeys((normalise(password), password)):
        try:
            if _HASHER.verify(stored_hash, candidate):
                return True
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            continue
    return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's defaults."""
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
