"""Benchmarks, run by ``make bench``: each ``bench_*.py`` module has a ``main()``.

Every benchmark reports ratios against a named peer run in the same process; the tests never
assert wall-clock times.
"""
