"""Uploads are read only after the caller is known and allowed, streamed to disk, and stopped at the limit.

The server is the real app under uvicorn; the slow clients are raw sockets that send a request's headers and
the first megabyte of a body announced as hundreds of megabytes, then wait for the answer: a server that read
the body before checking the caller would wait for the rest and never answer."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import csrf_token_in, make_tenant, make_user, make_workspace, sign_in
from voxpop.ingest.models import Import
from voxpop.kit.settings import get_settings

BOUNDARY = "voxpop-test-boundary"
ANNOUNCED_BYTES = 512 * 1024 * 1024
SENT_BYTES = 1024 * 1024
LIMIT = 64 * 1024


def multipart(*parts: tuple[str, bytes, str | None]) -> bytes:
    """A multipart/form-data body of (name, content, filename) parts, in the order given."""
    body = b""
    for name, content, filename in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n"
    return body + f"--{BOUNDARY}--\r\n".encode()


FORM_TYPE = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def answer_to_a_slow_upload(server_url: str, path: str, headers: dict[str, str]) -> bytes:
    """Announce a 512 MB upload, send its first megabyte only, and return the server's answer (its first
    bytes); fail if the server waits for the rest of the body instead of answering within 10 s."""
    where = urlsplit(server_url)
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {where.netloc}",
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
        f"Content-Length: {ANNOUNCED_BYTES}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    start = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
    with socket.create_connection((where.hostname, where.port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n" + start).encode())
        sock.sendall(b"id,comment\n" + b"1,x\n" * (SENT_BYTES // 4))
        try:
            return sock.recv(65536)
        except TimeoutError:
            pytest.fail(f"the server kept reading the body of an upload to {path} instead of answering")


def stored_uploads() -> list[Path]:
    folder = get_settings().uploads_dir
    return sorted(folder.iterdir()) if folder.exists() else []


def cookie_header(http: httpx.Client) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in http.cookies.items())}


@pytest.fixture
def upload_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """The server's MAX_UPLOAD_BYTES, lowered to 64 KiB for the test (its routes read the setting per upload)."""
    monkeypatch.setenv("VOXPOP_MAX_UPLOAD_BYTES", str(LIMIT))
    get_settings.cache_clear()
    yield LIMIT
    monkeypatch.undo()
    get_settings.cache_clear()


def test_an_upload_without_an_api_key_is_refused_before_its_body_is_read(server_url: str) -> None:
    before = stored_uploads()
    for headers in ({}, {"Authorization": "Bearer vxp_not-a-real-key"}):
        answer = answer_to_a_slow_upload(server_url, "/api/v1/imports", headers)
        assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    assert stored_uploads() == before


def test_an_upload_with_a_read_only_key_is_refused_before_its_body_is_read(
    server_url: str, session: Session
) -> None:
    viewer = make_tenant(session, role="viewer")
    answer = answer_to_a_slow_upload(server_url, "/api/v1/imports", viewer.headers())
    assert answer.startswith(b"HTTP/1.1 403"), answer[:200]
    assert b"may not write data" in answer


def test_the_upload_form_is_refused_before_its_body_is_read_without_a_session_or_a_role(
    server_url: str, http: httpx.Client, session: Session
) -> None:
    before = stored_uploads()
    anonymous = answer_to_a_slow_upload(server_url, "/imports", {})
    assert anonymous.startswith(b"HTTP/1.1 303") and b"location: /login" in anonymous.lower()

    sign_in(http, make_user(session, make_workspace(session), "viewer"))
    viewer = answer_to_a_slow_upload(server_url, "/imports", cookie_header(http))
    assert viewer.startswith(b"HTTP/1.1 403") and b"may not import data" in viewer
    assert stored_uploads() == before


def test_the_upload_form_keeps_nothing_unless_its_csrf_token_comes_before_the_file(
    server_url: str, http: httpx.Client, session: Session
) -> None:
    workspace_id = make_workspace(session)
    sign_in(http, make_user(session, workspace_id, "admin"))
    token = csrf_token_in(http.get("/imports").text).encode()
    before = stored_uploads()

    answer = answer_to_a_slow_upload(server_url, "/imports", cookie_header(http))
    assert answer.startswith(b"HTTP/1.1 403") and b"the form has expired" in answer

    rows = b"id,nps,comment\nA-1,9,fine\n"
    late_token = multipart(("file", rows, "late.csv"), ("csrf_token", token, None))
    refused = http.post("/imports", content=late_token, headers=FORM_TYPE)
    assert refused.status_code == 403 and "the form has expired" in refused.text
    assert "<h1>Imports</h1>" in refused.text  # the refusal is shown on the page, inside the layout
    assert stored_uploads() == before

    accepted = http.post(
        "/imports",
        content=multipart(("csrf_token", token, None), ("file", rows, "ok.csv")),
        headers=FORM_TYPE,
    )
    assert (accepted.status_code, accepted.headers["location"]) == (303, "/imports")
    session.rollback()
    assert (
        session.scalar(select(func.count()).select_from(Import).where(Import.workspace_id == workspace_id))
        == 1
    )


def test_a_file_over_the_upload_limit_is_refused_with_413_and_not_kept(
    http: httpx.Client, session: Session, upload_limit: int
) -> None:
    tenant = make_tenant(session)
    message = (
        "the file is larger than the upload limit of 65,536 bytes (64 KiB): split it into smaller files, "
        "or ask an operator to raise MAX_UPLOAD_BYTES"
    )
    before = stored_uploads()
    just_over = b"id,comment\n" + b"1,x\n" * (upload_limit // 4)  # streamed until it passes the limit
    far_over = just_over * 50  # refused from its declared length, before a byte is read
    for content in (just_over, far_over):
        reply = http.post(
            "/api/v1/imports", files={"file": ("big.csv", content, "text/csv")}, headers=tenant.headers()
        )
        assert reply.status_code == 413, reply.text
        assert reply.json() == {"error": {"code": "too_large", "message": message}}
    assert stored_uploads() == before
    assert http.get("/api/v1/imports", headers=tenant.headers()).json() == []

    at_limit = b"id,comment\n" + b"1,x\n" * ((upload_limit - 11) // 4)
    assert len(at_limit) <= upload_limit
    reply = http.post(
        "/api/v1/imports", files={"file": ("ok.csv", at_limit, "text/csv")}, headers=tenant.headers()
    )
    assert reply.status_code == 202, reply.text


def test_the_upload_page_says_a_file_is_too_large_inside_the_layout(
    http: httpx.Client, session: Session, upload_limit: int
) -> None:
    sign_in(http, make_user(session, make_workspace(session), "admin"))
    token = csrf_token_in(http.get("/imports").text).encode()
    body = multipart(("csrf_token", token, None), ("file", b"x" * (upload_limit + 1), "big.csv"))
    reply = http.post("/imports", content=body, headers=FORM_TYPE)
    assert reply.status_code == 413
    assert "the file is larger than the upload limit of 65,536 bytes (64 KiB)" in reply.text
    assert 'role="alert"' in reply.text and "<h1>Imports</h1>" in reply.text


def test_a_multi_megabyte_upload_streams_through_with_its_fields_in_any_order(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    rows = b"".join(f"C-{n},c{n}@example.com,{'x' * 640}\n".encode() for n in range(5_000))
    content = b"external_id,email,notes\n" + rows
    assert len(content) > 3 * 1024 * 1024
    body = multipart(("file", content, "customers.csv"), ("kind", b"customers", None))  # kind after the file
    reply = http.post("/api/v1/imports", content=body, headers={**FORM_TYPE, **tenant.headers()})
    assert reply.status_code == 202, reply.text
    assert (reply.json()["kind"], reply.json()["filename"]) == ("customers", "customers.csv")
    deadline = time.monotonic() + 120
    while (record := http.get(f"/api/v1/imports/{reply.json()['id']}", headers=tenant.headers()).json())[
        "status"
    ] not in ("done", "failed"):
        assert time.monotonic() < deadline, record
        time.sleep(0.3)
    assert (record["status"], record["rows_total"], record["rows_rejected"]) == ("done", 5_000, 0)


def test_a_form_without_a_file_or_not_a_form_is_refused_with_the_reason(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    no_file = http.post(
        "/api/v1/imports",
        content=multipart(("kind", b"feedback", None)),
        headers={**FORM_TYPE, **tenant.headers()},
    )
    assert no_file.status_code == 422
    assert no_file.json()["error"]["message"] == "the form has no file: send it in the field 'file'"
    not_a_form = http.post("/api/v1/imports", json={"file": "x"}, headers=tenant.headers())
    assert not_a_form.status_code == 422 and "multipart/form-data" in not_a_form.json()["error"]["message"]
    cut = multipart(("file", b"id,nps\n1,9\n", "f.csv"))[:-20]
    truncated = http.post("/api/v1/imports", content=cut, headers={**FORM_TYPE, **tenant.headers()})
    assert (
        truncated.status_code == 422 and "ended before the form did" in truncated.json()["error"]["message"]
    )
    assert http.get("/api/v1/imports", headers=tenant.headers()).json() == []


def test_in_a_browser_a_file_over_the_limit_is_refused_on_the_imports_page(
    page: Page, http: httpx.Client, session: Session, tmp_path: Path, upload_limit: int
) -> None:
    email = make_user(session, make_workspace(session), "admin")
    before = stored_uploads()
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse 1")
    page.get_by_role("button", name="Sign in").click()
    page.goto("/imports")
    big = tmp_path / "big.csv"
    big.write_bytes(b"id,comment\n" + b"1,x\n" * (50 * upload_limit // 4))
    page.get_by_label("File", exact=True).set_input_files(big)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text("larger than the upload limit of 65,536 bytes (64 KiB)")
    expect(page.locator("#imports tbody")).to_contain_text("No imports yet.")
    assert stored_uploads() == before
