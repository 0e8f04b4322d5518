"""The clinic's policy versions in the order they came into force (RULES.md §7: a restriction
is lifted only by a clinician's recorded clearance).

A rule that depends on policy (the rest-day pain, a clearance for a PAR-Q answer or a blood
thinner, supervision with a walking aid) is read for each record with the policy that was in
force when the record was made. Changing the policy therefore changes what comes after, in
either direction, and never lifts a restriction already set: without this, an administrator
raising the rest-day pain from 7 to 8 would have lifted a walker's rest day with no clearance.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, model_validator

from retrowalk.clinical.policy import DEFAULT_POLICY, PolicyConfig


class PolicyVersion(BaseModel):
    """One version of the clinic's policy and when it came into force (aware)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    since: datetime
    policy: PolicyConfig


class PolicyTimeline(BaseModel):
    """Every version, oldest first; before the first, ``before`` (retrowalk's defaults)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    versions: tuple[PolicyVersion, ...] = ()
    before: PolicyConfig = DEFAULT_POLICY

    @model_validator(mode="after")
    def _in_order(self) -> PolicyTimeline:
        times = [v.since for v in self.versions]
        if times != sorted(times):
            raise ValueError("policy versions must be given oldest first")
        return self

    @property
    def current(self) -> PolicyConfig:
        """The policy in force now (the newest version)."""
        return self.versions[-1].policy if self.versions else self.before

    def at(self, moment: datetime) -> PolicyConfig:
        """The policy that was in force at ``moment`` (the newest version from before it)."""
        found = self.before
        for version in self.versions:
            if version.since > moment:
                break
            found = version.policy
        return found


def single(policy: PolicyConfig) -> PolicyTimeline:
    """A timeline with one policy for all time (tests, previews, the terminal's start)."""
    return PolicyTimeline(before=policy)
