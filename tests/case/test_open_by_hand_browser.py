"""Opening a case by hand in a real Chromium: from a detractor's record, two clicks open the case, and it is in
the inbox. axe-core finds nothing serious on the form."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.case.factories import customer, make_desk, record
from tests.survey.test_browser import blocking_violations
from tests.web.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("background_jobs_paused")]


def test_an_agent_opens_a_case_from_a_detractors_record_in_two_clicks_and_finds_it_in_the_inbox(
    page: Page, http: httpx.Client, session: Session
) -> None:
    desk = make_desk(session)
    agent = desk.agent()
    feedback_id = record(
        http, desk.admin, nps=1, customer=customer("Dan Brown"), text="Nobody called me back."
    )
    sign_in(page, agent.email)
    page.goto(f"/feedback/{feedback_id}")
    page.get_by_role("link", name="Open case").click()  # 1
    expect(page.get_by_label("Title")).to_have_value("Nobody called me back.")
    assert blocking_violations(page, js=True) == []
    page.get_by_role("button", name="Open case").click()  # 2
    expect(page.get_by_role("heading", level=1)).to_have_text("Nobody called me back.")
    expect(page.locator("#status")).to_have_text("new")
    page.goto("/cases")
    row = page.locator("#cases tbody tr").filter(has_text="Nobody called me back.")
    expect(row).to_contain_text("detractor")
    expect(row).to_contain_text(agent.email)
