"""A case opens from a feedback record, moves new → contacted → in progress → resolved → closed (and back
to in progress on reopening), keeps every change as an event, and refuses wrong moves precisely."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.case.factories import call, customer, make_desk, move, open_case, record
from tests.delivery.factories import Clock

pytestmark = pytest.mark.usefixtures("background_jobs_paused")


def test_a_detractor_record_opens_a_new_case_with_first_contact_due_in_48_hours(
    http: httpx.Client, session: Session
) -> None:
    clock = Clock()
    desk = make_desk(session)
    case = open_case(http, desk.admin, record(http, desk.admin, nps=2, customer=customer()))
    assert case["status"] == "new" and case["detractor"] is True and case["priority"] == "normal"
    assert case["title"] == "The parcel came broken and nobody answered my emails."
    opened = clock.now.isoformat().replace("+00:00", "Z")
    assert case["opened_at"] == opened
    assert case["first_contact_due"] == clock.advance(48 * 3600).isoformat().replace("+00:00", "Z")
    assert [e["kind"] for e in case["events"]] == ["opened"]


def test_a_case_goes_from_new_to_closed_and_each_step_records_its_time_and_an_event(
    http: httpx.Client, session: Session
) -> None:
    clock = Clock()
    desk = make_desk(session)
    case_id = open_case(http, desk.admin, record(http, desk.admin, customer=customer()))["id"]
    steps = {}
    for status in ("contacted", "in_progress", "resolved", "closed"):
        clock.advance(3600)
        steps[status] = move(http, desk.admin, case_id, status)
    closed = steps["closed"]
    assert closed["status"] == "closed"
    assert closed["first_contacted_at"] < closed["resolved_at"] < closed["closed_at"]
    moves = [(e["details"]["from"], e["details"]["to"]) for e in closed["events"] if e["kind"] == "status"]
    assert moves == [
        ("new", "contacted"),
        ("contacted", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "closed"),
    ]


def test_a_closed_case_reopens_to_in_progress_and_forgets_its_resolution(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    case_id = open_case(http, desk.admin, record(http, desk.admin, customer=customer()))["id"]
    for status in ("contacted", "resolved", "closed"):
        move(http, desk.admin, case_id, status)
    reopened = move(http, desk.admin, case_id, "in_progress")
    assert reopened["status"] == "in_progress"
    assert reopened["resolved_at"] is None and reopened["closed_at"] is None
    assert reopened["first_contacted_at"] is not None


@pytest.mark.parametrize(
    ("path", "target", "allowed"),
    [
        ((), "closed", "contacted"),
        ((), "resolved", "contacted"),
        (("contacted",), "new", "in_progress, resolved"),
        (("contacted", "resolved", "closed"), "resolved", "in_progress"),
    ],
)
def test_a_move_the_status_does_not_lead_to_is_refused_with_409_naming_the_allowed_moves(
    http: httpx.Client, session: Session, path: tuple[str, ...], target: str, allowed: str
) -> None:
    desk = make_desk(session)
    case_id = open_case(http, desk.admin, record(http, desk.admin, customer=customer()))["id"]
    for status in path:
        move(http, desk.admin, case_id, status)
    error = call(http, desk.admin, "POST", f"/api/v1/cases/{case_id}/status", 409, status=target)["error"]
    assert error["message"].endswith(f"cannot become {target}; it can become: {allowed}")
    assert call(http, desk.admin, "GET", f"/api/v1/cases/{case_id}")["status"] == (
        path[-1] if path else "new"
    )


def test_an_unknown_status_or_code_is_refused_with_422_naming_the_field_and_changes_nothing(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    case_id = open_case(http, desk.admin, record(http, desk.admin, customer=customer()))["id"]
    error = call(http, desk.admin, "POST", f"/api/v1/cases/{case_id}/status", 422, status="done")["error"]
    assert error["problems"][0]["field"] == "status"
    call(
        http, desk.admin, "POST", "/api/v1/case-codes", 201, kind="resolution", code="refund", label="Refund"
    )
    error = call(
        http,
        desk.admin,
        "POST",
        f"/api/v1/cases/{case_id}/status",
        422,
        status="contacted",
        resolution_code="nope",
    )["error"]
    assert error["problems"] == [
        {"field": "resolution_code", "reason": "'nope' is not a resolution code of this workspace"}
    ]
    case = call(http, desk.admin, "GET", f"/api/v1/cases/{case_id}")
    assert case["status"] == "new" and case["resolution_code"] is None


def test_codes_set_on_resolving_are_kept_and_an_empty_code_clears_one(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    call(
        http,
        desk.admin,
        "POST",
        "/api/v1/case-codes",
        201,
        kind="root_cause",
        code="courier",
        label="Courier",
    )
    call(
        http, desk.admin, "POST", "/api/v1/case-codes", 201, kind="resolution", code="refund", label="Refund"
    )
    case_id = open_case(http, desk.admin, record(http, desk.admin, customer=customer()))["id"]
    move(http, desk.admin, case_id, "contacted")
    resolved = move(
        http, desk.admin, case_id, "resolved", root_cause_code="courier", resolution_code="refund"
    )
    assert (resolved["root_cause_code"], resolved["resolution_code"]) == ("courier", "refund")
    changed = call(http, desk.admin, "PATCH", f"/api/v1/cases/{case_id}", root_cause_code="")
    assert changed["root_cause_code"] is None and changed["resolution_code"] == "refund"
    assert changed["events"][-1]["details"] == {"root_cause_code": {"from": "courier", "to": ""}}


def test_a_second_record_of_a_customer_with_an_open_case_joins_that_case(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    who = customer()
    first = open_case(http, desk.admin, record(http, desk.admin, nps=8, customer=who))
    assert first["detractor"] is False
    second_record = record(http, desk.admin, nps=1, customer=who)
    joined = open_case(http, desk.admin, second_record, expect=200)
    assert joined["id"] == first["id"] and joined["detractor"] is True
    assert len(joined["feedback_ids"]) == 2
    again = open_case(http, desk.admin, second_record, expect=200)
    assert again["id"] == first["id"] and len(again["feedback_ids"]) == 2


def test_a_customer_whose_case_is_closed_gets_a_new_case_for_new_feedback(
    http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    who = customer()
    first = open_case(http, desk.admin, record(http, desk.admin, customer=who))
    for status in ("contacted", "resolved", "closed"):
        move(http, desk.admin, first["id"], status)
    second = open_case(http, desk.admin, record(http, desk.admin, customer=who))
    assert second["id"] != first["id"]


def test_opening_a_case_for_a_record_that_does_not_exist_is_404(http: httpx.Client, session: Session) -> None:
    desk = make_desk(session)
    reply = http.post(
        "/api/v1/cases",
        json={"feedback_id": "00000000-0000-0000-0000-000000000000"},
        headers=desk.admin.headers(),
    )
    assert reply.status_code == 404
