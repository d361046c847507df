"""Email goes out through a real SMTP server (aiosmtpd) in the test process: sent once, retried with backoff
after a temporary refusal (4xx), bounced at once after a permanent one (5xx), given up after the set time."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.delivery.factories import Clock, run_jobs, settings, smtp_receiver
from tests.factories import make_workspace, writing
from voxpop.delivery import senders, service
from voxpop.delivery.models import Delivery, DeliveryAttempt
from voxpop.kit.errors import Invalid

pytestmark = pytest.mark.usefixtures("background_jobs_paused")


def queue(
    session: Session, workspace_id: uuid.UUID, to: str = "ann@example.com", **extra: object
) -> uuid.UUID:
    with writing(session) as writer:
        return service.queue_email(
            writer,
            workspace_id,
            to=to,
            subject="How did we do?",
            text="Tell us.",
            **extra,  # type: ignore[arg-type]
        )


def fresh(session: Session, delivery_id: uuid.UUID) -> Delivery:
    session.rollback()
    delivery = session.get(Delivery, delivery_id, populate_existing=True)
    assert delivery is not None
    return delivery


def attempts(session: Session, delivery_id: uuid.UUID) -> list[DeliveryAttempt]:
    session.rollback()
    return list(
        session.scalars(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.delivery_id == delivery_id)
            .order_by(DeliveryAttempt.attempted_at)
        )
    )


def status(session: Session, workspace_id: uuid.UUID, delivery_id: uuid.UUID) -> str:
    session.rollback()
    return service.email_status(session, workspace_id, [delivery_id])[delivery_id]


def test_an_email_is_sent_once_with_both_parts_its_headers_and_a_message_id_from_its_delivery_id(
    session: Session,
) -> None:
    workspace_id = make_workspace(session)
    with smtp_receiver() as smtp:
        sent_id = queue(
            session,
            workspace_id,
            html="<p>Tell <b>us</b>.</p>",
            headers={"List-Unsubscribe": "<https://example.com/u/1>"},
        )
        assert status(session, workspace_id, sent_id) == "queued"
        assert run_jobs() == 1
    assert status(session, workspace_id, sent_id) == "sent"
    [message] = smtp.messages
    assert message["To"] == "ann@example.com" and message["Subject"] == "How did we do?"
    assert message["Message-ID"] == f"<{sent_id}@voxpop>"
    assert message["List-Unsubscribe"] == "<https://example.com/u/1>"
    parts = {part.get_content_type(): part.get_payload(decode=True) for part in message.walk()}
    assert parts["text/plain"].strip() == b"Tell us."  # type: ignore[union-attr]
    assert parts["text/html"].strip() == b"<p>Tell <b>us</b>.</p>"  # type: ignore[union-attr]
    assert [a.status_code for a in attempts(session, sent_id)] == [250]


def test_a_temporary_refusal_is_retried_after_a_jittered_backoff_and_then_sent(session: Session) -> None:
    clock = Clock()
    workspace_id = make_workspace(session)
    with settings(delivery_retry_base_seconds=60), smtp_receiver() as smtp:
        smtp.replies["busy@example.com"] = ["451 4.3.0 try again later", "451 4.3.0 try again later"]
        delivery_id = queue(session, workspace_id, to="busy@example.com")
        run_jobs()
        first = fresh(session, delivery_id)
        assert first.status == "queued" and first.next_attempt_at is not None
        assert clock.now <= first.next_attempt_at <= clock.now + timedelta(seconds=60)
        assert run_jobs() == 0, "the retry waits for its time"
        clock.to(first.next_attempt_at)
        run_jobs()
        second = fresh(session, delivery_id)
        assert second.next_attempt_at is not None
        assert second.next_attempt_at <= clock.now + timedelta(seconds=120), "the second wait is at most 2×"
        clock.to(second.next_attempt_at)
        run_jobs()
    assert status(session, workspace_id, delivery_id) == "sent"
    assert len(smtp.messages) == 1
    log = attempts(session, delivery_id)
    assert [a.status_code for a in log] == [451, 451, 250]
    assert "try again later" in (log[0].error or "")


def test_a_permanent_refusal_bounces_at_once_and_is_never_retried(session: Session) -> None:
    clock = Clock()
    workspace_id = make_workspace(session)
    with smtp_receiver() as smtp:
        smtp.replies["gone@example.com"] = ["550 5.1.1 no such mailbox"]
        delivery_id = queue(session, workspace_id, to="gone@example.com")
        run_jobs()
        clock.advance(7 * 24 * 3600)
        assert run_jobs() == 0
    assert status(session, workspace_id, delivery_id) == "bounced"
    [attempt] = attempts(session, delivery_id)
    assert attempt.status_code == 550 and "no such mailbox" in (attempt.error or "")
    assert smtp.messages == []


def test_an_unreachable_server_is_retried_until_the_give_up_time_then_failed_and_can_be_replayed(
    session: Session,
) -> None:
    clock = Clock()
    workspace_id = make_workspace(session)
    with settings(smtp_host="127.0.0.1", smtp_port=1, delivery_give_up_seconds=3600):
        delivery_id = queue(session, workspace_id)
        for _ in range(100):
            run_jobs()
            if status(session, workspace_id, delivery_id) != "queued":
                break
            clock.advance(300)
    assert status(session, workspace_id, delivery_id) == "failed"
    log = attempts(session, delivery_id)
    assert len(log) >= 3 and all(a.status_code is None and a.error for a in log)
    assert log[-1].attempted_at - log[0].attempted_at >= timedelta(seconds=3600)
    with smtp_receiver() as smtp:
        with writing(session) as writer:
            service.replay(writer, workspace_id, delivery_id)
        run_jobs()
    assert status(session, workspace_id, delivery_id) == "sent"
    assert smtp.messages[0]["Message-ID"] == f"<{delivery_id}@voxpop>"


@pytest.mark.parametrize(
    ("options", "field", "reason"),
    [
        ({"to": "not an address"}, "to", "is not a valid email address"),
        ({"subject": "Hi\r\nBcc: all@example.com"}, "subject", "must be one line"),
        ({"subject": "  "}, "subject", "must not be empty"),
        ({"headers": {"Bcc": "x\nTo: y"}}, "headers.Bcc", "must be one line"),
        ({"headers": {"From": "boss@example.com"}}, "headers.From", "is set by voxpop"),
        ({"headers": {"Bad Name": "x"}}, "headers.Bad Name", "is not a valid header name"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_queued(
    session: Session, options: dict[str, object], field: str, reason: str
) -> None:
    workspace_id = make_workspace(session)
    arguments: dict[str, object] = {"to": "ann@example.com", "subject": "Hello", "text": "Hi", **options}
    with pytest.raises(Invalid) as refused, writing(session) as writer:
        service.queue_email(writer, workspace_id, **arguments)  # type: ignore[arg-type]
    [problem] = refused.value.problems
    assert problem.field == field and reason in problem.reason
    assert session.scalars(select(Delivery)).all() == []


def test_email_status_answers_only_for_the_callers_workspace(session: Session) -> None:
    mine, theirs = make_workspace(session), make_workspace(session)
    delivery_id = queue(session, mine)
    assert service.email_status(session, theirs, [delivery_id]) == {}
    assert service.email_status(session, mine, [delivery_id, uuid.uuid4()]) == {delivery_id: "queued"}


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_refused_login_is_retried_not_bounced_and_mail_goes_out_once_the_password_is_fixed(
    session: Session,
) -> None:
    clock = Clock()
    workspace_id = make_workspace(session)
    with smtp_receiver(login=("mailer", "right-password")) as smtp:
        with settings(smtp_user="mailer", smtp_password="wrong-password"):
            delivery_id = queue(session, workspace_id)
            run_jobs()
        assert status(session, workspace_id, delivery_id) == "queued"
        [refused] = attempts(session, delivery_id)
        assert refused.status_code == 535 and "SMTP 535" in (refused.error or "")
        with settings(smtp_user="mailer", smtp_password="right-password"):
            clock.advance(3600)
            run_jobs()
    assert status(session, workspace_id, delivery_id) == "sent"
    assert len(smtp.messages) == 1


@contextmanager
def trickling_smtp_server(seconds: float) -> Iterator[int]:
    """An SMTP server that greets one line at a time, each within any read timeout, for `seconds`."""
    listener = socket.create_server(("127.0.0.1", 0))

    def greet() -> None:
        connection, _ = listener.accept()
        with connection, contextlib.suppress(OSError):
            for _ in range(int(seconds * 4)):
                connection.sendall(b"220-still saying hello\r\n")
                time.sleep(0.25)

    threading.Thread(target=greet, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def test_an_smtp_server_trickling_its_replies_is_cut_off_at_the_timeout_for_the_whole_conversation() -> None:
    plan = senders.Plan(uuid.uuid4(), "email", {"to": "ann@example.com", "subject": "Hi", "text": "Hello"})
    with (
        trickling_smtp_server(seconds=8) as port,
        settings(smtp_host="127.0.0.1", smtp_port=port, smtp_timeout_seconds=1),
    ):
        started = time.monotonic()
        outcome = senders.send(plan)
    assert outcome.error == "no answer within 1 s" and not outcome.delivered
    assert time.monotonic() - started < 3
