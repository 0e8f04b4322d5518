"""KOOS, the Knee injury and Osteoarthritis Outcome Score (Roos 1998; KOOS scoring 2012).

42 items coded S1–S7, P1–P9, A1–A17, SP1–SP5, Q1–Q4, each answered 0 (none) … 4 (extreme).
Each subscale = 100 − mean(answered items) × 25 (100 = no problems), computable only with at
least half of its items answered; subscales are independent and there is **no total score**.
Scores are not rounded here (the UI rounds for display); awell-score rounds to 1 decimal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from statistics import fmean
from typing import Final

from pydantic import BaseModel, ConfigDict

from retrowalk.clinical.errors import InvalidInputError
from retrowalk.clinical.norms import (
    KOOS_ITEM_MAX,
    KOOS_ITEM_MIN,
    KOOS_MIN_ANSWERED,
    KOOS_SCORE_POINTS_PER_ITEM_STEP,
    KOOS_SOURCES,
)
from retrowalk.clinical.reasons import Reason


class KoosSubscale(StrEnum):
    """The five KOOS subscales; the values are the keys used in files and the API."""

    SYMPTOMS = "symptoms"
    PAIN = "pain"
    ADL = "adl"
    SPORT_REC = "sport_rec"
    QOL = "qol"


SUBSCALE_LABELS: Final[Mapping[KoosSubscale, str]] = {
    KoosSubscale.SYMPTOMS: "Symptoms",
    KoosSubscale.PAIN: "Pain",
    KoosSubscale.ADL: "Function in daily living (ADL)",
    KoosSubscale.SPORT_REC: "Function in sport and recreation",
    KoosSubscale.QOL: "Knee-related quality of life",
}

KOOS_ITEMS: Final[Mapping[KoosSubscale, tuple[str, ...]]] = {
    KoosSubscale.SYMPTOMS: tuple(f"S{i}" for i in range(1, 8)),
    KoosSubscale.PAIN: tuple(f"P{i}" for i in range(1, 10)),
    KoosSubscale.ADL: tuple(f"A{i}" for i in range(1, 18)),
    KoosSubscale.SPORT_REC: tuple(f"SP{i}" for i in range(1, 6)),
    KoosSubscale.QOL: tuple(f"Q{i}" for i in range(1, 5)),
}
"""Item codes per subscale (KOOS scoring 2012: Symptoms 7, Pain 9, ADL 17, Sport/Rec 5, QOL 4)."""

ALL_KOOS_ITEMS: Final[tuple[str, ...]] = tuple(
    code for items in KOOS_ITEMS.values() for code in items
)

MIN_ANSWERED: Final[Mapping[KoosSubscale, int]] = {
    subscale: KOOS_MIN_ANSWERED[subscale.value] for subscale in KoosSubscale
}
"""At least half of each subscale's items: Symptoms 4, Pain 5, ADL 9, Sport/Rec 3, QOL 2."""

ITEM_ALLOWED: Final[str] = f"a whole number from {KOOS_ITEM_MIN} to {KOOS_ITEM_MAX}"


class KoosItemError(InvalidInputError):
    """A response names an unknown KOOS item or holds a value other than a whole 0–4."""


def check_item_value(code: str, value: object) -> int:
    """Return a KOOS answer if it is a whole number 0–4 (not a bool, not 2.0), else raise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise KoosItemError(code, value, ITEM_ALLOWED)
    if not KOOS_ITEM_MIN <= value <= KOOS_ITEM_MAX:
        raise KoosItemError(code, value, ITEM_ALLOWED)
    return value


def validate_responses(
    responses: Mapping[str, object], allowed_items: Iterable[str] = ALL_KOOS_ITEMS
) -> dict[str, int]:
    """The answered items as ``{code: 0–4}``; ``None`` means unanswered and is left out.

    Raises :class:`KoosItemError` naming the item for an unknown code or a bad value.
    """
    allowed = tuple(allowed_items)
    allowed_set = frozenset(allowed)
    answered: dict[str, int] = {}
    for code, value in responses.items():
        if not isinstance(code, str) or code not in allowed_set:
            raise KoosItemError(
                "item code",
                code,
                f"one of the KOOS item codes {allowed[0]}…{allowed[-1]} ({', '.join(allowed)})",
            )
        if value is None:
            continue
        answered[code] = check_item_value(code, value)
    return answered


def more_severe(first: int, second: int) -> int:
    """The answer to record when two boxes were marked for one item: the more severe one.

    KOOS scoring 2012 data-entry rule; both answers must be valid (0–4).
    """
    check_item_value("first answer", first)
    check_item_value("second answer", second)
    return max(first, second)


def transform(answers: Iterable[int]) -> float:
    """100 − mean × 25 over the given answers: 100 = no problems, 0 = extreme problems."""
    return 100.0 - fmean(answers) * KOOS_SCORE_POINTS_PER_ITEM_STEP


class KoosScores(BaseModel):
    """The five KOOS subscale scores 0–100 (100 = best); ``None`` when not computable."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    symptoms: float | None
    pain: float | None
    adl: float | None
    sport_rec: float | None
    qol: float | None
    answered: Mapping[KoosSubscale, int]
    """How many items of each subscale were answered."""
    reasons: tuple[Reason, ...]

    def score(self, subscale: KoosSubscale) -> float | None:
        """The score of one subscale by its enum."""
        value: float | None = getattr(self, subscale.value)
        return value

    def as_dict(self) -> dict[str, float | None]:
        """``{"symptoms": …, "pain": …, "adl": …, "sport_rec": …, "qol": …}``."""
        return {subscale.value: self.score(subscale) for subscale in KoosSubscale}


def score_koos(responses: Mapping[str, object]) -> KoosScores:
    """Score a (possibly incomplete) KOOS response set, every subscale independently.

    Sources: roos1998_koos, koos_scoring_2012.
    """
    answered = validate_responses(responses)
    scores: dict[str, float | None] = {}
    counts: dict[KoosSubscale, int] = {}
    reasons: list[Reason] = []
    for subscale, items in KOOS_ITEMS.items():
        values = [answered[code] for code in items if code in answered]
        counts[subscale] = len(values)
        label = SUBSCALE_LABELS[subscale]
        if len(values) < MIN_ANSWERED[subscale]:
            scores[subscale.value] = None
            reasons.append(
                Reason(
                    code=f"koos.{subscale.value}.not_computable",
                    message=(
                        f"KOOS {label}: {len(values)} of {len(items)} items answered; at least "
                        f"{MIN_ANSWERED[subscale]} are needed, so no score."
                    ),
                    sources=KOOS_SOURCES,
                )
            )
            continue
        score = transform(values)
        scores[subscale.value] = score
        reasons.append(
            Reason(
                code=f"koos.{subscale.value}",
                message=(
                    f"KOOS {label}: {score:.1f} of 100 (100 = no problems), from "
                    f"{len(values)} of {len(items)} items."
                ),
                sources=KOOS_SOURCES,
            )
        )
    return KoosScores(
        symptoms=scores["symptoms"],
        pain=scores["pain"],
        adl=scores["adl"],
        sport_rec=scores["sport_rec"],
        qol=scores["qol"],
        answered=counts,
        reasons=tuple(reasons),
    )
