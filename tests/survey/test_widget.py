"""The embeddable widget: one script tag on a shop's page shows the hosted survey inline, or as a pop-up when
its rules hold."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import make_tenant
from tests.survey.factories import create_survey
from voxpop.survey.models import SurveyResponse

pytestmark = pytest.mark.browser


def shop(page: Page, server_url: str, slug: str, **data: str) -> None:
    attributes = " ".join(f'data-{name.replace("_", "-")}="{value}"' for name, value in data.items())
    page.set_content(
        f'<main><h1>Shop</h1><div id="slot"></div>'
        f'<script src="{server_url}/static/survey/widget.js" data-survey="{slug}" {attributes}></script></main>'
    )


def test_the_widget_shows_the_survey_inline_and_answers_count_as_widget(
    page: Page, server_url: str, http: httpx.Client, session: Session
) -> None:
    survey = create_survey(http, make_tenant(session))
    shop(page, server_url, survey["slug"], target="#slot")
    survey_frame = page.frame_locator("#slot iframe")
    survey_frame.get_by_role("radio", name="9", exact=True).check()
    survey_frame.get_by_role("button", name="Next").click()
    survey_frame.get_by_label("What did you like?").fill("Easy checkout")
    survey_frame.get_by_role("button", name="Submit").click()
    expect(survey_frame.locator("#thanks")).to_be_visible()
    session.rollback()
    assert session.scalars(select(SurveyResponse.channel)).one() == "widget"


def test_the_popup_waits_for_its_event(
    page: Page, server_url: str, http: httpx.Client, session: Session
) -> None:
    survey = create_survey(http, make_tenant(session))
    shop(page, server_url, survey["slug"], mode="popup", event="checkout_done", url_contains="about:")
    page.wait_for_timeout(300)
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.evaluate("window.dispatchEvent(new Event('checkout_done'))")
    expect(page.get_by_role("dialog", name="Survey")).to_be_visible()
    expect(page.frame_locator("dialog iframe").get_by_role("radio", name="0", exact=True)).to_be_visible()
