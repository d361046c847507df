"""The hosted survey in a real Chromium: with JavaScript on and off, on a phone and a desktop viewport, by
keyboard alone, through to the thank-you page; axe-core (bundled by axe-playwright-python, injected from
disk) on every page type; the first page under 50 KB with no request leaving 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Response, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import make_tenant
from tests.survey.factories import create_survey, nps_definition, question
from tests.survey.test_distribution import invite
from voxpop.feedback.models import Feedback

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
BLOCKING = {"serious", "critical"}
FIRST_PAGE_LIMIT = 50 * 1024
AXE = Axe()


def blocking_violations(page: Page, js: bool) -> list[str]:
    """axe-core's serious and critical findings; it runs as a script, so only where JavaScript is on (the
    HTML is the same with it off)."""
    if not js:
        return []
    results = AXE.run(page)
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"] if v["impact"] in BLOCKING]


@pytest.fixture(
    params=[(js, size) for js in ("js-on", "js-off") for size in VIEWPORTS], ids=lambda p: f"{p[0]}-{p[1]}"
)
def survey_page(
    request: pytest.FixtureRequest,
    browser: Browser,
    server_url: str,
) -> Iterator[tuple[Page, bool]]:
    """A page of a fresh context, and whether JavaScript is on in it."""
    js, size = request.param
    context = browser.new_context(
        base_url=server_url, viewport=VIEWPORTS[size], java_script_enabled=js == "js-on"
    )
    context.set_default_timeout(10_000)
    yield context.new_page(), js == "js-on"
    context.close()


def definition() -> dict[str, Any]:
    survey = nps_definition(ask_consent=True)
    survey["pages"][0]["questions"][0]["text"] = "{first_name|Hello}, how likely are you to recommend us?"
    survey["pages"][1]["questions"].append(
        question(
            "speed",
            "single_choice",
            "How was the speed?",
            choices=[{"value": "ok", "label": "Fine"}, {"value": "slow", "label": "Too slow"}],
        )
    )
    return survey


def test_a_customer_answers_by_keyboard_from_their_personal_link(
    survey_page: tuple[Page, bool], http: httpx.Client, session: Session
) -> None:
    page, js = survey_page
    tenant = make_tenant(session)
    survey = create_survey(http, tenant, definition())
    (link,) = invite(
        http, tenant, survey["id"], {"email": "eve@example.com", "name": "Eve Adams"}, channel="email"
    )
    sizes: list[int] = []
    hosts: set[str] = set()

    def seen(response: Response) -> None:
        hosts.add(urlsplit(response.url).hostname or "")
        sizes.append(len(response.body()))

    page.on("response", seen)
    page.goto(link["path"], wait_until="load")
    page.remove_listener("response", seen)
    assert sum(sizes) < FIRST_PAGE_LIMIT, sizes
    assert hosts == {"127.0.0.1"}
    expect(
        page.get_by_role("group", name="Eve, how likely are you to recommend us? (required)")
    ).to_be_visible()
    assert blocking_violations(page, js) == []

    page.get_by_role("button", name="Next").click()
    expect(page.locator("#err-nps")).to_have_text("This question needs an answer.")
    expect(page.get_by_role("group", name="Eve, how likely")).to_have_attribute(
        "aria-describedby", "ends-nps err-nps"
    )
    assert blocking_violations(page, js) == []

    page.get_by_role("radio", name="3", exact=True).focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="4", exact=True)).to_be_checked()
    if js:
        outline = page.evaluate("getComputedStyle(document.activeElement.parentElement).outlineStyle")
        assert outline == "solid"
    page.keyboard.press("Enter")
    expect(page.get_by_label("You gave 4. What should we improve?")).to_be_visible()
    assert blocking_violations(page, js) == []

    page.get_by_label("You gave 4. What should we improve?").fill("Faster delivery, please.")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="Fine")).to_be_checked()
    page.get_by_role("radio", name="Yes").check()
    page.get_by_role("button", name="Submit").press("Enter")
    expect(page.locator("#thanks")).to_have_text("Thank you for your answers.")
    assert blocking_violations(page, js) == []

    session.rollback()
    record = session.scalars(select(Feedback).where(Feedback.source == f"survey:{survey['slug']}")).one()
    assert (record.nps, record.text, record.attributes["answer_speed"]) == (
        4,
        "Faster delivery, please.",
        "ok",
    )
    assert record.attributes["contact_consent"] is True
    page.goto(link["path"])
    expect(page.locator("#thanks")).to_be_visible()
