"""Keep the objects of start-up out of the garbage collector's way (``gc.freeze``).

A server process holds about 120,000 long-lived objects once its modules, models and
templates are loaded; every full collection walks all of them, and a request that builds
many objects (the list of a thousand walkers) triggers several. Freezing what exists once
start-up is done moves those objects to a permanent generation that collections skip — the
practice the CPython documentation gives for servers (``gc.freeze``). It runs once per server
process, never in tests that build many apps.
"""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    """Collect what start-up left as garbage, then freeze every object still alive."""
    gc.collect()
    gc.freeze()
