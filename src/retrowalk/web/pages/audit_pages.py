"""The clinician's audit view of one walker: who changed what, and when, with filters.

Read from the append-only audit log (:mod:`retrowalk.services.audit_view`); only the walker's
own clinician or an administrator may open it. Filters come from the address (a GET form),
so a filtered view can be bookmarked or sent to a colleague who may see it too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from retrowalk.clinical.red_flags import CLINICIAN_NAMES, KneeRedFlag
from retrowalk.clinical.speed_override import SOURCE_WORDS
from retrowalk.present import vocabulary as vocab
from retrowalk.present.days import date_words
from retrowalk.present.numbers import speed_words
from retrowalk.services import audit_view, restrictions, sessions
from retrowalk.services.context import AppContext
from retrowalk.services.errors import InvalidRequest
from retrowalk.services.numbers import WholeNumberText, whole_number_or_none
from retrowalk.services.schemas import ID_MAX, Actor
from retrowalk.web.auth import check_csrf, require_clinician
from retrowalk.web.render import render
from retrowalk.web.state import web_state

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

WalkerId = Annotated[WholeNumberText, Path(ge=1, le=ID_MAX, description="The walker's id")]
PAGE_SIZE = 50


FILTER_LABELS = {"who": "Who", "since": "From", "until": "To"}
"""The filters as the page names them: a message never shows ``since`` or ``who``."""


def _date(text: str, name: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidRequest(
            f"{FILTER_LABELS[name]}: “{text.strip()[:40]}” is not a date; please write it "
            "like 2026-03-01.",
            field=name,
        ) from None


def _who(text: str) -> int | None:
    """The account chosen in the "Who" list; anything else is refused in words (``?who=²``,
    which ``str.isdigit`` accepts and ``int`` refuses, crashed this page once)."""
    if not text.strip():
        return None
    number = whole_number_or_none(text)
    if number is None or not 1 <= number <= ID_MAX:
        raise InvalidRequest(
            f"{FILTER_LABELS['who']}: please choose a person from the list.", field="who"
        )
    return number


def _red_flag(code: str) -> str:
    try:
        return CLINICIAN_NAMES[KneeRedFlag(code)]
    except ValueError:
        return code.replace("_", " ")


WORDS: dict[str, Callable[[str], str]] = {
    "restrictions": vocab.RESTRICTIONS.short,
    "adverse_events": vocab.ADVERSE_EVENTS.short,
    "red_flags": _red_flag,
    "surface": vocab.SURFACES.short,
    "outcome": vocab.SCREENING_OUTCOMES.short,
    "decision": vocab.DECISIONS.short,
}
"""Codes in an entry's detail shown in the clinician's words (found by the outside-in test:
"surface: flat_clear_known_path", "red flags: knee_giving_way"); other codes as they are."""

CHANGE_NAMES: dict[str, str] = {
    "duration_min": "minutes",
    "speed_m_s": "speed",
    "incline_pct": "incline",
    "sessions_per_week": "sessions a week",
    "surface": "surface",
    "comfortable_speed_m_s": "base of the speed limit",
    "speed_source": "speed from",
}
"""An adjustment's changed values, each ``{"before": …, "after": …}``, in the form's words."""


def _changed_value(key: str, value: object) -> str:
    """One side of a change in the clinician's words (a speed in m/s and km/h)."""
    if value is None:
        return "none"
    if key in {"speed_m_s", "comfortable_speed_m_s"} and isinstance(value, int | float):
        return speed_words(float(value))
    if key == "duration_min" and isinstance(value, int | float):
        return f"{value:g} min"
    if key == "incline_pct" and isinstance(value, int | float):
        return f"{value:g} %"
    if key == "speed_source" and isinstance(value, str):
        return SOURCE_WORDS.get(value, value.replace("_", " "))
    if isinstance(value, str) and key in WORDS:
        return WORDS[key](value)
    return str(value)


def _change_order(key: str) -> int:
    """Changes in the form's order (the surface, then the speed that follows it)."""
    order = ("surface", "speed_m_s", "speed_source", "comfortable_speed_m_s")
    names = [*order, *(k for k in CHANGE_NAMES if k not in order)]
    return names.index(key) if key in names else len(names)


def _is_change(value: object) -> bool:
    return isinstance(value, dict) and set(value) == {"before", "after"}


LEFT_OUT = frozenset({"client_key"})
"""Detail the page leaves out (the API keeps it): a device's key for a session sent twice."""


FIRST_IN_FULL = ("reason",)
"""Detail shown first and never cut short: the clinician's own reason for a clearance, an
adjustment or a move (found by the outside-in test: the API had it, the page cut it off).
An adjustment's changes come next, also in full."""

LINE_MAX = 160


def detail_words(
    detail: dict[str, Any],
    clinician_words: Mapping[str, str] | None = None,
    session_days: Mapping[int, date] | None = None,
) -> str:
    """A short line of an entry's detail (``reason: … · decision: progress · email: ann@…``).

    ``clinician_words`` turns a stored sentence of the walker's ("Knee pain at your morning
    check-in…", what a clearance lifted) into the clinician's; one not found is shown as
    stored. ``session_days`` names a session by its day ("session of Tuesday 2 December"),
    not its id."""
    said = clinician_words or {}
    days = session_days or {}
    first: list[str] = []
    changes: list[tuple[int, str]] = []
    parts: list[str] = []
    for key, value in sorted(detail.items()):
        word = WORDS.get(key)
        if key in LEFT_OUT:
            continue
        if key == "session_id" and isinstance(value, int) and value in days:
            parts.append(f"session of {date_words(days[value])}")
            continue
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            if key == "lifted":  # what a clearance lifted: sentences, stored as the walker's
                value = "; ".join(said.get(v, v) for v in value)
            else:  # which restrictions a record added, which adverse events a session reported
                value = ", ".join(word(v) if word is not None else v for v in value)
        elif _is_change(value):
            assert isinstance(value, dict)
            before, after = (_changed_value(key, value[side]) for side in ("before", "after"))
            name = CHANGE_NAMES.get(key, key.replace("_", " "))
            changes.append((_change_order(key), f"{name}: {before} → {after}"))
            continue
        elif isinstance(value, dict | list):
            continue
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, str) and word is not None:
            value = word(value)
        (first if key in FIRST_IN_FULL else parts).append(f"{key.replace('_', ' ')}: {value}")
    rest = " · ".join(parts)
    if len(rest) > LINE_MAX:
        rest = rest[: LINE_MAX - 1] + "…"
    shown = [*first, *(words for _, words in sorted(changes))]
    return " · ".join([*shown, rest] if rest else shown)


def _clinician_words(ctx: AppContext, actor: Actor, walker_id: int) -> dict[str, str]:
    """Each restriction reason of the walker's record, walker's sentence → clinician's (what
    the audit stored of a clearance is the walker's sentence)."""
    shown = restrictions.walker_restrictions(ctx, actor, walker_id)
    triggers = [t for r in shown.active for t in r.triggers]
    triggers += [t for lifted in shown.lifted for t in lifted.triggers]
    return {r.message: r.for_clinician for t in triggers for r in t.reasons}


@router.get("/clinician/walkers/{walker_id}/audit")
def audit_page(
    request: Request,
    walker_id: WalkerId,
    action: str = "",
    who: str = "",
    since: str = "",
    until: str = "",
    page: WholeNumberText = 1,
) -> Response:
    actor = require_clinician(request)
    values = {"action": action, "who": who, "since": since, "until": until}
    error = None
    try:
        filters = {
            "action": action.strip() or None,
            "actor_account_id": _who(who),
            "since": _date(since, "since"),
            "until": _date(until, "until"),
            "limit": PAGE_SIZE,
            "offset": (min(max(page, 1), 10_000) - 1) * PAGE_SIZE,
        }
        result = audit_view.walker_audit(web_state(request).ctx, actor, walker_id, filters)
    except InvalidRequest as exc:
        error = str(exc)
        result = audit_view.walker_audit(web_state(request).ctx, actor, walker_id, {})
    pages = max(1, -(-result.total // PAGE_SIZE))
    said = _clinician_words(web_state(request).ctx, actor, walker_id)
    days = sessions.session_days(web_state(request).ctx, actor, walker_id)
    return render(
        request,
        "team/audit.html",
        {
            "title": f"Change log: {result.walker_name}",
            "nav": "walkers",
            "result": result,
            "values": values,
            "page": min(max(page, 1), pages),
            "pages": pages,
            "error": error,
            "action_words": audit_view.action_words,
            "detail_words": lambda detail: detail_words(detail, said, days),
            "query": {k: v for k, v in values.items() if v},
        },
        status_code=422 if error else 200,
    )
