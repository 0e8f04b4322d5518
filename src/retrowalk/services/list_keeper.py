"""Keeps the clinician's walker list computed in the background while the server runs.

Computing a thousand walkers' flags from nothing takes about half a second of CPU (issue 11:
the rules run over each walker's whole record). The list keeps what it computed
(:mod:`~retrowalk.services.flag_cache`), but what is kept expires (five minutes for the flags,
an hour for the record), a restart forgets it, and a new day or a policy change moves every
walker's stamp. So that a clinician never waits for that computation, each server process
runs one :class:`ListKeeper`: a daemon thread that prepares every walker's flags when the
server starts and again every ``every_s`` seconds. A run where nothing changed reads one short
row per walker (a few milliseconds per hundred walkers).

It decides nothing: gates compute afresh, and the list itself still computes whatever it
finds missing or stale. A failed run is logged and the next one tries again.
"""

from __future__ import annotations

import logging
import threading

from retrowalk.services import clinician
from retrowalk.services.context import AppContext

logger = logging.getLogger(__name__)

EVERY_S = 60.0
"""How often the list is prepared again: well inside the flags' five minutes, so an entry
that expired or a day that began is computed again within a minute."""


class ListKeeper:
    """A daemon thread preparing the walker list now and every ``every_s`` seconds."""

    def __init__(self, ctx: AppContext, every_s: float = EVERY_S) -> None:
        if every_s <= 0:
            raise ValueError("every_s must be positive")
        self.ctx = ctx
        self.every_s = every_s
        self.runs = 0
        """Runs finished (successful or not)."""
        self.prepared = threading.Event()
        """Set once a run has finished."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="retrowalk-list-keeper", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Ask the thread to stop and wait for it (a run in progress finishes first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    @property
    def running(self) -> bool:
        """Whether the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def run_once(self) -> None:
        """One preparation of the list; an error is logged, never raised."""
        try:
            clinician.prepare_walker_list(self.ctx)
        except Exception:  # the server goes on: the list computes what it needs itself
            logger.exception("the walker list could not be prepared in the background")
        finally:
            self.runs += 1
            self.prepared.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.every_s)
