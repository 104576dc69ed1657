"""A TCP proxy on 127.0.0.1 that counts the multi-searches going through it to Meilisearch.

For the outage tests and ``bench/outages.py``: it tells how often the API really sent a
search, also to a Meilisearch that never answers (SIGSTOP), which Meilisearch itself
cannot tell.
"""

from __future__ import annotations

import socket
import threading
from contextlib import suppress

MULTI_SEARCH = b"POST /multi-search "


class CountingProxy:
    """Forwards 127.0.0.1:``port`` to ``upstream`` and counts the multi-searches sent."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.multi_searches = 0
        self._lock = threading.Lock()
        self._closed = False
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, name="counting-proxy", daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), 2)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            self._sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True),
                             daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False),
                             daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, requests: bool) -> None:
        tail = b""
        try:
            while data := source.recv(65536):
                if requests:
                    seen = tail + data
                    with self._lock:
                        self.multi_searches += seen.count(MULTI_SEARCH)
                    tail = data[-(len(MULTI_SEARCH) - 1):]
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._closed = True
        self.listener.close()
        for sock in self._sockets:
            sock.close()
