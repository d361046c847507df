"""Workspace administration in a real Chromium: an admin invites an analyst by email (a real SMTP server)
and the analyst joins through the emailed link; a member the admin removes is refused at once, in their open
browser and with their API key. axe-core finds nothing serious on the pages."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from tests.delivery.factories import run_jobs, smtp_receiver
from tests.factories import make_tenant, make_user, make_user_key
from tests.members.factories import invitation_link
from tests.survey.test_browser import blocking_violations
from tests.web.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("background_jobs_paused")]


def test_an_admin_invites_an_analyst_by_email_who_signs_in_through_the_emailed_link(
    page: Page, browser: Browser, server_url: str, session: Session
) -> None:
    tenant = make_tenant(session)
    sign_in(page, make_user(session, tenant.workspace_id, "admin"))
    page.get_by_role("link", name="Members").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    assert blocking_violations(page, js=True) == []
    page.get_by_label("Email").fill("ana@example.com")
    page.get_by_label("Role", exact=True).select_option("analyst")
    with smtp_receiver() as smtp:
        page.get_by_role("button", name="Send invitation").click()
        expect(page.locator("#notice")).to_contain_text("invited ana@example.com")
        run_jobs()
    (message,) = smtp.messages
    assert message["To"] == "ana@example.com"

    newcomer = browser.new_context(base_url=server_url).new_page()
    newcomer.goto(invitation_link(message))
    expect(newcomer.get_by_role("heading", level=1)).to_contain_text("Join")
    assert blocking_violations(newcomer, js=True) == []
    newcomer.get_by_label("Your name (optional)").fill("Ana")
    newcomer.get_by_label("Choose a password").fill("lantern orchard 47 quietly")
    newcomer.get_by_role("button", name="Join the workspace").click()
    expect(newcomer.locator(".sidebar .who")).to_contain_text("ana@example.com")
    expect(newcomer.locator(".sidebar .role")).to_have_text("analyst")
    newcomer.context.close()


def test_a_removed_member_is_refused_at_once_in_their_browser_and_with_their_api_key(
    page: Page, browser: Browser, server_url: str, http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    email, key = make_user_key(session, tenant.workspace_id, "agent")
    theirs = browser.new_context(base_url=server_url).new_page()
    sign_in(theirs, email)
    expect(theirs.locator(".sidebar .who")).to_contain_text(email)
    sign_in(page, make_user(session, tenant.workspace_id, "admin"))
    page.goto("/settings/members")
    page.get_by_role("button", name=f"Remove {email}").click()
    expect(page.locator("#notice")).to_contain_text("removed")
    expect(page.locator("#members")).not_to_contain_text(email)
    theirs.reload()
    expect(theirs.locator("h1")).to_have_text("Not allowed")
    assert http.get("/api/v1/cases", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    theirs.context.close()
