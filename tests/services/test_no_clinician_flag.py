"""A walker on no clinician's list is flagged to administrators (found by the outside-in
test: an admin enrolled a walker without naming a clinician, and her red flag reached no
one). A clinic of one administrator, with no clinician at all, is hers: no flag there."""

from __future__ import annotations

from retrowalk.services import accounts, clinician
from retrowalk.services.context import AppContext
from retrowalk.services.schemas import Flag
from tests.services.factory import clinician as make_clinician
from tests.services.factory import enrol


def test_an_unassigned_walker_is_flagged_first_to_the_administrator(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    alone = enrol(ctx, admin, "alone@example.org")
    assert alone.clinician_id is None
    # a clinic of one administrator: her walkers are hers, nothing to flag
    listed = {row.walker.id: row for row in clinician.walker_flags(ctx, admin)}
    assert Flag.NO_CLINICIAN not in listed[alone.id].flags
    doctor = make_clinician(ctx, admin, "doc@example.org")
    own = enrol(ctx, doctor, "own@example.org")
    listed = {row.walker.id: row for row in clinician.walker_flags(ctx, admin)}
    assert listed[alone.id].flags[0] is Flag.NO_CLINICIAN
    assert listed[alone.id].details[0].startswith("No clinician: this walker is on no")
    assert Flag.NO_CLINICIAN not in listed[own.id].flags
    assert clinician.walker_flag(ctx, admin, alone.id).flags[0] is Flag.NO_CLINICIAN
    # the clinician's own list holds only her walkers, none of them unassigned
    theirs = clinician.walker_flags(ctx, doctor)
    assert [row.walker.id for row in theirs] == [own.id]
