"""Real receivers for delivery tests: an HTTP server and an SMTP server (aiosmtpd) on 127.0.0.1 that accept,
fail or stall on cue; a clock the test moves; settings changed for one test."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from sqlalchemy.orm import Session as SqlSession


@contextmanager
def settings(**values: object) -> Iterator[None]:
    """Run with `VOXPOP_<NAME>=value` set (for this process, the test server included)."""
    from voxpop.kit.settings import get_settings

    saved = {name: os.environ.get(f"VOXPOP_{name.upper()}") for name in values}
    os.environ.update({f"VOXPOP_{name.upper()}": str(value) for name, value in values.items()})
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(f"VOXPOP_{name.upper()}", None)
            else:
                os.environ[f"VOXPOP_{name.upper()}"] = value
        get_settings.cache_clear()


class Clock:
    """A clock that stands still until the test moves it (`voxpop.kit.clock` reads it)."""

    def __init__(self) -> None:
        from voxpop.kit import clock

        self.now = datetime.now(UTC).replace(microsecond=0)
        clock.set_clock(lambda: self.now)

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now

    def to(self, moment: datetime) -> None:
        self.now = max(self.now, moment)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_jobs() -> int:
    """Run every job that is due now (by the test's clock), until none is left; how many ran."""
    from voxpop.kit.jobs.runner import run_due_jobs

    total = 0
    while ran := run_due_jobs():
        total += ran
    return total


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class HttpReceiver:
    """Answers each request with the next scripted behaviour: an HTTP status, "stall" (answer late) or
    "trickle" (send the answer one byte at a time, for `stall_seconds` in all). Every answer carries
    `body`, and `location` as a redirect target when set."""

    script: list[int | str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    stall_seconds: float = 2.0
    body: bytes = b"ok"
    location: str | None = None
    url: str = ""

    def answer(self, request: Received) -> int | str:
        self.received.append(request)
        behaviour = self.script.pop(0) if self.script else 200
        if behaviour == "stall":
            time.sleep(self.stall_seconds)
            return 200
        return behaviour if behaviour == "trickle" else int(behaviour)

    def reply(self, status: int) -> bytes:
        lines = [f"HTTP/1.1 {status} Whatever", f"content-length: {len(self.body)}", "connection: close"]
        if self.location:
            lines.append(f"location: {self.location}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


@contextmanager
def http_receiver(*script: int | str) -> Iterator[HttpReceiver]:
    receiver = HttpReceiver(script=list(script))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            behaviour = receiver.answer(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            answer = receiver.reply(200 if behaviour == "trickle" else int(behaviour))
            chunk = 1 if behaviour == "trickle" else len(answer)
            pause = receiver.stall_seconds / len(answer) if behaviour == "trickle" else 0
            try:
                for index in range(0, len(answer), chunk):
                    self.wfile.write(answer[index : index + chunk])
                    time.sleep(pause)
            except OSError:
                pass  # the sender stopped waiting
            self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class SmtpReceiver:
    """Accepts mail, except for recipients given a scripted SMTP reply ("451 …" or "550 …") per attempt."""

    replies: dict[str, list[str]] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    port: int = 0

    async def handle_RCPT(  # noqa: N802 (the name aiosmtpd calls)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        scripted = self.replies.get(address)
        if scripted:
            return scripted.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        assert isinstance(envelope.content, bytes)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted"


def _accept_only(login: bytes, password: bytes) -> Callable[..., AuthResult]:
    def authenticate(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (login, password)
        return AuthResult(success=ok, handled=False)

    return authenticate


@contextmanager
def smtp_receiver(login: tuple[str, str] | None = None) -> Iterator[SmtpReceiver]:
    """A real SMTP server; with `login`, it asks for that user and password (AUTH LOGIN/PLAIN)."""
    receiver = SmtpReceiver(port=free_port())
    options: dict[str, Any] = {}
    if login is not None:
        options = {"authenticator": _accept_only(*(v.encode() for v in login)), "auth_require_tls": False}
        options["auth_required"] = True
    controller = Controller(receiver, hostname="127.0.0.1", port=receiver.port, **options)
    controller.start()
    try:
        with settings(smtp_host="127.0.0.1", smtp_port=receiver.port):
            yield receiver
    finally:
        controller.stop()


def dead_letter(session: SqlSession, workspace_id: uuid.UUID, endpoint_id: uuid.UUID) -> uuid.UUID:
    """A webhook delivery already given up (as after a long outage), ready to replay."""
    from tests.factories import writing
    from voxpop.delivery.models import Channel, Delivery, DeliveryStatus

    with writing(session) as writer:
        delivery = Delivery(
            workspace_id=workspace_id,
            channel=Channel.WEBHOOK,
            endpoint_id=endpoint_id,
            event_type="case.opened",
            message={"body": '{"type": "case.opened"}'},
            status=DeliveryStatus.FAILED,
            last_error="ConnectError: [Errno 111] Connection refused",
        )
        writer.add(delivery)
        writer.flush()
        return delivery.id
