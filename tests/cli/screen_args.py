"""The flags of `retrowalk screen` that answer every question (none may be left out)."""

from __future__ import annotations

PARQ_CLEAR = ("--parq-yes", "5", "--parq-no", "1,2,3,4,6,7")
"""Item 5 (a joint problem) yes, as most people with knee pain answer; the rest no."""
OTHERS_NO = (
    "--used-to-activity",
    "--no-fever",
    "--no-walking-aid",
    "--no-anticoagulant",
    "--no-recent-knee-surgery",
    "--not-fell",
    "--not-unsteady",
    "--not-worried",
)
"""Every yes/no question answered on its safe side (used to activity: yes)."""
CLEAR = (*PARQ_CLEAR, "--no-red-flags", *OTHERS_NO)
"""A screening that clears: every question answered, no red flag."""


def with_red_flag(*codes: str) -> tuple[str, ...]:
    """Every question answered, with these red flags."""
    return (*PARQ_CLEAR, *(arg for code in codes for arg in ("--red-flag", code)), *OTHERS_NO)
