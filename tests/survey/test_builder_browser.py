"""The builder in a real Chromium with JavaScript on: a CX manager builds the two-page NPS survey (a long-text
follow-up only for 0–6, a choice question) without typing JSON, adds German, previews it at phone size with
its logic live, publishes it, and customers answer it at the public address with JavaScript on and off."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import make_tenant, make_user, unique
from tests.survey.test_builder_pages import no_blocking_violations
from tests.web.test_browser import signed_in
from voxpop.survey.models import Survey, SurveyResponse

pytestmark = pytest.mark.browser


def build_the_nps_survey(page: Page, slug: str) -> None:
    page.goto("/surveys")
    page.get_by_label("Name").fill("After delivery")
    page.get_by_label("Address /s/…").fill(slug)
    page.get_by_label("A likelihood-to-recommend (NPS) question").check()
    page.get_by_role("button", name="Create survey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Build “After delivery”")
    expect(page.locator("#survey-state")).to_contain_text("Draft")
    no_blocking_violations(page)

    page.get_by_label("New page starting with").select_option("long_text")
    page.get_by_role("button", name="Add page").click()
    editor = page.locator("#q-long_text")
    editor.get_by_label("Question", exact=True).fill("What should we improve?")
    editor.get_by_label("Reference name").fill("improve")
    editor.get_by_role("button", name="Save question").click()

    page.locator("#q-improve").get_by_role("link", name=re.compile("^Edit")).click()
    improve = page.locator("#q-improve")
    improve.get_by_label("Show this question only when the answer to").select_option("nps")
    improve.get_by_role("button", name="Add condition").click()
    improve = page.locator("#q-improve")
    improve.get_by_label("Answer", exact=True).select_option("6")  # JavaScript applies it at once
    expect(page.locator("#q-improve .condition-text")).to_contain_text("is at most 6 (0–6)")
    no_blocking_violations(page)

    page.get_by_label("New question on page 2").select_option("single_choice")
    page.get_by_role("button", name="Add question").nth(1).click()
    choice = page.locator("#q-single_choice")
    choice.get_by_label("Question", exact=True).fill("What was it about?")
    choice.get_by_label("Reference name").fill("topic")
    choice.get_by_label("Choice 1").fill("Delivery")
    choice.get_by_label("Choice 2").fill("Price")
    choice.get_by_label("New choice").first.fill("Support")
    choice.get_by_role("button", name="Save question").click()
    expect(page.locator("#q-topic .q-text")).to_have_text("What was it about?")
    expect(page.locator("#q-improve .q-logic")).to_contain_text("is at most 6 (0–6)")

    page.locator("#q-topic").get_by_role("link", name=re.compile("^Edit")).click()
    page.locator("#q-topic").get_by_label("Reference name").fill("What it was about")
    page.locator("#q-topic").get_by_role("button", name="Save question").click()
    expect(page.locator("#q-topic").get_by_label("Reference name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#q-topic .field-error")).to_contain_text("use lower-case letters")
    expect(page.locator("#error-summary")).to_be_focused()
    no_blocking_violations(page)
    page.locator("#q-topic").get_by_role("link", name="Close").click()
    expect(page.locator("#q-topic .q-editor")).to_have_count(0)
    expect(page.locator("#q-topic .q-text")).to_have_text("What was it about?")


def add_german(page: Page) -> None:
    page.get_by_label("Add a translation").fill("de")
    page.get_by_role("button", name="Translate").click()
    expect(page.locator("#translating")).to_be_visible()
    expect(page.locator("#q-nps .missing")).to_be_visible()
    no_blocking_violations(page)
    page.locator("#q-nps").get_by_role("link", name=re.compile("^Edit")).click()
    page.locator("#q-nps").get_by_label(re.compile("^Question")).fill("Wie wahrscheinlich empfehlen Sie uns?")
    page.locator("#q-nps").get_by_role("button", name="Save question").click()
    expect(page.locator("#q-nps .q-text")).to_have_text("Wie wahrscheinlich empfehlen Sie uns?")
    expect(page.get_by_role("link", name=re.compile(r"Deutsch .*missing"))).to_be_visible()


def preview_as_a_detractor(page: Page) -> None:
    page.get_by_role("link", name="Preview").first.click()
    expect(page.locator("#preview-frame")).to_have_attribute("width", "390")
    no_blocking_violations(page)
    page.get_by_role("link", name="English").click()
    frame = page.frame_locator("#preview-frame")
    expect(frame.locator("#preview-note")).to_contain_text("answers are not stored")
    frame.get_by_role("radio", name="3", exact=True).check()
    frame.get_by_role("button", name="Next").click()
    frame.get_by_label("What should we improve?").fill("Faster, please")
    frame.get_by_role("radio", name="Delivery").check()
    frame.get_by_role("button", name="Submit").click()
    expect(frame.locator("#thanks")).to_have_text("Thank you for your answers.")
    page.get_by_role("link", name="Deutsch").click()
    expect(
        page.frame_locator("#preview-frame").get_by_text("Wie wahrscheinlich empfehlen Sie uns?")
    ).to_be_visible()


def answer(page: Page, slug: str, score: str, follow_up: bool) -> None:
    page.goto(f"/s/{slug}?lang=en")
    page.get_by_role("radio", name=score, exact=True).check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("What should we improve?")).to_have_count(1 if follow_up else 0)
    if follow_up:
        page.get_by_label("What should we improve?").fill("The courier was late")
    page.get_by_role("radio", name="Price").check()
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#thanks")).to_have_text("Thank you for your answers.")


def test_a_cx_manager_builds_previews_and_publishes_the_nps_survey_without_json(
    page: Page, browser: Browser, server_url: str, session: Session
) -> None:
    tenant = make_tenant(session)
    signed_in(page, make_user(session, tenant.workspace_id, role="analyst"))
    slug = unique("built").lower()
    build_the_nps_survey(page, slug)
    add_german(page)
    preview_as_a_detractor(page)
    survey_id = uuid.UUID(page.url.split("/")[4])
    assert page.request.get(f"/s/{slug}").status == 404

    page.goto(f"/surveys/{survey_id}/build")
    page.get_by_role("button", name=re.compile("^Publish")).click()
    expect(page.locator("#published-note")).to_contain_text("respondents now get version 2")
    no_blocking_violations(page)
    responses = select(func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == survey_id)
    assert session.scalar(responses) == 0

    answer(page, slug, "2", follow_up=True)
    no_js = browser.new_context(
        base_url=server_url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    answer(no_js.new_page(), slug, "9", follow_up=False)
    no_js.close()
    session.rollback()  # a new read: the server committed the answers since the last one
    assert session.scalar(responses) == 2
    assert session.scalar(select(Survey.status).where(Survey.id == survey_id)) == "live"
