"""The record a one-time key (``client_key``) already stored, for the use cases that take one.

A page form carries a random key made when the page is shown, and a program may send one of
its own; the record keeps it, unique per walker (``uq_*_walker_client_key``), so sending the
same form twice finds the first record here instead of storing a second one. Beside the key,
``client_key_digest`` keeps what it was sent with, so the use case can refuse the same key
with other values (``services.key_digest``).
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from retrowalk.store.models import (
    Assessment,
    Clearance,
    ClinicianNote,
    ClinicPolicy,
    Invitation,
    Prescription,
    RedFlagReport,
    ResetLink,
    Screening,
)

Keyed = TypeVar(
    "Keyed", ClinicianNote, Assessment, RedFlagReport, Screening, Clearance, Prescription
)


def by_client_key(tx: Session, model: type[Keyed], walker_id: int, client_key: str) -> Keyed | None:
    """The walker's record of this kind stored under ``client_key``, or None."""
    query = select(model).where(model.walker_id == walker_id, model.client_key == client_key)
    return tx.scalar(query)


def invitation_by_client_key(tx: Session, sender_id: int, client_key: str) -> Invitation | None:
    """The invitation this sender made under ``client_key``, or None."""
    query = select(Invitation).where(
        Invitation.clinician_id == sender_id, Invitation.client_key == client_key
    )
    return tx.scalar(query)


def policy_by_client_key(tx: Session, set_by: int, client_key: str) -> ClinicPolicy | None:
    """The policy version this administrator set under ``client_key``, or None."""
    query = select(ClinicPolicy).where(
        ClinicPolicy.set_by == set_by, ClinicPolicy.client_key == client_key
    )
    return tx.scalar(query)


def reset_link_by_client_key(tx: Session, created_by: int, client_key: str) -> ResetLink | None:
    """The password link this person made under ``client_key``, or None."""
    query = select(ResetLink).where(
        ResetLink.created_by == created_by, ResetLink.client_key == client_key
    )
    return tx.scalar(query)
