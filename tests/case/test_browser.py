"""The inbox and a case in a real Chromium: an agent filters by SLA and saves a view; a case goes from
opening to recovery (contact, resolve with codes, close with a follow-up survey, the customer answers 9,
the recovery figure counts it). axe-core finds nothing serious on the pages."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.case.factories import call, customer, make_desk, open_case, record
from tests.delivery.factories import Clock, run_jobs, smtp_receiver
from tests.survey.factories import create_survey, nps_definition
from tests.survey.test_browser import blocking_violations
from tests.web.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("background_jobs_paused")]
HOUR = 3600


def test_an_agent_finds_the_case_due_soon_first_filters_by_sla_and_saves_the_view(
    page: Page, http: httpx.Client, session: Session
) -> None:
    clock = Clock()
    desk = make_desk(session)
    agent = desk.agent()
    open_case(http, agent, record(http, desk.admin, customer=customer()), title="Calm customer")
    open_case(
        http, agent, record(http, desk.admin, customer=customer()), title="Angry customer", priority="urgent"
    )
    clock.advance(10 * HOUR)  # past 80 % of the urgent case's 12-hour first-contact window
    run_jobs()
    sign_in(page, agent.email)
    page.goto("/cases")
    rows = page.locator("#cases tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Angry customer")
    expect(rows.nth(0)).to_contain_text("due soon")
    assert blocking_violations(page, js=True) == []
    page.get_by_label("SLA").select_option("due_soon")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    page.get_by_label("Save these filters as").fill("Due soon")
    page.get_by_role("button", name="Save view").click()
    page.goto("/cases")
    expect(rows).to_have_count(2)
    page.get_by_role("link", name="Due soon").click()
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_contain_text("Angry customer")


def test_a_case_from_opening_to_recovery(page: Page, http: httpx.Client, session: Session) -> None:
    clock = Clock()
    desk = make_desk(session)
    agent = desk.agent()
    survey = create_survey(http, desk.admin, nps_definition(), name="After your case")
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
    who = customer("Eve Adams")
    case = open_case(http, agent, record(http, desk.admin, nps=2, customer=who), title="Broken parcel")

    sign_in(page, agent.email)
    page.goto("/cases")
    page.get_by_role("link", name="Broken parcel").click()
    expect(page.locator("#timeline")).to_contain_text("The parcel came broken")
    assert blocking_violations(page, js=True) == []
    page.get_by_role("button", name="Mark contacted").click()
    expect(page.locator("#status")).to_have_text("contacted")
    page.get_by_role("button", name="Start work").click()
    expect(page.locator("#status")).to_have_text("in progress")
    page.locator("#resolve-root").select_option("courier")
    page.locator("#resolve-resolution").select_option("refund")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator("#status")).to_have_text("resolved")
    page.get_by_label("Follow-up survey (optional)").select_option(survey["id"])
    with smtp_receiver() as smtp:
        page.get_by_role("button", name="Close").click()
        expect(page.locator("#status")).to_have_text("closed")
        run_jobs()
    assert [m["To"] for m in smtp.messages] == [who["email"]]
    expect(page.locator("#history")).to_contain_text("follow-up survey sent")

    events = call(http, desk.admin, "GET", f"/api/v1/cases/{case['id']}")["events"]
    link = next(e["details"]["path"] for e in events if e["kind"] == "follow_up_survey")
    clock.advance(24 * HOUR)  # the customer answers the next day
    page.goto(link)
    page.get_by_role("radio", name="9", exact=True).check()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#thanks")).to_be_visible()

    page.goto("/cases/report")
    overall = page.locator('#overall tr[data-group="all"]')
    expect(overall).to_contain_text("100 %")
    expect(overall).to_contain_text("(1 of 1)")
    assert blocking_violations(page, js=True) == []
