"""Text analytics pages in a real browser: the themes explorer and editor, a record's analysis with its
sentences and themes, the theme impact tables, ideas and search; read-only roles see no editing forms."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.factories import make_user, make_workspace, writing
from tests.rule.test_browser import blocking_violations
from tests.text.factories import analyse_all, store_records, store_texts, verbatims
from tests.web.test_browser import signed_in
from voxpop.text import explore, themes

# These tests analyse what they store themselves (tests.text.factories.analyse_all); storing also queues
# the analysis job, so the test server's runner is paused meanwhile.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("background_jobs_paused")]


def analysed_workspace(session: Session) -> str:
    workspace_id = make_workspace(session)
    ids = store_texts(session, workspace_id, [text for _, text in verbatims(30)])
    analyse_all(session, workspace_id)
    with writing(session) as writer:
        themes.discover(writer, workspace_id)
    analyse_all(session, workspace_id)
    email = make_user(session, workspace_id, "analyst")
    return email + "|" + str(ids[0])


def test_an_analyst_explores_renames_and_adds_themes_and_reads_a_record(session: Session, page: Page) -> None:
    email, first_id = analysed_workspace(session).split("|")
    signed_in(page, email)
    page.get_by_role("link", name="Themes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Themes")
    rows = page.locator("#themes tbody tr.theme")
    assert rows.count() >= 3
    rows.first.get_by_role("link").click()
    expect(page.locator(".verbatims mark").first).to_be_visible()
    page.get_by_label("New name").fill("Parcels that came late")
    page.get_by_role("button", name="Rename").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Parcels that came late")
    page.goto("/themes")
    page.get_by_label("Name").fill("Refunds")
    page.get_by_label("Example phrases, one per line").fill("I want my money back\nthe refund never came")
    page.get_by_role("button", name="Add theme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refunds")
    page.goto(f"/feedback/{first_id}")
    expect(page.locator("#sentences tbody tr").first).to_be_visible()
    expect(page.locator("#sentences")).to_contain_text(re.compile("negative|neutral|positive"))
    page.goto("/themes/impact")
    expect(page.locator("#fix-first")).to_be_visible()
    page.goto("/search?q=parcel")
    expect(page.locator("#hits li").first).to_contain_text("arcel")


def test_search_keeps_to_the_records_the_filters_choose(
    session: Session, page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace_id = make_workspace(session)
    store_records(
        session,
        workspace_id,
        [
            {"text": "My parcel arrived two weeks late.", "channel": "email"},
            {"text": "The courier lost my parcel.", "channel": "sms"},
        ],
    )
    analyse_all(session, workspace_id)
    signed_in(page, make_user(session, workspace_id, "viewer"))
    page.goto("/search")
    page.get_by_label("Words or a description").fill("parcel")
    page.get_by_label("Only (FIELD=VALUE)").fill("channel=sms")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#hits li")).to_have_count(1)
    expect(page.locator("#hits li")).to_contain_text("courier lost")
    expect(page.get_by_label("Only (FIELD=VALUE)", exact=True)).to_have_value("channel=sms")
    page.get_by_label("Match").select_option("meaning")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#hits li")).to_have_count(1)
    expect(page.locator("#search-cut")).to_have_count(0)
    monkeypatch.setattr(explore, "SEARCH_BUDGET", 1)
    page.get_by_label("Only (FIELD=VALUE)", exact=True).fill("")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#search-cut")).to_contain_text("Searched the 1 most recent sentences")
    assert blocking_violations(page) == []


def test_a_viewer_sees_themes_but_no_editing_forms(session: Session, page: Page) -> None:
    workspace_id = make_workspace(session)
    with writing(session) as writer:
        theme = themes.add(writer, workspace_id, "Refunds", ["refund never came"], "")
    signed_in(page, make_user(session, workspace_id, "viewer"))
    page.goto("/themes")
    expect(page.get_by_role("link", name="Refunds")).to_be_visible()
    expect(page.get_by_role("button", name="Add theme")).to_have_count(0)
    page.goto(f"/themes/{theme.id}")
    expect(page.get_by_role("button", name="Rename")).to_have_count(0)
