"""Where and how supervised backward walking takes place: the vocabulary of the **policy**.

:class:`Surface` and :class:`Supervision` live here, not in :mod:`retrowalk.clinical.fall_risk`,
so that :class:`~retrowalk.clinical.policy.PolicyConfig` can name the surfaces each fall-risk
level allows without an import cycle. ``retrowalk.clinical.fall_risk`` re-exports both, so
``from retrowalk.clinical.fall_risk import Surface`` keeps working.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Final


class Supervision(StrEnum):
    """Who must be there during backward walking (**policy**)."""

    EVERY_SESSION = "every_session"
    """Every session supervised until a reassessment clears it (high fall risk)."""
    FIRST_SESSIONS = "first_sessions"
    """The first ``PolicyConfig.supervised_first_sessions_low_risk`` sessions supervised,
    then alone."""


class Surface(StrEnum):
    """Where backward walking may take place (**policy**)."""

    TREADMILL_WITH_HANDRAILS = "treadmill_with_handrails"
    HALLWAY_WITH_RAIL_AND_SPOTTER = "hallway_with_rail_and_spotter"
    FLAT_CLEAR_KNOWN_PATH = "flat_clear_known_path"
    TREADMILL = "treadmill"


SURFACES_WITH_SUPPORT: Final[tuple[Surface, ...]] = (
    Surface.TREADMILL_WITH_HANDRAILS,
    Surface.HALLWAY_WITH_RAIL_AND_SPOTTER,
)
"""Surfaces with something to hold and someone beside: the only ones a clinic's policy may
offer a walker at high fall risk (**policy**, RULES.md §1.3: supervised, on a safe surface)."""


SURFACE_WORDS: Final[Mapping[Surface, str]] = {
    Surface.TREADMILL_WITH_HANDRAILS: "a treadmill with handrails",
    Surface.HALLWAY_WITH_RAIL_AND_SPOTTER: "a hallway with a rail, with someone beside you",
    Surface.FLAT_CLEAR_KNOWN_PATH: "a flat, clear path you know",
    Surface.TREADMILL: "a treadmill",
}
"""Each surface in plain words, for the reasons shown to the walker."""


CLINICIAN_SURFACE_WORDS: Final[Mapping[Surface, str]] = {
    Surface.TREADMILL_WITH_HANDRAILS: "a treadmill with handrails",
    Surface.HALLWAY_WITH_RAIL_AND_SPOTTER: "a hallway with a rail and a spotter",
    Surface.FLAT_CLEAR_KNOWN_PATH: "a flat, clear, known path",
    Surface.TREADMILL: "a treadmill",
}
"""Each surface as the clinician's sentences name it (the walker's say "someone beside you")."""


def describe_surfaces(surfaces: Iterable[Surface], *, for_clinician: bool = False) -> str:
    """``"a treadmill with handrails or a hallway with a rail, with someone beside you"``
    (for the clinician: ``"… or a hallway with a rail and a spotter"``)."""
    words = CLINICIAN_SURFACE_WORDS if for_clinician else SURFACE_WORDS
    return " or ".join(words[surface] for surface in surfaces)
