"""HTTP for webhooks: one POST per attempt, within a deadline, to a checked address.

- **A deadline, not a timeout per read**: `WEBHOOK_TIMEOUT_SECONDS` bounds the whole attempt (name lookup,
  connect, TLS, sending, the answer's status line). Every socket operation waits at most for what is left,
  so a receiver that trickles its answer a byte at a time is cut off on time.
- **The checked address is the one connected to**: the host is resolved here, internal addresses refused
  (`delivery.addresses`), and the socket opened to the checked IP itself, so a name re-pointed between the
  check and the connection (DNS rebinding) changes nothing; TLS still verifies the certificate against the
  host name.
- Redirects are never followed, and only the status of an answer is kept: its body is not read.
"""

from __future__ import annotations

import contextvars
import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import httpcore

from voxpop.delivery import addresses

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("webhook_deadline", default=None)


def _left(timeout: float | None, expired: type[Exception]) -> float | None:
    """What is left of the attempt's deadline, capped by the operation's own timeout; raises when none."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the attempt's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _CheckedBackend(httpcore.NetworkBackend):
    """Resolves and checks the host, then connects to a permitted address of it, within the deadline."""

    def __init__(self) -> None:
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        try:
            usable = addresses.permitted(host, port, 30.0 if left is None else left)
        except addresses.Unresolved as error:
            raise httpcore.ConnectError(str(error)) from None
        failure: Exception | None = None
        for address in usable:
            try:
                stream = self._sockets.connect_tcp(
                    str(address),
                    port,
                    _left(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
                return _DeadlineStream(stream)
            except httpcore.ConnectError as error:
                failure = error
        assert failure is not None
        raise failure

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("webhooks go over TCP only")


@cache
def _pool() -> httpcore.ConnectionPool:
    return httpcore.ConnectionPool(network_backend=_CheckedBackend(), max_connections=20, retries=0)


@contextmanager
def _within(seconds: float) -> Iterator[None]:
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def post(url: str, body: bytes, headers: dict[str, str], seconds: float) -> int:
    """POST `body` to `url` and return the answer's status, all within `seconds`. Raises
    `httpcore.TimeoutException` past the deadline, `addresses.RefusedAddress` for an internal address,
    and other `httpcore` errors for failed connections."""
    timeouts = {"connect": seconds, "read": seconds, "write": seconds, "pool": seconds}
    with (
        _within(seconds),
        _pool().stream(
            "POST", url, headers=list(headers.items()), content=body, extensions={"timeout": timeouts}
        ) as reply,
    ):
        return int(reply.status)
