"""The clinic's policy: stored in the database, shown to staff, changed by an administrator.

Every policy threshold of retrowalk (``retrowalk.clinical.policy.PolicyConfig``) is the
clinic's to set. The newest stored version is in force for every use case, in every worker;
with none stored, the built-in default is version 0. A change is a new version, never an edit,
written with its audit entry (who, when, why, what changed, under which rule version); every
plan decision records the version it was made under.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, get_origin

from pydantic import ValidationError
from sqlalchemy.orm import Session

from retrowalk.clinical.errors import shown
from retrowalk.clinical.policy import DEFAULT_POLICY, SETTING, PolicyConfig
from retrowalk.clinical.policy_timeline import PolicyTimeline, PolicyVersion
from retrowalk.clinical.prescription import RULE_VERSION
from retrowalk.services.access import (
    actor_role,
    check_actor,
    check_id,
    reachable,
    require_role,
)
from retrowalk.services.accounts import check_client_key
from retrowalk.services.context import AppContext
from retrowalk.services.errors import InvalidRequest, invalid_from
from retrowalk.services.key_digest import key_digest, same_values
from retrowalk.services.numbers import NumberTextError, from_typed, is_strictly, scalar_of
from retrowalk.services.schemas import Actor, PolicyField, PolicyOut, Role
from retrowalk.services.schemas.base import REASON_MIN_LETTERS, TEXT_MAX_CHARS, says_why
from retrowalk.services.stored_once import stored_once
from retrowalk.store import client_keys
from retrowalk.store import repositories as repo
from retrowalk.store.models import ClinicPolicy, Walker

BUILT_IN: Final[int] = 0
"""The version number of the built-in default policy (no row stored)."""


def policy_in(tx: Session) -> tuple[int, PolicyConfig]:
    """The policy in force (its version and values), read in the caller's transaction."""
    return policy_of(repo.latest_policy(tx))


def policy_of(row: ClinicPolicy | None) -> tuple[int, PolicyConfig]:
    """A stored policy version's number and values (None: the built-in default)."""
    if row is None:
        return BUILT_IN, DEFAULT_POLICY
    return stored_policy(row.version, row.policy_json)


_KEPT_POLICY_MAX = 16
_kept_policies: dict[int, tuple[dict[str, Any], PolicyConfig]] = {}
_kept_lock = threading.Lock()


def stored_policy(version: int | None, values: dict[str, Any] | None) -> tuple[int, PolicyConfig]:
    """A stored policy version's number and values, validated once per version and process.

    Every request on a walker validated the policy's stored values into
    :class:`PolicyConfig` again. A version's values never change once stored, but a restore
    or a hand-made change could give a number other values: the values kept are used only
    when they equal those just read (a comparison of two small dicts, far cheaper than a
    validation). ``PolicyConfig`` is frozen, so one object serves every thread."""
    if version is None or values is None:
        return BUILT_IN, DEFAULT_POLICY
    kept = _kept_policies.get(version)
    if kept is not None and kept[0] == values:
        return version, kept[1]
    policy = PolicyConfig.model_validate(values)
    with _kept_lock:
        if len(_kept_policies) >= _KEPT_POLICY_MAX:
            _kept_policies.clear()
        _kept_policies[version] = (copy.deepcopy(values), policy)
    return version, policy


def policy_timeline(tx: Session) -> PolicyTimeline:
    """Every version of the clinic's policy with when it came into force, so each record is
    read under the policy of its time: a policy change never lifts a restriction (RULES §7)."""
    return PolicyTimeline(
        versions=tuple(
            PolicyVersion(since=row.created_at, policy=PolicyConfig.model_validate(row.policy_json))
            for row in repo.policy_versions(tx)
        )
    )


@dataclass(frozen=True)
class WalkerInPolicy:
    """A walker the actor may reach, the policy in force, and the stamp they were read with
    (the walker's newest audit entry and the newest policy version)."""

    walker: Walker
    policy: PolicyConfig
    stamp: tuple[int | None, int | None]
    policy_version: int = BUILT_IN
    instance: str | None = None
    """The id of this copy of the database (a restore renews it)."""

    @property
    def record_key(self) -> tuple[object, ...]:
        """What the walker's record as the gates read it depends on
        (:mod:`~retrowalk.services.record_cache`): its version, the policy version, this copy
        of the database, and the walker's age and sex (the fall-risk norms)."""
        return self.record_key_at(self.walker.record_version)

    def record_key_at(self, version: int) -> tuple[object, ...]:
        """:attr:`record_key` at another record version of the same walker."""
        walker = self.walker
        return (version, self.policy_version, self.instance, walker.age_years, walker.sex)

    @property
    def timeline_key(self) -> tuple[object, ...]:
        """What the clinic's policy history depends on: versions are only ever added."""
        return (self.instance, self.policy_version)


def walker_and_policy(tx: Session, actor: Actor, walker_id: int) -> WalkerInPolicy:
    """:func:`~retrowalk.services.access.walker_for` and :func:`policy_in` in one statement
    (the same checks, the same refusals): what starts every request on a walker's records."""
    check_id("walker_id", walker_id)
    found = repo.walker_context(tx, actor.account_id, walker_id)
    actor_role(actor, found.account_role)
    walker = reachable(actor, walker_id, found.walker)
    version, policy = stored_policy(found.policy_version, found.policy_json)
    return WalkerInPolicy(
        walker=walker,
        policy=policy,
        stamp=found.stamp,
        policy_version=version,
        instance=found.instance,
    )


def clinic_policy(ctx: AppContext) -> PolicyConfig:
    """The policy values in force, for wording a question before anyone signs in (the
    knee-surgery question names its weeks). Policy is the clinic's, not personal data."""
    with ctx.db.reader() as tx:
        return policy_in(tx)[1]


def _out(tx: Session, row: ClinicPolicy | None) -> PolicyOut:
    policy = PolicyConfig.model_validate(row.policy_json) if row is not None else DEFAULT_POLICY
    setter = repo.account(tx, row.set_by) if row is not None else None
    fields = tuple(
        PolicyField(
            name=name,
            value=getattr(policy, name),
            default=getattr(DEFAULT_POLICY, name),
            description=info.description or "",
        )
        for name, info in PolicyConfig.model_fields.items()
    )
    return PolicyOut(
        version=row.version if row is not None else BUILT_IN,
        set_at=row.created_at if row is not None else None,
        set_by_name=setter.display_name if setter is not None else None,
        reason=row.reason if row is not None else "The built-in default policy.",
        rule_version=row.rule_version if row is not None else RULE_VERSION,
        fields=fields,
    )


def current_policy(ctx: AppContext, actor: Actor) -> PolicyOut:
    """The policy in force, field by field with its default and what it means (anyone signed
    in may read it: it decides what the program tells them)."""
    with ctx.db.reader() as tx:
        check_actor(tx, actor)
        return _out(tx, repo.latest_policy(tx))


def changes_from_text(texts: Mapping[str, str]) -> dict[str, Any]:
    """Policy values as a person typed them (a form box, ``NAME=VALUE`` at the terminal) as
    the values ``set_policy`` checks: a list of surfaces is comma-separated codes, yes/no
    and numbers are read by ``PolicyConfig`` itself (so its sentence names what is allowed)."""
    changes: dict[str, Any] = {}
    for name, text in texts.items():
        field = PolicyConfig.model_fields.get(name)
        if field is not None and get_origin(field.annotation) is tuple:
            changes[name] = [part.strip() for part in text.split(",") if part.strip()]
        elif field is not None and (kind := scalar_of(field.annotation)) is not None:
            try:  # the one grammar of typed numbers: 0,8 is 0.8, 1_0 is refused
                changes[name] = from_typed(kind, text)
            except NumberTextError as exc:
                raise InvalidRequest(f"{name}: {exc} (got “{text.strip()}”).", field=name) from None
        else:
            changes[name] = text.strip()
    return changes


def set_policy(
    ctx: AppContext,
    actor: Actor,
    changes: dict[str, Any],
    reason: str,
    *,
    client_key: str | None = None,
    sent: Mapping[str, object] | None = None,
) -> PolicyOut:
    """A new policy version with ``changes`` (field → value) over the one in force (admin).

    Every value is checked by ``PolicyConfig`` itself (its limits, e.g. a speed step never
    above the published +10 % a week); an unknown field or a bad value is refused naming it.
    With a ``client_key`` (the page form has one) the same change sent twice is one version:
    the one it made comes back with ``created`` false, never "nothing to change"; the same
    key with other changes or another reason is refused (:class:`~.errors.KeyReused`).
    ``sent``: what the form sent, when ``changes`` is worked out from it and the version in
    force (the policy page sends every value and keeps those that differ, so its second copy,
    read after the first one's version, changes nothing); the key's values are then those.
    """
    key = check_client_key(client_key)
    values = {"changes": changes, "reason": reason} if sent is None else {"sent": sent}
    digest = key_digest(values) if key else None

    def first(tx: Session) -> PolicyOut | None:
        require_role(tx, actor, Role.ADMIN)
        return _version_under(tx, actor, key, digest)

    return stored_once(
        ctx.db,
        key,
        lambda: _set_policy(ctx, actor, changes, reason, key, digest),
        first,
        refused=(InvalidRequest,),  # "nothing to change": this copy read the first one's version
    )


def _version_under(
    tx: Session, actor: Actor, key: str | None, digest: str | None
) -> PolicyOut | None:
    """The policy version this administrator set under ``key``, as a replay answers it;
    refused when it was sent with other values than ``digest``."""
    row = client_keys.policy_by_client_key(tx, actor.account_id, key) if key else None
    if row is None:
        return None
    same_values(row.client_key_digest, digest, "policy change")
    return _out(tx, row).model_copy(update={"created": False})


def _set_policy(
    ctx: AppContext,
    actor: Actor,
    changes: dict[str, Any],
    reason: str,
    key: str | None,
    digest: str | None,
) -> PolicyOut:
    if not isinstance(reason, str) or not says_why(reason):
        raise InvalidRequest(
            f"reason: say why the policy changes, in a few words (at least "
            f"{REASON_MIN_LETTERS} letters, not only spaces, dots or other marks).",
            field="reason",
        )
    if len(reason) > TEXT_MAX_CHARS:
        raise InvalidRequest(
            f"reason: {len(reason):,} characters; at most {TEXT_MAX_CHARS:,} characters.",
            field="reason",
        )
    unknown = sorted(set(changes) - set(PolicyConfig.model_fields))
    if unknown:
        raise InvalidRequest(
            f"{unknown[0]}: is not a policy; the policies are "
            f"{', '.join(PolicyConfig.model_fields)}.",
            field=unknown[0],
        )
    for name, value in changes.items():
        kind = scalar_of(PolicyConfig.model_fields[name].annotation)
        if kind is not None and not is_strictly(kind, value):
            words = {int: "a whole number", float: "a number", bool: "true or false"}[kind]
            raise InvalidRequest(f"{name}: must be {words} (got {shown(value)}).", field=name)
    at = ctx.now()
    with ctx.db.transaction() as tx:
        require_role(tx, actor, Role.ADMIN)
        replay = _version_under(tx, actor, key, digest)
        if replay is not None:
            return replay
        version, current = policy_in(tx)
        merged = {**current.model_dump(mode="json"), **changes}
        try:
            new = PolicyConfig.model_validate(merged, context=SETTING)
        except ValidationError as exc:
            raise invalid_from(exc) from None
        changed = {
            name: [getattr(current, name), getattr(new, name)]
            for name in PolicyConfig.model_fields
            if getattr(current, name) != getattr(new, name)
        }
        if not changed:
            raise InvalidRequest(
                "The values given are the policy in force already: nothing to change."
            )
        row = repo.add(
            tx,
            ClinicPolicy(
                version=version + 1,
                created_at=at,
                set_by=actor.account_id,
                reason=reason.strip(),
                rule_version=RULE_VERSION,
                policy_json=new.model_dump(mode="json"),
                client_key=key,
                client_key_digest=digest,
            ),
        )
        repo.audit(
            tx,
            at=at,
            actor_account_id=actor.account_id,
            actor_role=actor.role.value,
            action="policy.set",
            entity="policy",
            entity_id=row.id,
            detail={
                "version": row.version,
                "rule_version": RULE_VERSION,
                "reason": row.reason,
                "changed": {k: [_plain(v) for v in pair] for k, pair in changed.items()},
            },
        )
        return _out(tx, row)


def _plain(value: Any) -> Any:
    """A policy value as JSON (surfaces are enums, tuples become lists)."""
    if isinstance(value, tuple):
        return [getattr(v, "value", v) for v in value]
    return getattr(value, "value", value)
