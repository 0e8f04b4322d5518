"""A module's own app and database, for tests that add walkers to clinician A.

Import ``world`` into a test module (``from tests.web.own_world import world`` and list it in
``__all__``): it replaces the session-wide one there, so the walkers that module makes never
show up in another module's lists (which count clinician A's walkers).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.conftest import LiveServer, World, build_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    app, built = build_world(tmp_path_factory.mktemp("own"))
    with LiveServer(app) as server:
        built.url = server.url
        yield built
    built.ctx.db.dispose()
