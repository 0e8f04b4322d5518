"""One-shot messages reach the page their form led to, and no other.

A message ("Note saved.") is kept under a random flash id, and the redirect that follows the
form carries that id in its address (``?flash=…``). The page opened by that address shows
the messages of its id and forgets them: another tab of the same sign-in, which opens its
pages without that id, never shows them, and a reload shows them no more (the page's script
also takes the id out of the address bar, so a bookmark never holds one).
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

FLASH_PARAM = "flash"
"""The query parameter a redirect carries its messages' id in."""
REDIRECTS = frozenset({301, 302, 303, 307, 308})


def new_flash_id() -> str:
    """A random id for the messages of one redirect (96 bits: never guessed nor repeated)."""
    return secrets.token_urlsafe(12)


def with_flash_id(location: str, flash_id: str) -> str:
    """``location`` with ``flash=<flash_id>`` in its query (any earlier one replaced), before
    its fragment: ``/walkers/3#notes`` → ``/walkers/3?flash=…#notes``."""
    parts = urlsplit(location)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != FLASH_PARAM]
    query.append((FLASH_PARAM, flash_id))
    return urlunsplit(parts._replace(query=urlencode(query)))
