"""The contact-rules page: an admin changes the workspace's rules with a plain form (with JavaScript on or
off) and sees them saved, audited under their name; a wrong number comes back beside its field; a viewer
sees the rules without a form and may not post one."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from tests.case.test_setup_pages import beside
from tests.factories import csrf_token_in, make_tenant, make_user, sign_in
from tests.survey.test_browser import blocking_violations
from tests.survey.test_contact_rules_settings import DEFAULTS, contact_rule_changes, rules_of
from tests.web.test_browser import sign_in as sign_in_page

PAGE = "/surveys/contact-rules"
MAX_LABEL = "New invitations per customer per period"


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def js(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def any_page(js: bool, browser: Browser, server_url: str) -> Iterator[Page]:
    """A page with JavaScript on or off: the form needs none."""
    context = browser.new_context(base_url=server_url, java_script_enabled=js)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.mark.browser
def test_an_admin_changes_the_rules_and_sees_them_saved(
    any_page: Page, js: bool, http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    admin = make_user(session, tenant.workspace_id, role="admin")
    sign_in_page(any_page, admin)
    any_page.goto("/surveys")
    any_page.get_by_role("main").get_by_role("link", name="Contact rules").click()
    expect(any_page.get_by_role("heading", level=1)).to_have_text("Contact rules")
    expect(any_page.locator("#rules-source")).to_contain_text("defaults of this installation")
    expect(any_page.get_by_label(MAX_LABEL)).to_have_value("3")
    assert blocking_violations(any_page, js) == []

    any_page.get_by_label(MAX_LABEL).fill("1")
    any_page.get_by_label("Quiet days after an answer").fill("0")
    any_page.get_by_role("button", name="Save the contact rules").click()
    expect(any_page).to_have_url(re.compile(PAGE + "$"))
    expect(any_page.locator("#rules-source")).to_contain_text("Last changed")
    expect(any_page.get_by_label(MAX_LABEL)).to_have_value("1")
    expect(any_page.get_by_label("Quiet days after an answer")).to_have_value("0")
    saved = rules_of(http, tenant)
    assert {name: saved[name] for name in DEFAULTS} == {
        **DEFAULTS,
        "max_invitations": 1,
        "quiet_days_after_answer": 0,
    }
    (change,) = contact_rule_changes(http, tenant)
    assert change["actor_name"] == admin


@pytest.mark.browser
def test_a_viewer_sees_the_rules_and_no_form(page: Page, session: Session) -> None:
    tenant = make_tenant(session)
    sign_in_page(page, make_user(session, tenant.workspace_id, role="viewer"))
    page.goto(PAGE)
    expect(page.locator('[data-rule="max_invitations"]')).to_have_text("3")
    expect(page.locator('[data-rule="period_days"]')).to_have_text("30")
    expect(page.locator('[data-rule="quiet_days_after_answer"]')).to_have_text("14")
    expect(page.locator("form[action='/surveys/contact-rules']")).to_have_count(0)
    expect(page.get_by_role("button", name="Save the contact rules")).to_have_count(0)
    assert blocking_violations(page, js=True) == []


def test_a_wrong_number_comes_back_beside_its_field_and_nothing_is_saved(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    sign_in(http, make_user(session, tenant.workspace_id, role="admin"))
    token = csrf_token_in(http.get(PAGE).text)
    typed = {
        "max_invitations": "0",
        "period_days": "400",
        "quiet_days_after_answer": "7",
        "csrf_token": token,
    }
    reply = http.post(PAGE, data=typed)
    assert reply.status_code == 422
    assert beside(reply.text, "max_invitations") == "Input should be greater than or equal to 1"
    assert beside(reply.text, "period_days") == "Input should be less than or equal to 365"
    assert 'value="400"' in reply.text  # what was typed stays in the form
    assert rules_of(http, tenant)["updated_at"] is None


def test_only_admins_post_the_form_and_only_with_its_csrf_token(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    sign_in(http, make_user(session, tenant.workspace_id, role="viewer"))
    token = csrf_token_in(http.get("/surveys").text)
    typed = {"max_invitations": "1", "period_days": "30", "quiet_days_after_answer": "14"}
    assert http.post(PAGE, data={**typed, "csrf_token": token}).status_code == 403
    with httpx.Client(base_url=str(http.base_url)) as admin:
        sign_in(admin, make_user(session, tenant.workspace_id, role="admin"))
        assert admin.post(PAGE, data={**typed, "csrf_token": "forged"}).status_code == 403
    assert rules_of(http, tenant)["updated_at"] is None
