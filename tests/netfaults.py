"""Misbehaving network peers for timeout tests, on 127.0.0.1 in a background thread.

`silent_server`: accepts connections, reads whatever is sent, never answers (a firewall
that blackholes, a hung server). `dropping_proxy`: forwards to a real server until the
client's first query (PostgreSQL 'P'arse or 'Q'uery message), then closes both sides (a
server restart or a network cut mid-session).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator


def _listener() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.2)
    return sock


def _serve(sock: socket.socket, stop: threading.Event, handle) -> None:
    while not stop.is_set():
        try:
            conn, _ = sock.accept()
        except TimeoutError:
            continue
        except OSError:
            return
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


@contextlib.contextmanager
def _running(handle) -> Iterator[int]:
    sock, stop = _listener(), threading.Event()
    thread = threading.Thread(target=_serve, args=(sock, stop, handle), daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        sock.close()


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """The port of a server that accepts and never says a word."""
    held: list[socket.socket] = []

    def handle(conn: socket.socket) -> None:
        held.append(conn)  # keep it open: the client must give up on its own
        conn.settimeout(0.5)
        while True:
            try:
                if not conn.recv(65536):
                    return
            except TimeoutError:
                continue
            except OSError:
                return

    with _running(handle) as port:
        try:
            yield port
        finally:
            for conn in held:
                conn.close()


@contextlib.contextmanager
def dropping_proxy(target_port: int, target_host: str = "127.0.0.1") -> Iterator[int]:
    """The port of a proxy to PostgreSQL that cuts the connection at the first query."""

    def handle(client: socket.socket) -> None:
        upstream = socket.create_connection((target_host, target_port), timeout=10)
        client.settimeout(None)

        def pump(src: socket.socket, dst: socket.socket, watch: bool) -> None:
            try:
                while data := src.recv(65536):
                    if watch and data[:1] in (b"P", b"Q"):
                        break
                    dst.sendall(data)
            except OSError:
                pass
            for s in (client, upstream):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

        threading.Thread(target=pump, args=(upstream, client, False), daemon=True).start()
        pump(client, upstream, True)

    with _running(handle) as port:
        yield port
