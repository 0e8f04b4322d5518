"""The answers of ``retrowalk screen`` from its flags: every question answered, or asked.

A screening question left out is never taken as "no" (a skipped answer is unknown, RULES.md
§7.3; a red flag or a PAR-Q item must not be answered away by omission). In a terminal the
questions without an answer are asked, each needing a typed y or n; without one (a script, CI)
the command is refused with every unanswered question and the flags that answer it — as the
web form and the JSON API refuse an answer left out.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from retrowalk.cli.prompts import Asker
from retrowalk.clinical.policy import PolicyConfig
from retrowalk.clinical.red_flags import (
    FEVER_QUESTION,
    SCREENING_RED_FLAGS,
    red_flag_from_answer,
)
from retrowalk.clinical.screening import (
    ANTICOAGULANT_QUESTION,
    PARQ_QUESTIONS,
    STEADI_QUESTIONS,
    USED_TO_ACTIVITY_QUESTION,
    WALKING_AID_QUESTION,
    recent_surgery_question,
)
from retrowalk.services.errors import FieldProblem, InvalidRequest, ProblemKind
from retrowalk.services.numbers import whole_number_or_none

FLAGS_OF_YES_NO: Mapping[str, tuple[str, str]] = {
    "used_to_activity": ("--used-to-activity", "--not-used-to-activity"),
    "fever_or_unwell": ("--fever", "--no-fever"),
    "uses_walking_aid": ("--walking-aid", "--no-walking-aid"),
    "takes_anticoagulant": ("--anticoagulant", "--no-anticoagulant"),
    "recent_knee_surgery": ("--recent-knee-surgery", "--no-recent-knee-surgery"),
    "fell_past_12_months": ("--fell", "--not-fell"),
    "feels_unsteady": ("--unsteady", "--not-unsteady"),
    "worries_about_falling": ("--worried", "--not-worried"),
}
"""Each yes/no question's pair of flags (yes, no), by its field in the answers."""

RED_FLAG_QUESTION = "Does the walker have any of the knee warning signs (red flags)?"
RED_FLAG_FLAGS = "--red-flag CODE for each sign the walker has, or --no-red-flags"


@dataclass(frozen=True)
class Question:
    """One unanswered question: the flags that answer it and the words that ask it."""

    field: str
    flags: str
    words: str


def parq_items(values: Sequence[str] | None, flag: str) -> set[int]:
    """PAR-Q item numbers from repeated flags, each a number or a comma list (``1,2,4``)."""
    items: set[int] = set()
    for value in values or ():
        for part in value.split(","):
            text = part.strip()
            number = whole_number_or_none(text)
            if number is None or not 1 <= number <= len(PARQ_QUESTIONS):
                problem = FieldProblem(
                    field=flag,
                    kind=ProblemKind.NOT_ONE_OF,
                    given=text,
                    message=f"is not a PAR-Q item; expected 1 to {len(PARQ_QUESTIONS)}",
                )
                raise InvalidRequest(problem.sentence() + ".", problems=(problem,))
            items.add(number)
    return items


@dataclass(frozen=True)
class GivenAnswers:
    """What the flags answered: ``None`` (or an item in neither PAR-Q set) is unanswered."""

    parq_yes: frozenset[int]
    parq_no: frozenset[int]
    red_flags: tuple[str, ...] | None
    yes_no: Mapping[str, bool | None]

    def __post_init__(self) -> None:
        both = sorted(self.parq_yes & self.parq_no)
        if both:
            problem = FieldProblem(
                field="--parq-yes/--parq-no",
                kind=ProblemKind.RULE,
                message=f"PAR-Q item(s) {both} are answered both yes and no; give one answer",
            )
            raise InvalidRequest(problem.sentence() + ".", problems=(problem,))

    def unanswered(self, policy: PolicyConfig) -> list[Question]:
        """Every question without an answer, in the order the screening asks them."""
        words = _yes_no_words(policy)
        missing: list[Question] = []
        for name in ("used_to_activity",):
            if self.yes_no.get(name) is None:
                missing.append(_yes_no_question(name, words[name]))
        for number, text in enumerate(PARQ_QUESTIONS, start=1):
            if number not in self.parq_yes | self.parq_no:
                flags = f"--parq-yes {number} or --parq-no {number}"
                missing.append(Question(f"parq.{number}", flags, f"PAR-Q {number}: {text}"))
        if self.red_flags is None:
            missing.append(Question("red_flags", RED_FLAG_FLAGS, RED_FLAG_QUESTION))
        for name in (*_HEALTH, *STEADI_QUESTIONS):
            if self.yes_no.get(name) is None:
                missing.append(_yes_no_question(name, words[name]))
        return missing


_HEALTH = ("fever_or_unwell", "uses_walking_aid", "takes_anticoagulant", "recent_knee_surgery")


def _yes_no_words(policy: PolicyConfig) -> dict[str, str]:
    return {
        "used_to_activity": USED_TO_ACTIVITY_QUESTION,
        "fever_or_unwell": FEVER_QUESTION,
        "uses_walking_aid": WALKING_AID_QUESTION,
        "takes_anticoagulant": ANTICOAGULANT_QUESTION,
        "recent_knee_surgery": recent_surgery_question(policy),
        **STEADI_QUESTIONS,
    }


def _yes_no_question(name: str, words: str) -> Question:
    yes, no = FLAGS_OF_YES_NO[name]
    return Question(name, f"{yes} or {no}", words)


def refusal(missing: Sequence[Question]) -> InvalidRequest:
    """Every unanswered question in one sentence, with the flags that answer it."""
    problems = tuple(
        FieldProblem(field=q.flags, kind=ProblemKind.MISSING, message=f'"{q.words}" has no answer')
        for q in missing
    )
    listed = "".join(f"\n  • {q.words} ({q.flags})" for q in missing)
    count = f"{len(missing)} screening question{'s' if len(missing) != 1 else ''}"
    return InvalidRequest(
        f"{count} not answered, and a question left out is never taken as no:{listed}\n"
        "Answer each with its flags, pass --answers FILE.json, or run the command in a "
        "terminal to be asked.",
        problems=problems,
    )


def ask_missing(asker: Asker, missing: Sequence[Question], given: GivenAnswers) -> GivenAnswers:
    """The answers with every missing one asked in the terminal (y or n must be typed)."""
    yes_no = dict(given.yes_no)
    parq_yes, parq_no = set(given.parq_yes), set(given.parq_no)
    red_flags = given.red_flags
    for question in missing:
        if question.field.startswith("parq."):
            number = int(question.field.removeprefix("parq."))
            answer = asker.yes(question.words)
            (parq_yes if answer else parq_no).add(number)
        elif question.field == "red_flags":
            red_flags = tuple(_ask_red_flags(asker))
        else:
            yes_no[question.field] = asker.yes(question.words)
    return GivenAnswers(frozenset(parq_yes), frozenset(parq_no), red_flags, yes_no)


def _ask_red_flags(asker: Asker) -> list[str]:
    """Each knee warning sign as its own question, asked positively (RULES.md §7.6)."""
    flags: list[str] = []
    for flag in SCREENING_RED_FLAGS:
        if red_flag_from_answer(flag, asker.yes(flag.info.question)):
            flags.append(flag.value)
    return flags


def in_a_terminal() -> bool:
    """Whether someone can be asked (standard input is a terminal, not a pipe or CI)."""
    return sys.stdin.isatty()


def screening_data(
    given: GivenAnswers,
    policy: PolicyConfig,
    asker: Callable[[], Asker],
) -> dict[str, Any]:
    """The services' screening answers: the flags' answers, the missing ones asked in a
    terminal, or the command refused naming every one (:func:`refusal`)."""
    missing = given.unanswered(policy)
    if missing and in_a_terminal():
        given = ask_missing(asker(), missing, given)
        missing = given.unanswered(policy)
    if missing:
        raise refusal(missing)
    answer = {name: bool(value) for name, value in given.yes_no.items()}
    return {
        "used_to_activity": answer["used_to_activity"],
        "parq": [n in given.parq_yes for n in range(1, len(PARQ_QUESTIONS) + 1)],
        "red_flags": list(given.red_flags or ()),
        "steadi": {name: answer[name] for name in STEADI_QUESTIONS},
        **{name: answer[name] for name in _HEALTH},
    }
