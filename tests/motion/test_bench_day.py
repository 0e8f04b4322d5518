"""The synthetic day of the speed benchmark is what it claims: real walking between rests."""

from __future__ import annotations

import numpy as np
from benchmarks.bench_motion_day import RATE_HZ, iter_day, plan_day

from retrowalk.motion import StreamingAnalyzer


def test_synthetic_day_is_continuous_100_hz_with_real_walking() -> None:
    duration_s = 1800.0
    plan = plan_day(duration_s=duration_s)
    assert len(plan.segments) > 100  # Oxford and IPOL walking segments
    analyzer = StreamingAnalyzer()
    previous_end = None
    total = 0
    steps = 0
    for t, xyz in iter_day(plan, chunk_s=120.0, duration_s=duration_s):
        assert xyz.shape == (t.size, 3)
        np.testing.assert_allclose(np.diff(t), 1 / RATE_HZ, atol=1e-6)  # UNIX-time float
        if previous_end is not None:
            assert abs(t[0] - previous_end - 1 / RATE_HZ) < 1e-6
        previous_end = t[-1]
        total += t.size
        steps += sum(b.steps for b in analyzer.feed(t, xyz))
    steps += sum(b.steps for b in analyzer.finish())
    assert total == round(duration_s * RATE_HZ)
    assert steps > 200  # walking is found in it, not only rest
