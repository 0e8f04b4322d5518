"""Was a bout walked forward or backward? Evidence from the gait's arrow of time.

No phone orientation is needed. Each step cycle (from one detected step to the next) adds to
a few sums; at the end of the bout they give three features that change sign when the
recording is played backwards, and none of which depends on how the phone is turned:

* the *biphase* of the acceleration magnitude between its first and second, and first and
  third, harmonics of the step frequency (``sin arg(X₂·X̄₁²)``, ``sin arg(X₃·X̄₁³)``);
* the phase relation between vertical and anteroposterior acceleration at the step
  frequency, ``sin 2φ``, with vertical taken from gravity and the anteroposterior axis as the
  horizontal direction with the most power at the step frequency (its sign cannot be known,
  hence 2φ, which does not depend on it).

The score is their mean (−1 … 1; positive is the forward pattern measured on forward walking).
The model behind it is that backward walking looks like forward walking played backwards —
an assumption, **not validated on real backward walking**: no such labelled recordings
exist here (docs/motion.md). On the forward data the features disagree between phone
placements, so the call is deliberately one-sided: *backward* only when all three agree
strongly (score ≤ −:data:`BACKWARD_SCORE`, at least 8 steps), *unknown* for a shorter bout
whose score reaches that same backward threshold (too few cycles to call it, too strong to
ignore), and otherwise *forward*, with a confidence that is 0 when the forward call rests
only on the absence of backward evidence. One threshold for every bout length: a short bout
that leans backward only as much as forward bouts often do (score between −0.85 and 0) is
called forward at confidence 0, as a long one is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from retrowalk.motion.recording import FloatArray

DirectionLabel = Literal["forward", "backward", "unknown"]

BACKWARD_SCORE = 0.85
"""Score at or below −this is called backward. Chosen on the forward data (Oxford, IPOL) as
a round value that fewer than 1 % of forward bouts reach: in-sample (docs/motion.md)."""
MIN_CYCLES = 7
"""A backward call needs this many step cycles (8 steps); a shorter bout whose score
reaches the backward threshold is unknown rather than called either way (until issue 14
any backward lean, score below 0, made a short bout unknown: 3 of 143 forward bouts)."""
STATS = 28
"""Length of one cycle's sums (see :func:`cycle_stats`)."""


@dataclass(frozen=True)
class Direction:
    """The call for one bout, its confidence (0–1) and the score it came from (−1…1)."""

    label: DirectionLabel
    confidence: float
    score: float


UNKNOWN = Direction("unknown", 0.0, 0.0)


def cycle_stats(xyz: FloatArray) -> NDArray[np.float64]:
    """The sums one step cycle adds (samples from one step up to the next, m/s²).

    Layout: samples, Σxyz (3), the 3×3 cross-spectral matrix at the step frequency (9 complex
    as 18 reals), X₂X̄₁² and X₃X̄₁³ of the magnitude (2 complex as 4 reals), and 2 spare.
    """
    out = np.zeros(STATS)
    n = xyz.shape[0]
    if n < 6:
        return out
    phase = np.exp(-2j * np.pi * np.arange(n) / n)
    x = xyz
    fundamental = phase @ x  # (3,) complex
    cross = np.outer(fundamental, fundamental.conj()).ravel()
    magnitude = np.sqrt(np.einsum("ij,ij->i", x, x))
    magnitude = magnitude - magnitude.mean()
    m1 = phase @ magnitude
    m2 = (phase * phase) @ magnitude
    m3 = (phase * phase * phase) @ magnitude
    b12 = m2 * np.conj(m1) ** 2
    b13 = m3 * np.conj(m1) ** 3
    out[0] = n
    out[1:4] = x.sum(axis=0)
    out[4:13] = cross.real
    out[13:22] = cross.imag
    out[22:24] = (b12.real, b12.imag)
    out[24:26] = (b13.real, b13.imag)
    return out


def _sin_arg(z: complex) -> float:
    return float(z.imag / abs(z)) if abs(z) > 0 else 0.0


def classify(sums: NDArray[np.float64], cycles: int) -> Direction:
    """The direction of a bout from the sums of its step cycles."""
    if cycles < 1 or sums[0] <= 0:
        return UNKNOWN
    mean = sums[1:4] / sums[0]
    norm = float(np.linalg.norm(mean))
    if norm == 0:
        return UNKNOWN
    g = mean / norm
    cross = (sums[4:13] + 1j * sums[13:22]).reshape(3, 3)
    horizontal = np.eye(3) - np.outer(g, g)
    _, vectors = np.linalg.eigh(horizontal @ cross.real @ horizontal)
    ap = vectors[:, -1]
    vertical_ap = complex(g @ cross @ ap)
    sin_2phi = _sin_arg(vertical_ap * vertical_ap) if abs(vertical_ap) > 0 else 0.0
    b12 = _sin_arg(complex(sums[22], sums[23]))
    b13 = _sin_arg(complex(sums[24], sums[25]))
    score = (b12 + b13 + sin_2phi) / 3.0
    if score <= -BACKWARD_SCORE:
        if cycles < MIN_CYCLES:
            return Direction("unknown", 0.0, score)
        return Direction("backward", min(1.0, -score), score)
    return Direction("forward", max(0.0, score), score)


def step_cycles(
    xyz: FloatArray, indices: NDArray[np.intp], previous: int | None, max_cycle: int
) -> NDArray[np.float64]:
    """Cycle sums for each step: from the step before it (``previous`` for the first) to it.

    ``xyz`` holds the samples the indices point into; a cycle longer than ``max_cycle``
    samples (a pause, not a step) gives zeros, as does a first step with no step before it.
    """
    out = np.zeros((indices.size, STATS))
    before = previous
    for row, index in enumerate(indices.tolist()):
        if before is not None and 0 < index - before <= max_cycle and before >= 0:
            out[row] = cycle_stats(xyz[before:index])
        before = index
    return out
