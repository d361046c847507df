"""The initiative pages, over HTTP as a browser without JavaScript sends them, and in a real Chromium: the
list with each one's verdict, the form (errors beside their fields, nothing stored), the impact view with its
chart, and the guards (roles, CSRF, other workspaces)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from tests.factories import csrf_token_in, make_tenant, make_user, sign_in
from tests.initiative.factories import initiative, make_team, make_theme, plant
from voxpop.kit.clock import reset_clock, set_clock

PASSWORD = "correct horse 1"


@pytest.fixture
def march_30() -> Iterator[None]:
    set_clock(lambda: datetime(2026, 3, 30, 12, tzinfo=UTC))
    yield
    reset_clock()


def csrf(http: httpx.Client, path: str) -> str:
    return csrf_token_in(http.get(path).text)


def form(token: str, **overrides: str | list[str]) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {
        "csrf_token": token,
        "name": "Faster refunds",
        "description": "Refunds within two days",
        "status": "in_progress",
        "starts_on": "2026-03-01",
        "ends_on": "",
        "touchpoints": "Refunds, returns",
        "lifecycle_stages": ["support"],
        "channels": "",
        "segments": "customer.plan=pro\n",
    }
    fields.update(overrides)
    return fields


def test_the_form_creates_and_changes_an_initiative_and_shows_errors_beside_their_fields(
    session: Session, http: httpx.Client
) -> None:
    team = make_team(session)
    sign_in(http, team.owner)
    token = csrf(http, "/initiatives/new")
    refused = http.post("/initiatives", data=form(token, owner=team.owner, ends_on="2026-02-01"))
    assert refused.status_code == 422
    assert (
        'id="ends_on-error"' in refused.text and "must not be before starts_on (2026-03-01)" in refused.text
    )
    assert re.search(
        r'id="ends_on"[^>]*aria-describedby="ends_on-help ends_on-error" aria-invalid="true"', refused.text
    )
    assert 'value="Faster refunds"' in refused.text  # what was typed is kept
    malformed = http.post("/initiatives", data=form(token, owner=team.owner, segments="plan pro"))
    assert malformed.status_code == 422 and "line 1, &#39;plan pro&#39;, is not FIELD=VALUE" in malformed.text
    assert "No initiatives yet." in http.get("/initiatives").text

    created = http.post("/initiatives", data=form(token, owner=team.owner))
    assert created.status_code == 303
    detail = created.headers["location"]
    stored = http.get("/api/v1/initiatives", headers=team.analyst.headers()).json()
    assert [(i["name"], i["targets"]["touchpoints"], i["targets"]["segments"]) for i in stored] == [
        ("Faster refunds", ["refunds", "returns"], [{"field": "customer.plan", "value": "pro"}])
    ]
    edit = http.get(f"{detail}/edit").text
    assert 'value="refunds, returns"' in edit and "customer.plan=pro" in edit
    changed = http.post(detail, data=form(token, owner=team.owner, status="done", ends_on="2026-04-30"))
    assert changed.status_code == 303
    listed = http.get("/initiatives").text
    assert "Faster refunds" in listed and "2026-03-01 to 2026-04-30" in listed and ">done<" in listed

    assert http.post(f"{detail}/delete", data={"csrf_token": token}).status_code == 303
    assert http.get("/api/v1/initiatives", headers=team.analyst.headers()).json() == []


def test_a_start_in_year_47_is_refused_by_the_form_and_one_stored_earlier_breaks_no_page(
    session: Session, http: httpx.Client
) -> None:
    from tests.factories import writing
    from voxpop.initiative.models import Initiative

    team = make_team(session)
    sign_in(http, team.owner)
    token = csrf(http, "/initiatives/new")
    refused = http.post("/initiatives", data=form(token, owner=team.owner, starts_on="0047-03-01"))
    assert refused.status_code == 422
    assert (
        'id="starts_on-error"' in refused.text
        and "is not a day from 1900-01-01 to 2999-12-31" in refused.text
    )
    with writing(session) as writer:  # as the API stored it before days were checked
        old = Initiative(
            workspace_id=team.workspace_id,
            name="Ancient",
            description="",
            status="in_progress",
            starts_on=date(47, 3, 1),
            ends_on=None,
            targets={"touchpoints": ["refunds"]},
        )
        writer.add(old)
        writer.flush()
        old_id = old.id
    listed = http.get("/initiatives")
    assert listed.status_code == 200
    assert "Ancient" in listed.text and "outside 1900-01-01 to 2999-12-31" in listed.text
    detail = http.get(f"/initiatives/{old_id}")
    assert detail.status_code == 200 and "outside 1900-01-01 to 2999-12-31" in detail.text
    assert http.get(f"/initiatives/{old_id}/edit").status_code == 200


@pytest.mark.parametrize("role", ["viewer", "agent"])
def test_viewers_and_agents_see_initiatives_but_get_no_form(
    session: Session, http: httpx.Client, role: str
) -> None:
    team = make_team(session)
    http.post("/api/v1/initiatives", json=initiative(team.owner), headers=team.analyst.headers())
    sign_in(http, make_user(session, team.workspace_id, role))
    listed = http.get("/initiatives")
    assert "Faster refunds" in listed.text and "New initiative" not in listed.text
    assert http.get("/initiatives/new").status_code == 403
    token = csrf_token_in(listed.text)
    assert http.post("/initiatives", data=form(token, owner=team.owner)).status_code == 403
    assert len(http.get("/api/v1/initiatives", headers=team.analyst.headers()).json()) == 1


def test_a_form_without_the_csrf_token_is_refused(session: Session, http: httpx.Client) -> None:
    team = make_team(session)
    sign_in(http, team.owner)
    assert http.post("/initiatives", data=form("forged", owner=team.owner)).status_code == 403
    assert http.get("/api/v1/initiatives", headers=team.analyst.headers()).json() == []


def test_another_workspaces_initiative_page_is_not_found(session: Session, http: httpx.Client) -> None:
    team = make_team(session)
    created = http.post(
        "/api/v1/initiatives", json=initiative(team.owner), headers=team.analyst.headers()
    ).json()
    stranger = make_tenant(session, "admin")
    sign_in(http, make_user(session, stranger.workspace_id, "admin"))
    token = csrf(http, "/initiatives/new")
    assert http.get(f"/initiatives/{created['id']}").status_code == 404
    assert http.get(f"/initiatives/{created['id']}/edit").status_code == 404
    assert http.post(f"/initiatives/{created['id']}/delete", data={"csrf_token": token}).status_code == 404
    assert "Faster refunds" not in http.get("/initiatives").text


@pytest.fixture(params=["js-on", "js-off"])
def chromium_page(
    request: pytest.FixtureRequest, browser: Browser, server_url: str
) -> Iterator[tuple[Page, bool]]:
    """A page of a fresh context, and whether JavaScript is on in it: the pages must work either way."""
    context = browser.new_context(
        base_url=server_url,
        viewport={"width": 1280, "height": 900},
        java_script_enabled=request.param == "js-on",
    )
    context.set_default_timeout(10_000)
    yield context.new_page(), request.param == "js-on"
    context.close()


def serious_violations(page: Page, js: bool) -> list[str]:
    """axe-core's serious and critical findings on the page; axe runs as a script, so only with JavaScript
    on (the HTML is the same with it off)."""
    if not js:
        return []
    violations = Axe().run(page).response["violations"]
    return [v["id"] for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.browser
def test_an_analyst_creates_an_initiative_in_chromium_and_reads_its_impact(
    session: Session, chromium_page: tuple[Page, bool], march_30: None
) -> None:
    page, js = chromium_page
    team = make_team(session)
    make_theme(session, team.workspace_id, "Refunds", "my refund has not arrived")
    plant(
        session,
        team.workspace_id,
        date(2026, 2, 10),
        [(None, s) for s in [2, 4, 9, 6] * 10],
        touchpoint="refunds",
    )
    plant(
        session,
        team.workspace_id,
        date(2026, 3, 10),
        [(None, s) for s in [9, 10, 9, 7] * 10],
        touchpoint="refunds",
    )
    page.goto("/login")
    page.get_by_label("Email").fill(team.owner)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/initiatives")
    page.get_by_role("link", name="New initiative").click()
    assert serious_violations(page, js) == []
    page.get_by_label("Name").fill("Faster refunds")
    page.get_by_label("Starts on").fill("2026-03-01")
    page.get_by_label("Refunds").check()
    page.get_by_label("support").check()
    page.get_by_label("Touchpoints").fill("refunds")
    page.get_by_role("button", name="Create initiative").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Faster refunds")
    expect(page.locator("#verdict")).to_contain_text("Better: 1 of 1 measures improved significantly")
    expect(page.get_by_role("img", name=re.compile("Change since the start"))).to_be_visible()
    row = page.locator("#measures tbody tr", has_text="touchpoint: refunds")
    expect(row).to_contain_text("-50.0 (n = 40)")
    expect(row).to_contain_text("+125.0")
    row.get_by_role("link", name="75.0 (n = 40)").click()
    expect(page).to_have_url(re.compile(r"/records\?metric=nps&where=touchpoint%3Drefunds&since=2026-03-01"))
    page.go_back()
    assert serious_violations(page, js) == []
    page.goto("/initiatives")
    expect(page.locator("#initiatives tbody tr")).to_contain_text("Better: 1 of 1")
    assert serious_violations(page, js) == []
