"""Browsers get headers that keep pages from being framed, sniffed or made to run other code; respondents'
survey pages stay embeddable; access logs keep no query values or survey tokens."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.factories import feedback, make_key, make_tenant, make_user, make_workspace
from tests.servers import serving
from tests.survey.factories import create_survey


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def policy(reply: httpx.Response) -> dict[str, str]:
    """The Content-Security-Policy as {directive: sources}."""
    parts = (p.strip().split(" ", 1) for p in reply.headers["content-security-policy"].split(";"))
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


def test_app_pages_may_not_be_framed_sniffed_or_run_scripts_from_elsewhere(http: httpx.Client) -> None:
    reply = http.get("/login")
    assert reply.headers["x-frame-options"] == "DENY"
    assert reply.headers["x-content-type-options"] == "nosniff"
    csp = policy(reply)
    assert (csp["frame-ancestors"], csp["script-src"], csp["object-src"]) == ("'none'", "'self'", "'none'")
    assert "unsafe-inline" not in csp["script-src"] + csp["style-src"]


def test_api_replies_run_nothing_and_are_not_framed(http: httpx.Client, session: Session) -> None:
    reply = http.get("/api/v1/feedback", headers=make_tenant(session).headers())
    assert policy(reply) == {"default-src": "'none'", "frame-ancestors": "'none'"}
    assert reply.headers["x-content-type-options"] == "nosniff"


def test_survey_pages_may_be_framed_by_any_site_for_the_widget(http: httpx.Client, session: Session) -> None:
    survey = create_survey(http, make_tenant(session))
    reply = http.get(f"/s/{survey['slug']}")
    assert reply.status_code == 200
    assert "x-frame-options" not in reply.headers and "frame-ancestors" not in policy(reply)
    assert policy(reply)["script-src"] == "'self'"
    assert reply.headers["referrer-policy"] == "no-referrer"


def test_the_api_docs_inline_script_is_allowed_by_its_hash_only(http: httpx.Client) -> None:
    script_sources = policy(http.get("/docs"))["script-src"].split()
    assert script_sources[0] == "'self'" and len(script_sources) == 2
    assert script_sources[1].startswith("'sha256-")


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def access_log() -> Iterator[Captured]:
    logger = logging.getLogger("uvicorn.access")
    captured, level = Captured(), logger.level
    logger.addHandler(captured)
    logger.setLevel(logging.INFO)
    try:
        yield captured
    finally:
        logger.removeHandler(captured)
        logger.setLevel(level)


def test_access_logs_keep_no_query_values_or_survey_tokens(access_log: Captured, session: Session) -> None:
    from voxpop.app import create_app

    tenant = make_tenant(session)
    paths = [
        "/api/v1/customers/lookup?identity=ann%40example.com",
        "/s/summer?t=inv-secret-token&lang=en",
        "/s/unsubscribe/unsub-secret-token",
        "/s/summer/r/resume-secret-key",
    ]
    with serving(create_app(), lifespan="off", log_config=None, log_level=None) as url:
        for path in paths:
            httpx.get(url + path, headers=tenant.headers())
    logged = "\n".join(access_log.lines)
    for secret in ("ann", "example.com", "inv-secret-token", "unsub-secret-token", "resume-secret-key"):
        assert secret not in logged
    assert "/api/v1/customers/lookup?identity=***" in logged
    assert "/s/summer?t=***&lang=***" in logged
    assert "/s/unsubscribe/***" in logged and "/s/summer/r/***" in logged


PAGES = (
    "/",
    "/overview",
    "/trends",
    "/changes",
    "/journey",
    "/drivers",
    "/records",
    "/themes",
    "/ideas",
    "/search",
    "/imports",
    "/surveys",
    "/reports",
    "/rules",
    "/rules/new",
    "/initiatives",
    "/initiatives/new",
    "/cases",
    "/cases/new",
    "/cases/report",
    "/settings/members",
    "/settings/api-keys",
    "/webhooks",
    "/audit",
    "/docs",
)


@pytest.mark.browser
def test_every_page_renders_under_its_policy_without_a_violation(
    page: Page, http: httpx.Client, session: Session
) -> None:
    workspace_id = make_workspace(session)
    items = [feedback(received_at=f"2025-0{1 + min(i % 4, 1)}-04T10:00:00Z", nps=i % 11) for i in range(40)]
    reply = http.post(
        "/api/v1/feedback/batch", json={"items": items}, headers=bearer(make_key(session, workspace_id))
    )
    assert reply.status_code == 201
    email = make_user(session, workspace_id)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse 1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#attention")).to_be_visible()
    page.goto("/overview")
    expect(page.locator(".bar span").first).to_be_visible()
    widths = page.locator(".bar span").evaluate_all("bars => bars.map(b => b.getBoundingClientRect().width)")
    assert len(set(widths)) > 1  # each bar's inline width applies
    for path in PAGES:
        page.goto(path, wait_until="networkidle")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=20_000)
    assert violations == []


@pytest.mark.parametrize(
    ("target", "logged"),
    [
        ("/records?where=customer.email%3Dann%40example.com&limit=50", "/records?where=***&limit=***"),
        ("/s/summer?ann%40example.com", "/s/summer?***=***"),
        ("/cases/0190?", "/cases/0190?"),
        ("/health", "/health"),
    ],
)
def test_a_logged_target_keeps_paths_and_parameter_names_only(target: str, logged: str) -> None:
    from voxpop.web.security import mask_target

    assert mask_target(target) == logged


def test_only_origins_may_be_allowed_to_frame_survey_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from voxpop.kit.settings import Settings

    monkeypatch.setenv(
        "VOXPOP_EMBED_ALLOWED_ORIGINS", '["https://shop.example.com", "https://*.example.org:8443"]'
    )
    assert Settings().embed_allowed_origins == ["https://shop.example.com", "https://*.example.org:8443"]
    monkeypatch.setenv("VOXPOP_EMBED_ALLOWED_ORIGINS", '["https://shop.example.com; script-src *"]')
    with pytest.raises(ValidationError, match="is not an origin"):
        Settings()
