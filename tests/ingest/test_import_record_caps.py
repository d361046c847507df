"""What an import record keeps is capped, marked where cut, and free of customers' personal data: a file's
absurd header line is refused, its many columns are listed in part, and rejection reasons and error texts
never quote an email address or a phone number."""

from __future__ import annotations

import json
import time

import httpx
from sqlalchemy.orm import Session

from tests.factories import Tenant, make_tenant, writing
from voxpop.ingest import repository
from voxpop.ingest.models import Import
from voxpop.kit.errors import Problem


def upload(http: httpx.Client, tenant: Tenant, name: str, content: bytes, **fields: str) -> dict[str, object]:
    """Upload a file and wait for its import to finish; the finished record."""
    reply = http.post(
        "/api/v1/imports", files={"file": (name, content, "text/csv")}, data=fields, headers=tenant.headers()
    )
    assert reply.status_code == 202, reply.text
    deadline = time.monotonic() + 60
    while True:
        record = http.get(f"/api/v1/imports/{reply.json()['id']}", headers=tenant.headers()).json()
        if record["status"] in ("done", "failed"):
            return dict(record)
        assert time.monotonic() < deadline, record
        time.sleep(0.2)


def test_a_header_line_longer_than_a_megabyte_is_refused_with_its_length(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    header = b",".join(b"column_%07d_" % n + b"q" * 80 for n in range(30_000))  # 3 MB, and no rows
    record = upload(http, tenant, "wide.csv", header + b"\n")
    assert record["status"] == "failed"
    assert record["error"] == (
        f"wide.csv: the first line, which should hold the column names, is {len(header):,} bytes long; "
        "a header line may be at most 1,048,576 bytes. Is the file a CSV with one line per record?"
    )
    listing = http.get("/api/v1/imports", headers=tenant.headers())
    assert len(listing.content) < 5_000


def test_an_import_keeps_a_capped_list_of_a_wide_files_columns(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    columns = ["id", "nps", *(f"answer {n} " + "x" * 250 for n in range(1_500))]  # 390 KB of column names
    content = (",".join(columns) + "\n" + ",".join(["R-1", "9", *["yes"] * 1_500]) + "\n").encode()
    record = upload(http, tenant, "survey.csv", content)
    assert (
        record["status"] == "failed"
    )  # names this long are no attribute names; the record stays small anyway
    kept = record["warnings"]["kept_as_attributes"]  # type: ignore[index]
    assert len(kept) == 101 and kept[-1] == "… and 1,400 more"
    assert kept[0] == "answer 0 " + "x" * 111 + "… [139 more characters cut]"
    assert record["warnings"]["columns"]["…"] == "and 1,402 more"  # type: ignore[index]
    listing = http.get("/api/v1/imports", headers=tenant.headers())
    assert len(listing.content) < 50_000  # the file's header alone is 390 KB


def test_rejection_reasons_never_quote_an_email_or_a_phone_number(
    http: httpx.Client, session: Session
) -> None:
    tenant = make_tenant(session)
    shifted = (
        b"id,date,nps,comment\n"
        b"A-1,05/03/2025,9,fine\n"
        b"A-2,dana.lee@example.com,+1 415 555 0134,columns shifted by one\n"
        b"A-3,ring me on +44 20 7946 0958,7,x\n"
    )
    mapping = json.dumps({"options": {"date_format": "%d/%m/%Y"}})
    record = upload(http, tenant, "shifted.csv", shifted, mapping=mapping)
    assert (record["status"], record["rows_created"], record["rows_rejected"]) == ("done", 1, 2)
    reasons = http.get(f"/api/v1/imports/{record['id']}/rejections", headers=tenant.headers()).json()
    text = json.dumps(reasons)
    assert "dana.lee" not in text and "555" not in text and "7946" not in text
    assert {(r["row_number"], r["field"], r["reason"]) for r in reasons} == {
        (2, "date", "'[email]' does not match the date format '%d/%m/%Y'"),
        (3, "date", "'ring me on [phone]' does not match the date format '%d/%m/%Y'"),
    }


def test_an_import_record_caps_and_redacts_its_error_text_and_a_rejections_reason(session: Session) -> None:
    tenant = make_tenant(session)
    error = (
        "the import stopped: IntegrityError [parameters: ('dana.lee@example.com', " + "'x', " * 5_000 + ")]"
    )
    with writing(session) as writer:
        record = Import(
            workspace_id=tenant.workspace_id,
            kind="feedback",
            filename="f" * 1_000 + ".csv",
            file_sha256="0" * 64,
            file_format="csv",
            error=error,
        )
        repository.add(writer, record)
        repository.add_rejections(
            writer, record.id, [Problem("got 'dana.lee@example.com' " + "y" * 900, "e" * 300, 1)]
        )
        writer.commit()
        stored = writer.get(Import, record.id)
        assert stored is not None and stored.error is not None
        assert "dana.lee" not in stored.error and "[email]" in stored.error
        assert stored.error.endswith("more characters cut]") and len(stored.error) < 2_100
        assert len(stored.filename) <= 255 and stored.filename.endswith("more characters cut]")
        (rejection,) = repository.rejections(writer, record.id, 10, 0)
        assert rejection.reason.startswith("got '[email]' yyy") and rejection.reason.endswith(
            "more characters cut]"
        )
        assert rejection.field is not None and len(rejection.field) <= 200
