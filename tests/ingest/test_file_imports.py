"""Importing files: CSV, JSON and JSON Lines; mappings; a precise report of every rejected row; nothing
half-written when a file cannot be read; never a duplicate."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import make_workspace, writing
from voxpop.feedback.models import Feedback
from voxpop.ingest import service
from voxpop.ingest.mapping import load_mapping
from voxpop.ingest.models import Import
from voxpop.ingest.schemas import RejectionOut

HEADER = "id,date,email,channel,nps,comment\n"


def run_import(
    session: Session, workspace_id: uuid.UUID, path: Path, kind: str = "feedback", mapping: Path | None = None
) -> tuple[Import, list[RejectionOut]]:
    with writing(session) as writer:
        record = service.register(writer, workspace_id, path, load_mapping(kind, mapping))
        writer.commit()
        record = service.run(writer, record)
        return record, service.rejections(writer, workspace_id, record.id)


def stored(session: Session, workspace_id: uuid.UUID) -> int:
    session.rollback()
    return session.scalar(select(func.count()).where(Feedback.workspace_id == workspace_id)) or 0


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    return path


def test_a_csv_is_imported_with_columns_guessed_from_common_headers(session: Session, tmp_path: Path) -> None:
    workspace_id = make_workspace(session)
    path = write(
        tmp_path, "f.csv", HEADER + "1,2025-01-02,a@x.com,email,9,Great\n2,2025-01-03,b@x.com,web,3,Slow\n"
    )
    record, rejections = run_import(session, workspace_id, path)
    assert (record.status, record.rows_created, record.rows_rejected, rejections) == ("done", 2, 0, [])
    assert record.warnings["columns"]["comment"] == "text"
    assert record.warnings["columns"]["email"] == "customer.email"
    assert stored(session, workspace_id) == 2


def test_every_bad_row_is_reported_with_its_number_field_and_reason(session: Session, tmp_path: Path) -> None:
    workspace_id = make_workspace(session)
    rows = [
        "1,2025-01-02,a@x.com,email,9,Fine",
        "2,2025-01-02,a@x.com,email,12,Too high",
        "3,tomorrowish,a@x.com,email,5,Bad date",
        "4,2025-01-02,not-an-email,email,5,Bad email",
        "5,2025-01-02,a@x.com,email,,",
        "6,2025-01-02,a@x.com,email,5,Fine,extra,fields",
    ]
    record, rejections = run_import(
        session, workspace_id, write(tmp_path, "f.csv", HEADER + "\n".join(rows) + "\n")
    )
    assert record.rows_created == 1 and record.rows_rejected == 5
    by_row = {r.row_number: r for r in rejections}
    assert by_row[2].field == "nps" and "from 0 to 10; got '12'" in by_row[2].reason
    assert by_row[3].field == "date (received_at)"
    assert by_row[4].field == "email (customer.email)"
    assert "needs text, a title or at least one score" in by_row[5].reason
    assert by_row[6].reason == "has 8 fields but the header has 6"


def test_importing_the_same_file_twice_or_a_row_twice_never_duplicates(
    session: Session, tmp_path: Path
) -> None:
    workspace_id = make_workspace(session)
    content = (
        HEADER
        + "1,2025-01-02,a@x.com,email,2,First\n2,2025-01-02,a@x.com,email,5,Other\n1,2025-01-02,a@x.com,email,8,Again\n"
    )
    first, _ = run_import(session, workspace_id, write(tmp_path, "f.csv", content))
    assert (first.rows_created, first.rows_updated) == (2, 1)
    second, _ = run_import(session, workspace_id, write(tmp_path, "copy.csv", content))
    assert (second.rows_created, second.rows_updated) == (0, 3)
    assert stored(session, workspace_id) == 2
    assert session.scalar(select(Feedback.nps).where(Feedback.external_id == "1")) == 8


def test_rows_without_ids_get_a_stable_id_from_their_content(session: Session, tmp_path: Path) -> None:
    workspace_id = make_workspace(session)
    path = write(tmp_path, "f.csv", "date,email,nps\n2025-01-02,a@x.com,9\n2025-01-03,b@x.com,4\n")
    run_import(session, workspace_id, path)
    run_import(session, workspace_id, write(tmp_path, "g.csv", path.read_text()))
    assert stored(session, workspace_id) == 2


def test_json_and_json_lines_files_are_imported(session: Session, tmp_path: Path) -> None:
    workspace_id = make_workspace(session)
    records = [
        {"id": f"J{i}", "text": f"note {i}", "nps": i, "customer": {"email": f"j{i}@x.com"}} for i in range(5)
    ]
    as_json = write(tmp_path, "f.json", json.dumps(records))
    as_lines = write(
        tmp_path, "g.jsonl", "\n".join(json.dumps({**r, "id": "L" + r["id"]}) for r in records) + "\n\n"
    )
    assert run_import(session, workspace_id, as_json)[0].rows_created == 5
    assert run_import(session, workspace_id, as_lines)[0].rows_created == 5
    assert stored(session, workspace_id) == 10


def test_a_bad_json_line_is_rejected_alone(session: Session, tmp_path: Path) -> None:
    workspace_id = make_workspace(session)
    path = write(
        tmp_path, "f.jsonl", '{"id": "1", "nps": 9}\n{"id": "2", "nps": \n[1, 2]\n{"id": "3", "nps": 7}\n'
    )
    record, rejections = run_import(session, workspace_id, path)
    assert record.rows_created == 2
    assert [(r.row_number, r.reason.split(":")[0]) for r in rejections] == [
        (2, "is not valid JSON"),
        (3, "is a JSON list, not an object"),
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.json", '[{"id": "1", "nps": 9}, {"id": "2", "nps": 5', "is not valid JSON"),
        ("object.json", '{"id": "1"}', "must hold an array of records"),
        (
            "broken.csv",
            HEADER + '1,2025-01-02,a@x.com,email,9,"unterminated\n2,2025-01-02,b@x.com,web,3,x\n',
            "is not valid CSV",
        ),
        ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "is not a text file"),
    ],
)
def test_a_file_that_cannot_be_parsed_stores_nothing_and_says_where(
    session: Session, tmp_path: Path, name: str, content: str | bytes, message: str
) -> None:
    workspace_id = make_workspace(session)
    record, _ = run_import(session, workspace_id, write(tmp_path, name, content))
    assert record.status == "failed"
    assert message in (record.error or "")
    assert stored(session, workspace_id) == 0


def test_utf8_with_bom_and_latin1_files_are_read_correctly(session: Session, tmp_path: Path) -> None:
    workspace_id = make_workspace(session)
    text = HEADER + "1,2025-01-02,a@x.com,email,9,Très bien, merci\n".replace(", merci", " merci")
    run_import(session, workspace_id, write(tmp_path, "bom.csv", b"\xef\xbb\xbf" + text.encode("utf-8")))
    latin = text.replace("1,2025", "2,2025").encode("latin-1")
    record, _ = run_import(session, workspace_id, write(tmp_path, "latin.csv", latin))
    assert record.warnings["encoding"] == "cp1252"
    texts = set(session.scalars(select(Feedback.text).where(Feedback.workspace_id == workspace_id)))
    assert texts == {"Très bien merci"}
    assert stored(session, workspace_id) == 2


def test_a_row_in_another_encoding_inside_a_utf8_file_is_rejected_with_the_byte(
    session: Session, tmp_path: Path
) -> None:
    workspace_id = make_workspace(session)
    content = (HEADER + "1,2025-01-02,a@x.com,email,9,déjà vu\n").encode(
        "utf-8"
    ) + "2,2025-01-02,b@x.com,web,4,déjà\n".encode("latin-1")
    content += b"3,2025-01-02,c@x.com,web,6,fine\n" * 2000
    record, rejections = run_import(session, workspace_id, write(tmp_path, "mixed.csv", content))
    assert record.rows_rejected == 1
    assert rejections[0].row_number == 2
    assert "is not valid utf-8" in rejections[0].reason and "mixes encodings" in rejections[0].reason


def test_a_mapping_file_overrides_the_guess_and_sets_defaults(session: Session, tmp_path: Path) -> None:
    workspace_id = make_workspace(session)
    path = write(tmp_path, "f.csv", "Resp,When,Q1,Q2,Why,IPAddress\nR1,02/01/2025,8,4,ok,10.0.0.1\n")
    mapping = write(
        tmp_path,
        "m.toml",
        """
[columns]
Resp = "external_id"
When = "received_at"
Q1 = "nps"
Q2 = "csat"
Why = "text"
[defaults]
kind = "survey_response"
channel = "email"
source = "qualtrics"
[options]
date_format = "%d/%m/%Y"
""",
    )
    record, rejections = run_import(session, workspace_id, path, mapping=mapping)
    assert rejections == [] and record.rows_created == 1
    row = session.scalars(select(Feedback).where(Feedback.workspace_id == workspace_id)).one()
    assert (row.nps, row.csat, row.source, row.kind, row.received_at.month) == (
        8,
        4,
        "qualtrics",
        "survey_response",
        1,
    )
    assert "ipaddress" not in row.attributes


def test_unknown_columns_are_kept_as_attributes_and_listed(session: Session, tmp_path: Path) -> None:
    workspace_id = make_workspace(session)
    path = write(tmp_path, "f.csv", "id,nps,Store Number,Basket Size\n1,9,12,3\n")
    record, _ = run_import(session, workspace_id, path)
    assert record.warnings["kept_as_attributes"] == ["Store Number", "Basket Size"]
    row = session.scalars(select(Feedback).where(Feedback.workspace_id == workspace_id)).one()
    assert row.attributes == {"store_number": "12", "basket_size": "3"}


def test_qualtrics_exports_skip_their_two_extra_header_rows(session: Session, tmp_path: Path) -> None:
    workspace_id = make_workspace(session)
    content = (
        "ResponseId,RecordedDate,Q1,Q2_TEXT\n"
        '"Response ID","Recorded Date","How likely are you to recommend us?","Why?"\n'
        '"{""ImportId"":""_recordId""}","{""ImportId"":""recordedDate""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2_TEXT""}"\n'
        "R_1,2025-01-02 10:00:00,9,Friendly staff\n"
    )
    mapping = write(tmp_path, "m.json", json.dumps({"columns": {"Q1": "nps", "Q2_TEXT": "text"}}))
    record, rejections = run_import(session, workspace_id, write(tmp_path, "q.csv", content), mapping=mapping)
    assert (record.rows_total, record.rows_created, rejections) == (1, 1, [])


def test_customers_and_events_files_are_imported_and_linked(session: Session, tmp_path: Path) -> None:
    workspace_id = make_workspace(session)
    customers = write(
        tmp_path, "c.csv", "customer_id,email,name,plan\nC1,c1@x.com,Ann,basic\nC2,c2@x.com,Bo,plus\n"
    )
    events = write(
        tmp_path,
        "e.csv",
        "event_id,type,date,customer_id\nE1,order_delivered,2025-01-02,C1\nE2,ticket_closed,2025-01-03,C2\n",
    )
    assert run_import(session, workspace_id, customers, kind="customers")[0].rows_created == 2
    record, rejections = run_import(session, workspace_id, events, kind="events")
    assert (record.rows_created, rejections) == (2, [])


def test_a_ten_megabyte_field_in_a_file_rejects_that_row_only(session: Session, tmp_path: Path) -> None:
    workspace_id = make_workspace(session)
    huge = "x" * (10 * 1024 * 1024)
    path = write(
        tmp_path, "huge.csv", HEADER + f"1,2025-01-02,a@x.com,email,9,{huge}\n2,2025-01-02,b@x.com,web,4,ok\n"
    )
    record, rejections = run_import(session, workspace_id, path)
    assert (record.rows_created, record.rows_rejected) == (1, 1)
    assert rejections[0].field == "comment (text)"
    assert "10,485,760 characters long; the limit is 50,000" in rejections[0].reason


def test_identical_rows_without_id_or_date_are_kept_apart_and_not_duplicated_on_reimport(
    session: Session, tmp_path: Path
) -> None:
    workspace_id = make_workspace(session)
    content = "channel,nps\nkiosk,10\nkiosk,10\nkiosk,3\n"
    first, _ = run_import(session, workspace_id, write(tmp_path, "a.csv", content))
    again, _ = run_import(session, workspace_id, write(tmp_path, "b.csv", content))
    assert (first.rows_created, again.rows_created, again.rows_updated) == (3, 0, 3)
    assert stored(session, workspace_id) == 3
