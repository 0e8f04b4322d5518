"""An address no mail server takes is refused where it is typed, naming the part too long:
an invitation sent to it would never arrive, and the clinic would wait for a walker who
never got the link."""

from __future__ import annotations

import pytest

from retrowalk.services import accounts, invitations
from retrowalk.services.context import AppContext
from retrowalk.services.errors import InvalidRequest
from retrowalk.services.schemas import normalise_email
from tests.services.factory import clinician


def test_a_walkers_invitation_to_a_300_character_name_is_refused(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    dr = clinician(ctx, admin, "dr@example.org")
    with pytest.raises(InvalidRequest) as refused:
        accounts.create_invitation(ctx, dr, "w" * 300 + "@example.org")
    assert refused.value.field == "email"
    assert "the part before the @ has 300 characters" in str(refused.value)
    assert "at most 64" in str(refused.value)
    assert accounts.create_invitation(ctx, dr, "w" * 64 + "@example.org").token


def test_a_clinicians_invitation_to_an_overlong_address_is_refused(ctx: AppContext) -> None:
    admin = accounts.ensure_local_admin(ctx)
    address = "c@" + "d" * 250 + ".org"
    with pytest.raises(InvalidRequest) as refused:
        invitations.invite_clinician(ctx, admin, address)
    assert refused.value.field == "email"
    assert "at most 254" in str(refused.value)


@pytest.mark.parametrize("address", ["a@example.org", "Ann.Smith+knee@Clinic.Example.ORG"])
def test_ordinary_addresses_are_kept_lower_cased(address: str) -> None:
    assert normalise_email(f"  {address} ") == address.lower()
