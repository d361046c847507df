"""The builder pages in a real browser: create a survey from its JSON, see precise refusals next to the
field, edit it into a new version, and read its links, QR code and funnel — for signed-in users only."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.factories import csrf_token_in, make_tenant, make_user, sign_in
from tests.survey.factories import nps_definition
from tests.survey.test_browser import AXE, BLOCKING
from tests.web.test_browser import signed_in

pytestmark = pytest.mark.browser


def no_blocking_violations(page: Page) -> None:
    found = [v["id"] for v in AXE.run(page).response["violations"] if v["impact"] in BLOCKING]
    assert found == []


def test_an_analyst_imports_a_survey_as_json_and_publishes_an_edit_as_version_2(
    page: Page, session: Session
) -> None:
    tenant = make_tenant(session)
    signed_in(page, make_user(session, tenant.workspace_id, role="analyst"))
    page.get_by_role("link", name="Surveys").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Surveys")
    no_blocking_violations(page)

    page.get_by_label("Name").fill("After delivery")
    page.get_by_label("Address /s/…").fill("after-delivery-ui")
    page.get_by_label("Lifecycle stage").select_option("purchase")
    page.get_by_text("Or import a definition (JSON)").click()
    page.get_by_label("Definition (JSON)").fill('{"pages": [{"questions": [{"id": "nps", "type": "nps"}]}]}')
    page.get_by_role("button", name="Create survey").click()
    expect(page.locator("#survey-problems")).to_contain_text(
        "definition.pages[0].questions[0].text: Field required"
    )
    expect(page.get_by_label("Definition (JSON)")).to_have_attribute("aria-describedby", "survey-problems")
    no_blocking_violations(page)

    page.get_by_label("Definition (JSON)").fill(json.dumps(nps_definition()))
    page.get_by_role("button", name="Create survey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Build “After delivery”")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#published-note")).to_contain_text("version 1")
    page.get_by_role("link", name="After delivery").first.click()
    expect(page.locator("#public-link")).to_have_attribute("href", re.compile(r"/s/after-delivery-ui$"))
    expect(page.locator(".qr svg")).to_be_visible()
    no_blocking_violations(page)

    edited = nps_definition()
    edited["pages"][0]["questions"][0]["text"] = "Would you recommend us?"
    page.get_by_role("link", name="Open the builder").click()
    page.get_by_role("link", name="Advanced: JSON, import and export").click()
    page.get_by_label("Definition (JSON)").fill(json.dumps(edited))
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Publish as version 2").click()
    page.goto("/s/after-delivery-ui")
    expect(page.get_by_role("group", name=re.compile("Would you recommend us?"))).to_be_visible()


def test_the_builder_needs_a_signed_in_user_with_write_rights(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    assert http.get("/surveys").headers.get("location") == "/login"
    sign_in(http, make_user(session, tenant.workspace_id, role="viewer"))
    listing = http.get("/surveys")
    assert listing.status_code == 200
    assert "Create survey" not in listing.text
    body = {
        "name": "x",
        "definition": json.dumps(nps_definition()),
        "csrf_token": csrf_token_in(listing.text),
    }
    assert http.post("/surveys", data=body).status_code == 403
