"""Talking to the outside world: one HTTP request or one SMTP conversation per attempt, never a retry here
(retries are scheduled as jobs, so they survive a restart)."""

from __future__ import annotations

import contextlib
import smtplib
import socket
import threading
import time
import uuid
from dataclasses import dataclass, replace
from email.message import EmailMessage
from http import HTTPStatus
from typing import Any

import httpcore

from voxpop.delivery import signing, transport
from voxpop.delivery.addresses import RefusedAddress
from voxpop.delivery.models import Channel
from voxpop.kit import clock
from voxpop.kit.settings import Settings, get_settings


@dataclass(frozen=True)
class Plan:
    """Everything one attempt needs, read from the database before any network traffic."""

    delivery_id: uuid.UUID
    channel: str
    message: dict[str, Any]
    url: str | None = None
    secret: str | None = None


@dataclass(frozen=True)
class Outcome:
    """The answer to one attempt. `permanent` failures (an SMTP 5xx refusal of the recipient or the message)
    are not retried."""

    status_code: int | None = None
    error: str | None = None
    delivered: bool = False
    permanent: bool = False
    duration_ms: int = 0


def send(plan: Plan) -> Outcome:
    started = time.perf_counter()
    outcome = _post(plan) if plan.channel == Channel.WEBHOOK else _mail(plan)
    return replace(outcome, duration_ms=round((time.perf_counter() - started) * 1000))


def _post(plan: Plan) -> Outcome:
    assert plan.url is not None and plan.secret is not None
    body = plan.message["body"].encode()
    headers = signing.headers(plan.secret, str(plan.delivery_id), int(clock.now().timestamp()), body)
    headers.update({"content-type": "application/json", "content-length": str(len(body))})
    headers["user-agent"] = "voxpop-webhooks/1"
    timeout = get_settings().webhook_timeout_seconds
    try:
        status = transport.post(plan.url, body, headers, timeout)
    except httpcore.TimeoutException:
        return Outcome(error=f"no answer within {timeout:g} s")
    except RefusedAddress as error:
        return Outcome(error=f"refused: {error}")
    except (httpcore.ProtocolError, httpcore.NetworkError, httpcore.UnsupportedProtocol) as error:
        return Outcome(error=f"{type(error).__name__}: {error}")
    if 200 <= status < 300:
        return Outcome(status_code=status, delivered=True)
    return Outcome(status_code=status, error=status_line(status))


def status_line(status: int) -> str:
    """A failed answer as its status line only: the receiver's own words (its body, its reason phrase)
    are never kept, so an endpoint cannot be used to read what a server answers."""
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def email_message(plan: Plan, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = plan.message["to"]
    message["Subject"] = plan.message["subject"]
    message["Message-ID"] = f"<{plan.delivery_id}@voxpop>"
    for name, value in (plan.message.get("headers") or {}).items():
        message[name] = value
    message.set_content(plan.message["text"])
    if plan.message.get("html"):
        message.add_alternative(plan.message["html"], subtype="html")
    return message


class _Deadline:
    """smtplib's timeout bounds each read, so a server that trickles its replies could hold an attempt (and
    the runner it is on) for ever; this bounds the whole conversation: when it passes, the socket is shut and
    the read waiting on it ends."""

    def __init__(self, client: smtplib.SMTP, seconds: float) -> None:
        self.client, self.passed = client, False
        self.timer = threading.Timer(seconds, self._shut)
        self.timer.daemon = True

    def _shut(self) -> None:
        self.passed = True
        sock = self.client.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Deadline:
        self.timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.timer.cancel()


def _converse(client: smtplib.SMTP, plan: Plan, settings: Settings) -> None:
    client.connect(settings.smtp_host, settings.smtp_port)
    if settings.smtp_tls == "starttls":
        client.starttls()
    if settings.smtp_user:
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
        client.login(settings.smtp_user, password)
    client.send_message(email_message(plan, settings.smtp_from))


def _mail(plan: Plan) -> Outcome:
    settings = get_settings()
    seconds = settings.smtp_timeout_seconds
    client_type = smtplib.SMTP_SSL if settings.smtp_tls == "ssl" else smtplib.SMTP
    client = client_type(timeout=seconds)  # not connected yet: the deadline covers the greeting too
    deadline = _Deadline(client, seconds)
    try:
        with deadline, client:
            _converse(client, plan, settings)
    except smtplib.SMTPRecipientsRefused as error:
        code, reason = next(iter(error.recipients.values()))
        return _refused(code, reason, about_message=True)
    except smtplib.SMTPResponseException as error:
        return _refused(error.smtp_code, error.smtp_error, isinstance(error, smtplib.SMTPDataError))
    except (smtplib.SMTPException, OSError) as error:
        if deadline.passed:
            return Outcome(error=f"no answer within {seconds:g} s")
        return Outcome(error=f"{type(error).__name__}: {error}")
    return Outcome(status_code=250, delivered=True)


def _refused(code: int, reason: bytes | str, about_message: bool) -> Outcome:
    """A 5xx refusal of the recipient or the message bounces; any other refusal (login, sender address) is
    a problem of our own set-up, retried so that mail goes out once the settings are fixed."""
    text = reason.decode(errors="replace") if isinstance(reason, bytes) else reason
    return Outcome(status_code=code, error=f"SMTP {code}: {text}", permanent=about_message and code >= 500)
