"""Uploading a file over the API: accepted at once, imported in the background, its report readable."""

from __future__ import annotations

import time

import httpx
from sqlalchemy.orm import Session

from tests.factories import Tenant, make_tenant


def wait_until_finished(http: httpx.Client, tenant: Tenant, import_id: str) -> dict[str, object]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        record = http.get(f"/api/v1/imports/{import_id}", headers=tenant.headers()).json()
        if record["status"] in ("done", "failed"):
            return dict(record)
        time.sleep(0.1)
    raise AssertionError("the import did not finish in 30 s")


def test_an_uploaded_file_is_imported_in_the_background_with_its_report(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    content = b"id,email,nps,comment\n1,a@x.com,9,Great\n2,b@x.com,eleven,Bad\n3,c@x.com,4,Slow\n"
    reply = http.post(
        "/api/v1/imports", files={"file": ("survey.csv", content, "text/csv")}, headers=tenant.headers()
    )
    assert reply.status_code == 202
    assert reply.json()["status"] == "pending"
    record = wait_until_finished(http, tenant, reply.json()["id"])
    assert (record["status"], record["rows_created"], record["rows_rejected"]) == ("done", 2, 1)
    rejections = http.get(f"/api/v1/imports/{reply.json()['id']}/rejections", headers=tenant.headers()).json()
    assert rejections == [
        {"row_number": 2, "field": "nps", "reason": "NPS must be a whole number from 0 to 10; got 'eleven'"}
    ]
    assert len(http.get("/api/v1/feedback", headers=tenant.headers()).json()) == 2


def test_an_upload_with_a_bad_mapping_or_kind_is_refused_before_anything_is_stored(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    files = {"file": ("f.csv", b"id,nps\n1,9\n", "text/csv")}
    bad_kind = http.post("/api/v1/imports", files=files, data={"kind": "tweets"}, headers=tenant.headers())
    assert (
        bad_kind.status_code == 422 and "unknown import kind 'tweets'" in bad_kind.json()["error"]["message"]
    )
    bad_mapping = http.post(
        "/api/v1/imports", files=files, data={"mapping": "{not json"}, headers=tenant.headers()
    )
    assert bad_mapping.status_code == 422 and "is not valid JSON" in bad_mapping.json()["error"]["message"]
    assert http.get("/api/v1/imports", headers=tenant.headers()).json() == []


def test_an_unreadable_upload_fails_with_the_reason_and_stores_nothing(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    files = {"file": ("data.json", b'[{"id": "1", "nps": 9}, {"id": ', "application/json")}
    reply = http.post("/api/v1/imports", files=files, headers=tenant.headers())
    record = wait_until_finished(http, tenant, reply.json()["id"])
    assert record["status"] == "failed" and "is not valid JSON" in str(record["error"])
    assert http.get("/api/v1/feedback", headers=tenant.headers()).json() == []
