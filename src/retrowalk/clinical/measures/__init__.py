"""Outcome measures: the KOOS family and meaningful change (RULES.md §5).

KOOS JR is deliberately absent: its official raw-to-interval table was not found
(evidence-report §4.2), and retrowalk does not ship an invented one.
"""

from retrowalk.clinical.measures.koos import (
    ALL_KOOS_ITEMS,
    KOOS_ITEMS,
    MIN_ANSWERED,
    KoosItemError,
    KoosScores,
    KoosSubscale,
    more_severe,
    score_koos,
    validate_responses,
)
from retrowalk.clinical.measures.koos12 import KOOS12_ITEMS, Koos12Scale, Koos12Scores, score_koos12
from retrowalk.clinical.measures.koos_ps import KOOS_PS_ITEMS, KoosPsScore, score_koos_ps
from retrowalk.clinical.measures.meaningful_change import (
    CHANGE_BANDS,
    ChangeBand,
    ChangeCategory,
    ChangeMeasure,
    ChangeResult,
    KoosMicSource,
    change_bands,
    classify_change,
)

__all__ = [
    "ALL_KOOS_ITEMS",
    "CHANGE_BANDS",
    "KOOS12_ITEMS",
    "KOOS_ITEMS",
    "KOOS_PS_ITEMS",
    "MIN_ANSWERED",
    "ChangeBand",
    "ChangeCategory",
    "ChangeMeasure",
    "ChangeResult",
    "Koos12Scale",
    "Koos12Scores",
    "KoosItemError",
    "KoosMicSource",
    "KoosPsScore",
    "KoosScores",
    "KoosSubscale",
    "change_bands",
    "classify_change",
    "more_severe",
    "score_koos",
    "score_koos12",
    "score_koos_ps",
    "validate_responses",
]
