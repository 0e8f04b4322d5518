"""uvicorn's HTTP protocol with Nagle's algorithm switched off on every connection.

With ``--workers N`` uvicorn binds the listening socket itself and leaves its ``proto`` at 0;
asyncio then does not set ``TCP_NODELAY`` on the accepted connections, and every keep-alive
request after the first waits for the client's delayed acknowledgement: about 40 ms more per
request on Linux (uvicorn issue #3149, open for uvicorn 0.54). ``retrowalk serve`` names this
protocol (uvicorn's ``http`` option) so one worker and several answer alike. The parser is
uvicorn's own: httptools where it is installed, h11 otherwise (what uvicorn's "auto" picks).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Base
except ImportError:  # httptools is optional: uvicorn then parses with h11
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Base  # type: ignore[assignment]

PROTOCOL = "retrowalk.web.http_protocol:NoDelayProtocol"
"""The import string to give uvicorn (``http=`` / ``--http``)."""


def set_no_delay(transport: asyncio.BaseTransport) -> None:
    """Send each write at once on a TCP connection (nothing to do on a Unix socket)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayProtocol(_Base):
    """uvicorn's HTTP/1.1 protocol, with ``TCP_NODELAY`` set when the connection opens."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        set_no_delay(transport)
        super().connection_made(transport)  # type: ignore[arg-type]
