"""Send a request with a huge body over a real socket and see when the answer comes."""

from __future__ import annotations

import select
import socket
from dataclasses import dataclass

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Answer:
    status: int
    head: str
    bytes_sent: int


def post_huge_body(
    port: int, path: str, *, total: int, headers: dict[str, str] | None = None
) -> Answer:
    """POST ``total`` bytes to 127.0.0.1:port; stop sending as soon as the server answers.
    ``bytes_sent`` is how much of the body had left this side by then."""
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/octet-stream",
        f"Content-Length: {total}",
        *(f"{name}: {value}" for name, value in (headers or {}).items()),
    ]
    chunk = b"x" * CHUNK
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        while sent < total:
            readable, _, _ = select.select([connection], [], [], 0)
            if readable:
                break
            try:
                sent += connection.send(chunk[: min(CHUNK, total - sent)])
            except (BrokenPipeError, ConnectionResetError):
                break
        head = _read_head(connection)
    status = int(head.split(" ", 2)[1]) if head.startswith("HTTP/") else 0
    return Answer(status, head, sent)


def _read_head(connection: socket.socket) -> str:
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            piece = connection.recv(65536)
            if not piece:
                break
            data += piece
    except (ConnectionResetError, TimeoutError):
        pass
    return data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
