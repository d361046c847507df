"""Every table on every dashboard downloads as CSV and as XLSX, through one export function; the XLSX file,
read back, holds the same rows as the CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tests.factories import event, make_tenant, make_user, post, sign_in
from tests.insight.test_records import seed
from voxpop.kit import clock

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def signed_in_with_data(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    seed(http, tenant)
    late = event(
        type="delivery_late", occurred_at="2025-09-14T10:00:00Z", customer={"email": "north-9-16@example.com"}
    )
    assert post(http, tenant, "/api/v1/events/batch", {"items": [late]}).status_code == 201
    clock.set_clock(lambda: datetime(2025, 11, 3, tzinfo=UTC))
    sign_in(http, make_user(session, tenant.workspace_id, role="viewer"))


def xlsx_rows(body: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    assert sheet is not None
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def same(csv_row: list[str], xlsx_row: list[str]) -> bool:
    """Numbers may print differently (3 / 3.0); booleans as True/False in both."""

    def norm(value: str) -> str:
        try:
            return f"{float(value):.9g}"
        except ValueError:
            return value

    return [norm(v) for v in csv_row] == [norm(v) for v in xlsx_row]


@pytest.mark.parametrize(
    ("path", "tables"),
    [
        ("/overview", {"scores", "channels", "months"}),
        ("/trends?metric=nps&by=month", {"nps-month"}),
        ("/changes?metric=nps", {"overall", "movements"}),
        ("/journey", {"stage-by-channel", "touchpoints", "precursors"}),
    ],
)
def test_every_table_on_a_page_downloads_as_csv_and_as_the_same_xlsx(
    http: httpx.Client, session: Session, path: str, tables: set[str]
) -> None:
    signed_in_with_data(http, session)
    page = http.get(path).text
    links = {
        (href.replace("&amp;", "&"), name)
        for href, name in re.findall(r'href="([^"]+)" data-table="([^"]+)"', page)
    }
    assert {name for _, name in links} == tables
    for name in tables:
        as_csv = http.get(path, params={"download": name, "format": "csv"}, follow_redirects=False)
        as_xlsx = http.get(path, params={"download": name, "format": "xlsx"})
        assert as_csv.headers["content-type"].startswith("text/csv")
        assert as_xlsx.headers["content-type"] == XLSX
        assert f'filename="{name}.xlsx"' in as_xlsx.headers["content-disposition"]
        rows, sheet = csv_rows(as_csv.text), xlsx_rows(as_xlsx.content)
        assert len(rows) == len(sheet) >= 2, name
        assert all(same(a, b) for a, b in zip(rows, sheet, strict=True)), name


def test_the_figures_export_reads_back_from_xlsx_with_n_and_the_unreliable_mark(
    http: httpx.Client, session: Session
) -> None:
    signed_in_with_data(http, session)
    reply = http.get(
        "/export/figures.xlsx", params={"metric": "nps", "by": "channel", "where": "month=2025-10"}
    )
    assert reply.headers["content-type"] == XLSX
    header, *rows = xlsx_rows(reply.content)
    assert header == ["channel", "value", "ci_low", "ci_high", "n", "reliable"]
    assert [(r[0], float(r[1]), r[4], r[5]) for r in rows] == [
        ("email", 100 * (1 - 1) / 2, "2", "False"),
        ("web", -100.0, "1", "False"),
    ]


def test_an_unknown_table_or_format_is_refused(http: httpx.Client, session: Session) -> None:
    signed_in_with_data(http, session)
    assert http.get("/trends", params={"download": "nope", "format": "csv"}).status_code == 404
    reply = http.get("/trends", params={"download": "nps-month", "format": "ods"})
    assert reply.status_code == 422 and "Unknown format" in reply.text
