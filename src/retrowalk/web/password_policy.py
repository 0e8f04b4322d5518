"""What a new password must be: long enough, not easy to guess, not the person's own details.

Checked with zxcvbn (Dropbox's estimator, the ``zxcvbn`` package), which finds repeats
(``aaaaaaaaaa``), sequences (``1234567890``), common passwords, keyboard patterns, dates and
the person's own email or name inside a password; a password must reach score 3 of 4
("safely unguessable": about 10^8 guesses or more). The sentence says what is wrong and how
to do better, in plain words. Passwords are checked in their NFKC form (as they are hashed).
"""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

from retrowalk.web.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, normalise

MIN_SCORE = 3
"""Policy: zxcvbn score 3 ("safely unguessable") or better."""
CHECKED_CHARS = 100
"""zxcvbn's work grows with length; the first 100 characters decide (longer is only safer)."""


class WeakPasswordError(ValueError):
    """The new password is not allowed; the sentence says why and what would do."""

    def __init__(self, sentence: str, field: str = "password") -> None:
        super().__init__(sentence)
        self.field = field


def _own_words(personal: Iterable[str]) -> list[str]:
    """The person's email, its parts and their name: a password must not be made of them."""
    words: list[str] = []
    for item in personal:
        item = item.strip()
        if not item:
            continue
        words.append(item)
        local, _, domain = item.partition("@")
        words.extend(p for p in (local, domain.split(".")[0]) if len(p) >= 3)
        words.extend(part for part in item.replace(".", " ").split() if len(part) >= 3)
    return list(dict.fromkeys(words))


def check_new_password(
    password: str, again: str | None = None, personal: Iterable[str] = ()
) -> str:
    """The NFKC form of ``password`` if it may be used, else :class:`WeakPasswordError`.

    ``again``: the second box ("type it again"); ``personal``: the email and name of the
    account, which the password must not be built from.
    """
    form = normalise(password)
    if len(form) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(
            f"The password is too short: it needs at least {MIN_PASSWORD_LENGTH} characters. "
            "A few words you can remember work well, for example “walk back slowly today”."
        )
    if len(form) > MAX_PASSWORD_LENGTH:
        raise WeakPasswordError(
            f"The password is too long: at most {MAX_PASSWORD_LENGTH} characters, please."
        )
    own = _own_words(personal)
    if any(form.casefold() == word.casefold() for word in own):
        raise WeakPasswordError(
            "The password must not be your email address or your name: choose words of your own."
        )
    result = zxcvbn(form[:CHECKED_CHARS], user_inputs=own)
    if result["score"] < MIN_SCORE:
        raise WeakPasswordError(_why_weak(result))
    if again is not None and normalise(again) != form:
        raise WeakPasswordError(
            "The two passwords are not the same: please type the same password in both boxes.",
            field="password_again",
        )
    return form


def _why_weak(result: dict[str, object]) -> str:
    feedback = result.get("feedback")
    warning = ""
    suggestions: list[str] = []
    if isinstance(feedback, dict):
        warning = str(feedback.get("warning") or "")
        suggestions = [str(s) for s in feedback.get("suggestions") or ()]
    sentence = "This password would be too easy to guess"
    if warning:
        sentence += f": {warning.rstrip('.')}"
    sentence += "."
    advice = " ".join(s if s.endswith(".") else s + "." for s in suggestions[:2])
    return f"{sentence} {advice or 'Add another word or two; uncommon words are better.'}"
