"""The home page of a small generated company (docs/demo.md's Northwind Home, 1,200 customers and 6,000
records): with default settings the late deliveries in north and the basic plan's price rise, both still
going on, are on the attention list with their segment and a start within a month of the planted one, and
their evidence link opens the records behind them."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.factories import make_user, make_workspace, writing
from voxpop.demo import generator
from voxpop.demo import service as demo_service
from voxpop.insight.window import today

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.usefixtures("background_jobs_paused")]


def small_company(session: Session) -> tuple[str, datetime]:
    """A workspace with the demo company up to today (so the default "last 30 days" is its last month)."""
    end = datetime.combine(today(), datetime.min.time(), UTC)
    workspace_id = make_workspace(session)
    with writing(session) as writer:
        demo_service.load(
            writer, workspace_id, generator.generate(seed=7, end=end, customers=1200, feedback=6000)
        )
    return make_user(session, workspace_id), end


def planted_start(key: str, end: datetime) -> date:
    effect = next(e for e in generator.PLANTED_EFFECTS if e.key == key)
    return effect.period(end)[0].date()


def test_the_planted_effects_still_going_on_are_on_the_home_page_with_segment_start_and_evidence(
    page: Page, session: Session
) -> None:
    email, end = small_company(session)
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse 1")
    began = time.perf_counter()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("What needs attention")
    print(f"home page after sign-in: {time.perf_counter() - began:.2f} s")
    for (field, value), key in (
        (("customer.region", "north"), "late_deliveries_north"),
        (("customer.plan", "basic"), "price_rise_basic"),
    ):
        item = page.locator(f'li.movement[data-field="{field}"][data-value="{value}"][data-metric="nps"]')
        expect(item).to_have_count(1)
        expect(item.locator(".since")).to_contain_text("still going on")
        start = date.fromisoformat(item.get_attribute("data-start") or "")
        assert abs((start - planted_start(key, end)).days) <= 31, (field, value, start)
    north = page.locator('li.movement[data-field="customer.region"][data-value="north"][data-metric="nps"]')
    north.get_by_role("link", name="See the answers").click()
    expect(page).to_have_url(re.compile(r"/records\?.*where=customer\.region%3Dnorth"))
    total = int(page.locator("#records-total").get_attribute("data-total") or "0")
    assert total > 30
    since = re.search(r"since=(\d{4}-\d{2}-\d{2})", page.url)
    assert since is not None and date.fromisoformat(since.group(1)) >= end.date() - timedelta(days=365)
