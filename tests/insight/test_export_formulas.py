"""A respondent can type anything into a survey's hidden fields, which become the record's touchpoint and
attributes: every download shows such text as text, never as a live spreadsheet formula (OWASP, CSV
injection) — in CSV a leading quote, in XLSX a string cell."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import httpx
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tests.factories import make_tenant, make_user, sign_in
from tests.survey.factories import Respondent, create_survey, nps_definition
from voxpop.kit import spreadsheet

FORMULA = '=HYPERLINK("http://x","y")'
# touchpoints are kept in lower case
PLANTED = {
    "touchpoint": FORMULA.lower(),
    "store": "@SUM(1+1)",
    "order_id": "+1-2",
    "note": "-3+cmd|' /C calc'!A0",
}


def plant(http: httpx.Client, session: Session) -> None:
    tenant = make_tenant(session)
    survey = create_survey(http, tenant, nps_definition(hidden_fields=list(PLANTED)))
    respondent = Respondent(http)
    respondent.open(f"{survey['path']}?{urlencode(PLANTED)}")
    respondent.answer({"nps": 3})
    sign_in(http, make_user(session, tenant.workspace_id, role="viewer"))


def csv_cells(body: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body)) for cell in row]


def xlsx_cells(body: bytes) -> list[tuple[object, str]]:
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    return [(c.value, c.data_type) for row in sheet.iter_rows() for c in row if c.value is not None]


DOWNLOADS = [
    ("/export/figures.{format}", {"metric": "nps", "by": "touchpoint"}, "touchpoint"),
    ("/export/figures.{format}", {"metric": "nps", "by": "attributes.store"}, "store"),
    ("/export/figures.{format}", {"metric": "nps", "by": "attributes.order_id"}, "order_id"),
    ("/export/figures.{format}", {"metric": "nps", "by": "attributes.note"}, "note"),
    ("/journey", {"download": "touchpoints", "format": "{format}"}, "touchpoint"),
]


def test_a_formula_planted_through_a_survey_downloads_as_inert_text_in_csv_and_xlsx(
    http: httpx.Client, session: Session
) -> None:
    plant(http, session)
    for path, params, field in DOWNLOADS:
        planted = PLANTED[field]
        as_csv = http.get(
            path.format(format="csv"), params={k: v.format(format="csv") for k, v in params.items()}
        )
        assert as_csv.status_code == 200, as_csv.text
        cells = csv_cells(as_csv.text)
        assert "'" + planted in cells and planted not in cells, (path, params, as_csv.text)
        as_xlsx = http.get(
            path.format(format="xlsx"), params={k: v.format(format="xlsx") for k, v in params.items()}
        )
        cells_x = xlsx_cells(as_xlsx.content)
        assert (planted, "s") in cells_x, (path, params, cells_x)
        assert all(kind != "f" for _, kind in cells_x)


def test_every_start_of_a_formula_is_neutralised_and_plain_text_and_numbers_are_left_alone() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r", "\n", " ="):
        assert spreadsheet.inert(start + "1+1") == "'" + start + "1+1"
    assert spreadsheet.inert("Berlin") == "Berlin"
    assert spreadsheet.inert("a=b") == "a=b"
    body = spreadsheet.csv_bytes(("key", "value"), [("-", -3), ("ok", 2.5), (None, True)]).decode()
    assert body.splitlines() == ["key,value", "'-,-3", "ok,2.5", ",True"]


def test_the_xlsx_writer_never_turns_text_into_formulas_links_or_numbers() -> None:
    rows = [(FORMULA, "http://example.com", "0012", -4, True, None)]
    book = load_workbook(
        io.BytesIO(spreadsheet.xlsx_bytes("a/b:c?", ("=1+1", "b", "c", "d", "e", "f"), rows))
    )
    sheet = book.active
    assert sheet is not None and sheet.title == "a_b_c_"
    header, row = list(sheet.iter_rows())
    assert (header[0].value, header[0].data_type) == ("=1+1", "s")
    assert [(c.value, c.data_type) for c in row[:5]] == [
        (FORMULA, "s"),
        ("http://example.com", "s"),
        ("0012", "s"),
        (-4, "n"),
        (True, "b"),
    ]
    assert sheet.cell(2, 2).hyperlink is None


def test_a_file_name_from_the_address_stays_a_plain_name() -> None:
    assert spreadsheet.file_name('nps-x"\r\nSet-Cookie: a') == "nps-x_Set-Cookie_a"
