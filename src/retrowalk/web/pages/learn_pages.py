"""The education pages: short, plain-words pages about pain, the traffic light, backward
walking and when to call the clinician (content in ``retrowalk/clinical/education/``).

They hold no one's records, so anyone may read them, signed in or not; a signed-in walker's
list shows the pages for her own knee condition first.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from retrowalk.clinical.education import PAGES, pages_for
from retrowalk.clinical.prescription import KneeCondition
from retrowalk.present import vocabulary as vocab
from retrowalk.services import walkers
from retrowalk.services.errors import NotFound
from retrowalk.web.auth import actor_of, current_session
from retrowalk.web.render import render
from retrowalk.web.state import web_state

router = APIRouter(include_in_schema=False)

PageKey = Annotated[str, Path(max_length=48, description="An education page's key")]


def _own_condition(request: Request) -> KneeCondition | None:
    """The signed-in walker's knee condition, or None for anyone else."""
    session = current_session(request)
    actor = actor_of(session)
    if actor is None or session is None or session.walker_id is None:
        return None
    return walkers.get_walker(web_state(request).ctx, actor, session.walker_id).knee_condition


@router.get("/learn")
def learn_index(request: Request) -> Response:
    condition = _own_condition(request)
    groups = (
        [(condition, pages_for(condition))]
        if condition is not None
        else [(c, pages_for(c)) for c in KneeCondition]
    )
    return render(
        request,
        "learn/index.html",
        {
            "title": "Learn",
            "nav": "learn",
            "groups": [(vocab.CONDITIONS.long(c), pages) for c, pages in groups],
        },
    )


@router.get("/learn/{page_key}")
def learn_page(request: Request, page_key: PageKey) -> Response:
    page = PAGES.get(page_key)
    if page is None:
        raise NotFound(f"There is no page called {page_key!r}; the pages are listed at /learn.")
    keys = list(PAGES)
    following = keys[keys.index(page.key) + 1 :]
    condition = _own_condition(request)
    after = next(
        (PAGES[k] for k in following if condition is None or condition in PAGES[k].conditions),
        None,
    )
    return render(
        request,
        "learn/page.html",
        {
            "title": page.title,
            "nav": "learn",
            "page": page,
            "conditions": [vocab.CONDITIONS.long(c) for c in page.conditions],
            "next_page": after,
        },
    )
