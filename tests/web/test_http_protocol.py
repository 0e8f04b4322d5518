"""Several workers answer as fast as one: every connection gets ``TCP_NODELAY`` (uvicorn binds
the listening socket of ``--workers N`` with ``proto`` 0, so asyncio leaves Nagle's algorithm
on and each keep-alive request waits ~40 ms for a delayed ACK; uvicorn issue #3149)."""

from __future__ import annotations

import asyncio
import socket
import threading

import pytest
from uvicorn import Config

from retrowalk.web.http_protocol import PROTOCOL, NoDelayProtocol, set_no_delay


async def _accepted_no_delay(fix: bool) -> int:
    """TCP_NODELAY of a connection accepted on a listener bound as uvicorn's workers bind it."""
    listener = socket.socket(family=socket.AF_INET)  # proto 0, as uvicorn's bind_socket
    listener.bind(("127.0.0.1", 0))
    found: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            if fix:
                set_no_delay(transport)
            sock = transport.get_extra_info("socket")
            found.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
    port = listener.getsockname()[1]
    _reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        return await asyncio.wait_for(found, 10)
    finally:
        writer.close()
        server.close()
        await server.wait_closed()


def _in_own_thread(fix: bool) -> int:
    """Run the probe on an event loop of its own thread (the browser tests' Playwright keeps
    a loop running in the main thread, where ``asyncio.run`` is refused)."""
    found: list[int] = []
    thread = threading.Thread(target=lambda: found.append(asyncio.run(_accepted_no_delay(fix))))
    thread.start()
    thread.join(timeout=30)
    assert found, "the probe connection was not accepted"
    return found[0]


def test_a_worker_connection_has_nagle_switched_off() -> None:
    if _in_own_thread(fix=False) != 0:
        pytest.skip("this Python sets TCP_NODELAY on such sockets itself: nothing to fix")
    assert _in_own_thread(fix=True) != 0


async def _app(scope: object, receive: object, send: object) -> None:
    """Stands in for the app: only the protocol is loaded here."""


def test_uvicorn_loads_the_protocol_retrowalk_serve_names() -> None:
    config = Config(_app, http=PROTOCOL)
    config.load()
    assert config.http_protocol_class is NoDelayProtocol
