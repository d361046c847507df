"""The rule editor in a real Chromium: write a rule in the form, dry-run it (the count of matching records
and examples appear), save it, and find it on the list; axe-core finds nothing serious on either page."""

from __future__ import annotations

import re

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.factories import make_tenant, make_user
from tests.rule.factories import recent, send
from tests.web.test_browser import signed_in

pytestmark = pytest.mark.browser
BLOCKING = {"serious", "critical"}


def blocking_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"] if v["impact"] in BLOCKING]


def test_an_analyst_writes_dry_runs_and_saves_a_rule(
    session: Session, http: httpx.Client, page: Page
) -> None:
    tenant = make_tenant(session)
    send(
        http,
        tenant,
        recent(nps=2, channel="chat"),
        recent(nps=4, channel="chat"),
        recent(nps=10, channel="chat"),
    )
    signed_in(page, make_user(session, tenant.workspace_id, "analyst"))
    page.goto("/rules")
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Name").fill("Unhappy chat")
    page.get_by_role("group", name="NPS (0 to 10)").get_by_label("to").fill("6")
    page.get_by_label("Channels").fill("chat")
    page.get_by_label("Tag the record").fill("unhappy")
    page.get_by_role("button", name="Dry run").click()
    expect(page.locator("#dry-run-count")).to_contain_text(
        "would have matched 2 of 3 records in the last 30 days"
    )
    expect(page.locator("#dry-run-examples tbody tr")).to_have_count(2)
    assert blocking_violations(page) == []
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/rules/[0-9a-f-]{36}\?done=saved$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rule: Unhappy chat")
    expect(page.locator("#saved")).to_contain_text("Saved. The rule is off")
    page.get_by_role("button", name="Dry run").click()
    page.get_by_role("button", name="Switch the saved rule on").click()
    expect(page.locator("#saved")).to_contain_text("The rule is now on")
    assert blocking_violations(page) == []
    page.get_by_role("link", name="All rules").click()
    expect(page.locator("#rules")).to_contain_text("Unhappy chat")
    assert blocking_violations(page) == []
    (rule,) = http.get("/api/v1/rules", headers=tenant.headers()).json()
    assert rule["conditions"] == {"nps": {"max": 6}, "channels": ["chat"]}
