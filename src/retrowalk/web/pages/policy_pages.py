"""``/team/policy``: the clinic's policy, read by staff and changed by an administrator.

Every number retrowalk chose where the studies give none (RULES.md marks them **policy**) is
shown with its value, the built-in default and what it means. An administrator changes any
of them with a reason; the change is a new version, audited with the rule version, and every
plan decision after it records the version it was made under (:mod:`.policies`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from retrowalk.present.numbers import policy_text
from retrowalk.services import policies
from retrowalk.services.errors import ServiceError
from retrowalk.services.schemas import Actor, PolicyOut, Role
from retrowalk.web import forms
from retrowalk.web.auth import check_csrf, require_clinician
from retrowalk.web.errors import status_for
from retrowalk.web.render import flash, render
from retrowalk.web.state import web_state

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


POLICY_ALREADY_SAVED = "This policy change was already saved (version {version})."
"""The same policy form sent again (a double click, a resend): nothing new is stored, never
"the values given are the policy in force already"."""


def _context(actor: Actor, policy: PolicyOut, **extra: Any) -> dict[str, Any]:
    return {
        "title": "Clinic policy",
        "nav": "team",
        "policy": policy,
        "text": policy_text,
        "can_change": actor.role is Role.ADMIN,
        "values": {f.name: policy_text(f.value) for f in policy.fields},
        "errors": {},
        **extra,
    }


@router.get("/team/policy")
def policy_page(request: Request) -> Response:
    actor = require_clinician(request)
    policy = policies.current_policy(web_state(request).ctx, actor)
    return render(request, "team/policy.html", _context(actor, policy))


@router.post("/team/policy")
async def policy_submit(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_change, request, form)


def _change(request: Request, form: FormData) -> Response:
    actor = require_clinician(request)
    ctx = web_state(request).ctx
    current = policies.current_policy(ctx, actor)
    typed = {f.name: forms.text(form, f.name) for f in current.fields if f.name in form}
    changed = {
        name: text for name, text in typed.items() if text != policy_text(current.value(name))
    }
    reason = forms.text(form, "reason")
    try:
        policy = policies.set_policy(
            ctx,
            actor,
            policies.changes_from_text(changed),
            reason,
            client_key=forms.form_key(form),
            sent={"values": typed, "reason": reason},  # the form's values, not their difference
        )
    except ServiceError as exc:
        values = {**{f.name: policy_text(f.value) for f in current.fields}, **typed}
        return render(
            request,
            "team/policy.html",
            _context(
                actor,
                current,
                values=values,
                reason=reason,
                error=str(exc),
                errors=forms.field_errors(exc),
            ),
            status_code=status_for(exc),
        )
    if not policy.created:  # sent again: compared with the version it made, nothing "changed"
        flash(request, POLICY_ALREADY_SAVED.format(version=policy.version))
    else:
        flash(request, f"Policy version {policy.version} is in force from now on.")
    return RedirectResponse("/team/policy", 303)
