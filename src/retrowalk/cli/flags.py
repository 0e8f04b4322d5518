"""The services name the fields of their models; the person at the terminal typed flags.

:func:`speaks_flags` wraps a command so that a bad-input error names the flags, rendered from
the error's data (:class:`~retrowalk.services.errors.FieldProblem`), never from its text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import ParamSpec

from retrowalk.clinical.errors import InvalidInputError, shown
from retrowalk.services.errors import FieldProblem, InvalidRequest, ProblemKind

P = ParamSpec("P")


FLAG_OF_FIELD: dict[str, str] = {
    "email": "--email",
    "display_name": "--name",
    "age_years": "--age",
    "sex": "--sex",
    "knee_condition": "--knee",
    "knee_side": "--side",
    "timezone": "--timezone",
    "clinician_id": "--clinician-id",
    "tug_s": "--tug-s",
    "tandem_stance_s": "--tandem-s",
    "chair_stand_count": "--chair-stands",
    "backward_walk_3m_s": "--backward-3m-s",
    "gait_speed_m_s": "--gait-speed",
    "koos_answers": "--koos",
    "kind": "--kind",
    "pain_before_nprs": "--pain-before",
    "pain_peak_nprs": "--pain-peak",
    "pain_after_nprs": "--pain-after",
    "effort_cr10": "--effort",
    "duration_min": "--minutes",
    "speed_m_s": "--speed",
    "distance_m": "--distance",
    "surface": "--surface",
    "incline_pct": "--incline",
    "adverse_events": "--adverse",
    "note": "--note",
    "client_key": "--key",
    "pain_nprs": "--pain",
    "stiffness_nprs": "--stiffness",
    "scope": "--scope",
    "new_red_flags": "--red-flag",
    "red_flags": "--red-flag",
    "fever_or_unwell": "--fever",
    "uses_walking_aid": "--walking-aid",
    "takes_anticoagulant": "--anticoagulant",
    "recent_knee_surgery": "--recent-knee-surgery",
    "treadmill_speed_up_m_s": "--treadmill-up",
    "treadmill_speed_down_m_s": "--treadmill-down",
    "reason": "--reason",
    "sessions_per_week": "--sessions-per-week",
    "weeks": "--weeks",
    "role": "--role",
    "since": "--from",
    "until": "--to",
    "period": "--from/--to",
    "valid_days": "--valid-days",
    "valid_hours": "--valid-hours",
}
"""The services name the fields of their models; the person at the terminal typed flags."""


def flag_of(field: str) -> str:
    """The flag a person typed for a services field (``pain_peak_nprs`` → ``--pain-peak``);
    a field without a flag keeps its name."""
    return FLAG_OF_FIELD.get(field.split(".")[0], field)


def in_flags(problems: Sequence[FieldProblem]) -> str:
    """Wrong fields as one sentence that names the flags."""
    return "; ".join(_in_flag(p).sentence(flag_of(p.field)).rstrip(".") for p in problems) + "."


def _in_flag(problem: FieldProblem) -> FieldProblem:
    """A list field's problem in the words of its flag ("must be a list" means nothing to a
    person typing ``--red-flag``)."""
    flag = flag_of(problem.field)
    if problem.kind is not ProblemKind.NOT_LIST or flag == problem.field:
        return problem
    message = (
        f"give {flag} once for each (repeat it, or separate the codes with commas); in an "
        "answers file this is a list, [] for none"
    )
    return problem.model_copy(update={"message": message})


def speaks_flags(command: Callable[P, None]) -> Callable[P, None]:
    """Name the command's flags, not the services' field names, in a bad-input sentence."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except InvalidRequest as exc:
            written = len(exc.problems) == 1 and exc.problems[0].message == str(exc)
            if written or all(flag_of(p.field) == p.field for p in exc.problems):
                raise  # a sentence written for this command, or no flag to name
            raise InvalidRequest(in_flags(exc.problems), problems=exc.problems) from None
        except InvalidInputError as exc:
            problem = FieldProblem(
                field=exc.field,
                kind=ProblemKind.RULE,
                message=f"{shown(exc.value)} is not allowed; expected {exc.allowed}",
            )
            raise InvalidRequest(in_flags((problem,)), problems=(problem,)) from None

    return wrapper
