"""The web shell in a real browser: sign in, import a file through the page, read the numbers, switch
workspaces, sign out; and the guards around it (sign-in required, roles, CSRF, no third-party requests)."""

from __future__ import annotations

import csv
import re
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import FilePayload, Page, Request, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import feedback, make_key, make_user, make_workspace, writing
from voxpop.feedback.models import Feedback
from voxpop.ingest.models import Import

pytestmark = pytest.mark.browser

PASSWORD = "correct horse 1"
IMPORT_DEADLINE_SECONDS = 20
LOCAL = "127.0.0.1"
WORKSPACE_NAMES = ("Acme Retail", "Bolt Travel", "Cobalt Bank")
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def signed_in(page: Page, email: str) -> None:
    """Signed in, on the home page first, then on the overview of all records."""
    sign_in(page, email)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("What needs attention")
    page.goto("/overview")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Overview")


def total_records(page: Page) -> int:
    return int(page.locator("#total-records").inner_text().replace(",", ""))


def tile_n(page: Page, metric: str) -> int:
    return int(page.locator(f'[data-metric="{metric}"] .n').get_attribute("data-n") or "-1")


def channel_table(page: Page) -> dict[str, int]:
    rows = page.get_by_role("region", name="Records by channel").locator("tbody tr")
    table = {}
    for row in rows.all():
        cells = row.locator("td").all_inner_texts()
        table[cells[0]] = int(cells[1].replace(",", ""))
    return table


def store_feedback(http: httpx.Client, session: Session, workspace_id: uuid.UUID, count: int) -> None:
    key = make_key(session, workspace_id)
    items = [feedback(channel="chat" if i % 2 else "email", nps=i % 11) for i in range(count)]
    headers = {"Authorization": f"Bearer {key}"}
    reply = http.post("/api/v1/feedback/batch", json={"items": items}, headers=headers)
    assert reply.status_code == 201, reply.text


def join(session: Session, email: str, workspace_id: uuid.UUID, role: str = "admin") -> None:
    from voxpop.auth import service as auth_service

    with writing(session) as writer:  # the test's own session only reads (see tests.factories.writing)
        auth_service.add_member(writer, auth_service.user_by_email(writer, email), workspace_id, role)


def csrf_of(page: Page) -> str:
    return page.locator('input[name="csrf_token"]').first.input_value()


def write_survey_csv(path: Path) -> dict[str, Any]:
    """40 survey rows over three channels and three months; row 7 has an NPS of 12 and row 23 a date
    that is not one. Every fifth row has no NPS. Returns what the overview should show afterwards."""
    channels = ("email", "web", "app")
    rows = []
    for number in range(1, 41):
        rows.append(
            {
                "id": f"R-{number}",
                "date": f"2025-0{1 + number % 3}-{1 + number % 28:02d}T10:00:00Z",
                "email": f"customer{number}@example.com",
                "channel": channels[number % 3],
                "nps": "" if number % 5 == 0 else str(number % 11),
                "csat": str(1 + number % 5),
                "comment": f"Comment number {number}, with a comma.",
            }
        )
    rows[6]["nps"] = "12"
    rows[22]["date"] = "next Tuesday"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    good = [row for number, row in enumerate(rows, start=1) if number not in (7, 23)]
    return {
        "total": len(good),
        "nps_n": sum(1 for row in good if row["nps"]),
        "channels": dict(Counter(row["channel"] for row in good)),
    }


def wait_for_import(page: Page) -> str:
    """Reload the imports page until the newest import has finished; its status."""
    deadline = time.monotonic() + IMPORT_DEADLINE_SECONDS
    while True:
        status = page.locator("#imports tbody tr[data-status]").first.get_attribute("data-status") or ""
        if status in ("done", "failed") or time.monotonic() > deadline:
            return status
        page.wait_for_timeout(200)
        page.reload()


def test_a_user_signs_in_imports_a_file_through_the_page_and_sees_the_numbers_move(
    page: Page, session: Session, tmp_path: Path
) -> None:
    email = make_user(session, make_workspace(session, "Acme Retail"), "admin")
    signed_in(page, email)
    assert total_records(page) == 0
    expect(page.locator('[data-metric="nps"] .n')).to_have_text("n = 0")
    assert tile_n(page, "nps") == 0

    expected = write_survey_csv(tmp_path / "survey.csv")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Imports").click()
    expect(page).to_have_url(re.compile(r"/imports$"))
    page.get_by_label("File", exact=True).set_input_files(tmp_path / "survey.csv")
    page.get_by_label("What the file holds").select_option("feedback")
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_url(re.compile(r"/imports$"))
    expect(page.locator("#imports tbody")).to_contain_text("survey.csv")
    status = wait_for_import(page)
    newest = page.locator("#imports tbody tr").first.inner_text()
    assert status == "done", f"the import ended {status!r}: {newest}"

    page.get_by_role("link", name="survey.csv").click()
    expect(page.locator(".status")).to_have_text("done")
    rejected = page.locator("#rejections tbody tr")
    expect(rejected).to_have_count(2)
    first, second = (row.locator("td").all_inner_texts() for row in rejected.all())
    assert first[0] == "7" and "nps" in first[1].lower() and "10" in first[2]
    assert second[0] == "23" and "date" in second[1].lower() and second[2].strip()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Overview").click()
    assert total_records(page) == expected["total"] == 38
    assert tile_n(page, "nps") == expected["nps_n"]
    assert tile_n(page, "csat") == expected["total"]
    assert channel_table(page) == expected["channels"]
    page.screenshot(path="/tmp/voxpop-overview.png", full_page=True)


def test_wrong_password_shows_an_error_tied_to_the_form(page: Page, session: Session) -> None:
    email = make_user(session, make_workspace(session))
    sign_in(page, email, "not the password")
    expect(page).to_have_url(re.compile(r"/login$"))
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_have_text("wrong email or password")
    email_field = page.get_by_label("Email")
    expect(email_field).to_have_value(email)
    expect(email_field).to_have_attribute("aria-describedby", alert.get_attribute("id") or "missing")
    expect(page.get_by_label("Password")).to_have_value("")


def test_pages_need_a_signed_in_user(page: Page) -> None:
    for path in ("/", "/imports", f"/imports/{uuid.uuid4()}"):
        page.goto(path)
        expect(page).to_have_url(re.compile(r"/login$"))
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_the_workspace_switcher_shows_only_the_users_workspaces_and_switches(
    page: Page, session: Session, http: httpx.Client
) -> None:
    acme, bolt, cobalt = (make_workspace(session, name) for name in WORKSPACE_NAMES)
    for workspace_id, count in ((acme, 3), (bolt, 5), (cobalt, 7)):
        store_feedback(http, session, workspace_id, count)
    email = make_user(session, acme, "admin")
    join(session, email, bolt, "viewer")
    totals = {"Acme Retail": 3, "Bolt Travel": 5}

    signed_in(page, email)
    switcher = page.get_by_label("Workspace")
    names = switcher.locator("option").all_inner_texts()
    assert sorted(names) == ["Acme Retail", "Bolt Travel"]
    current = switcher.locator("option:checked").inner_text()
    assert total_records(page) == totals[current]

    other = next(name for name in names if name != current)
    switcher.select_option(label=other)
    page.get_by_role("button", name="Switch").click()
    expect(page.locator("h1 .sub")).to_have_text(other)
    assert total_records(page) == totals[other]
    expect(page.get_by_label("Workspace").locator("option:checked")).to_have_text(other)

    # A workspace id the user does not belong to, posted by hand, changes nothing.
    reply = page.request.post(
        "/workspace", form={"csrf_token": csrf_of(page), "workspace_id": str(cobalt)}, max_redirects=0
    )
    assert reply.status == 303
    page.goto("/overview")
    expect(page.locator("h1 .sub")).to_have_text(other)
    assert total_records(page) == totals[other]


def test_sign_out_ends_the_session(page: Page, session: Session) -> None:
    email = make_user(session, make_workspace(session))
    signed_in(page, email)
    expect(page.get_by_text(email)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/imports")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.go_back()
    page.reload()
    expect(page).to_have_url(re.compile(r"/login$"))


def test_a_session_cookie_copied_before_sign_out_no_longer_works(
    page: Page, session: Session, server_url: str
) -> None:
    email = make_user(session, make_workspace(session))
    signed_in(page, email)
    copied = {c["name"]: c["value"] for c in page.context.cookies() if c["name"] == "voxpop_session"}
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    with httpx.Client(base_url=server_url, cookies=copied) as replay:
        assert replay.get("/").status_code == 303


def test_a_viewer_cannot_import(page: Page, session: Session) -> None:
    workspace_id = make_workspace(session)
    email = make_user(session, workspace_id, "viewer")
    signed_in(page, email)
    page.goto("/imports")
    expect(page.locator(".who")).to_have_text(f"{email} viewer")
    expect(page.locator('form[action="/imports"]')).to_have_count(0)
    expect(page.locator("#imports tbody")).to_contain_text("No imports yet.")

    # Posting the form anyway, with the viewer's own session and a valid CSRF token, is refused.
    rows = b"id,nps,comment\nX-1,9,hello\n"
    upload: FilePayload = {"name": "sneaky.csv", "mimeType": "text/csv", "buffer": rows}
    reply = page.request.post(
        "/imports",
        multipart={"csrf_token": csrf_of(page), "kind": "feedback", "file": upload},
        max_redirects=0,
    )
    assert reply.status == 403
    assert "may not import" in reply.text()
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Import)) == 0
    assert session.scalar(select(func.count()).select_from(Feedback)) == 0
    page.goto("/imports")
    expect(page.locator("#imports tbody")).to_contain_text("No imports yet.")


def test_forms_without_the_csrf_token_are_refused(http: httpx.Client, session: Session) -> None:
    email = make_user(session, make_workspace(session))
    token = CSRF_FIELD.search(http.get("/login").text)
    assert token is not None
    credentials = {"email": email, "password": PASSWORD}

    refused = http.post("/login", data=credentials)
    assert refused.status_code == 403
    assert http.get("/", follow_redirects=False).headers["location"] == "/login"

    forged = http.post("/login", data={**credentials, "csrf_token": "a" * 43})
    assert forged.status_code == 403
    assert http.get("/", follow_redirects=False).headers["location"] == "/login"

    accepted = http.post("/login", data={**credentials, "csrf_token": token.group(1)})
    assert (accepted.status_code, accepted.headers["location"]) == (303, "/")
    assert http.get("/", follow_redirects=False).status_code == 200

    # Signed in, the other forms refuse a missing token too, and the session survives.
    assert http.post("/logout").status_code == 403
    assert http.post("/workspace", data={"workspace_id": str(uuid.uuid4())}).status_code == 403
    files = {"file": ("x.csv", b"id,nps\n1,9\n", "text/csv")}
    assert http.post("/imports", data={"kind": "feedback"}, files=files).status_code == 403
    assert http.get("/", follow_redirects=False).status_code == 200


def test_pages_make_no_external_requests(page: Page, session: Session, server_url: str) -> None:
    email = make_user(session, make_workspace(session))
    seen: list[Request] = []
    page.on("request", lambda request: seen.append(request))
    signed_in(page, email)
    for path in ("/", "/imports", "/docs"):
        page.goto(path, wait_until="networkidle")
    expect(page.locator(".swagger-ui")).to_be_visible()

    urls = [request.url for request in seen]
    assert any(url.endswith("/static/swagger/swagger-ui-bundle.js") for url in urls)
    assert any(url.endswith("/openapi.json") for url in urls)
    outside = [url for url in urls if urlsplit(url).scheme != "data" and urlsplit(url).hostname != LOCAL]
    assert outside == []
    assert urlsplit(server_url).hostname == LOCAL


def test_the_api_docs_render_from_local_files(page: Page) -> None:
    page.goto("/docs", wait_until="networkidle")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "voxpop", timeout=30_000
    )  # a busy machine parses 160 KB slowly
    expect(page.locator(".opblock").first).to_be_visible()
