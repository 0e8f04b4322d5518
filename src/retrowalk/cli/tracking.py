"""Tracking over weeks from the terminal: every command group that keeps a walker's record.

Enrol (:mod:`.walkers`), screen, assess and plan (:mod:`.onboarding`), today, log and check in
(:mod:`.walking`), the clinician's decisions (:mod:`.care`), history and progress
(:mod:`.reading`), export/import, backup/restore and the demo (:mod:`.data`). Every command
goes through the same use cases (:mod:`retrowalk.services`) as the web app.
"""

from __future__ import annotations

import typer

from retrowalk.cli import care, data, onboarding, reading, walkers, walking


def register(app: typer.Typer) -> None:
    """Add every tracking command to the root ``retrowalk`` app."""
    for group in (walkers, onboarding, walking, care, reading, data):
        group.register(app)
