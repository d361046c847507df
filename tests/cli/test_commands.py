"""The `voxpop` commands that scripts call, run as real processes against the test database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from voxpop.audit.models import AuditEvent


def voxpop(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "voxpop", *args], capture_output=True, text=True, timeout=120
    )
    assert not check or done.returncode == 0, done.stderr
    return done


def as_json(*args: str) -> dict[str, object]:
    return dict(json.loads(voxpop(*args, "--json").stdout))


def test_an_admin_sets_up_a_workspace_user_and_key_from_the_command_line(session: Session) -> None:
    voxpop("db", "upgrade")
    assert as_json("workspace", "create", "Acme Support")["name"] == "Acme Support"
    user = as_json("user", "create", "lead@acme.example", "--workspace", "Acme Support", "--role", "admin")
    assert user["role"] == "admin" and len(str(user["password"])) >= 10
    key = as_json("apikey", "create", "--workspace", "Acme Support")
    assert str(key["key"]).startswith(str(key["prefix"]))
    listed = as_json("apikey", "list", "--workspace", "Acme Support")
    assert [k["prefix"] for k in listed["keys"]] == [key["prefix"]]  # type: ignore[index]


def test_import_export_and_erase_from_the_command_line(session: Session, tmp_path: Path) -> None:
    as_json("workspace", "create", "cli")
    path = tmp_path / "f.csv"
    path.write_text("id,email,nps,comment\n1,ann@example.com,9,Great\n2,ann@example.com,15,Too high\n")
    report = tmp_path / "report.csv"
    summary = as_json("import", str(path), "--workspace", "cli", "--report", str(report))
    assert (summary["rows_created"], summary["rows_rejected"]) == (1, 1)
    assert "row,field,reason" in report.read_text() and "2,nps," in report.read_text()
    exported = json.loads(voxpop("customer", "export", "ann@example.com", "--workspace", "cli").stdout)
    assert [f["nps"] for f in exported["feedback"]] == [9]
    erased = as_json("customer", "erase", "ann@example.com", "--workspace", "cli")
    assert erased["feedback_deleted"] == 1
    missing = voxpop("customer", "export", "ann@example.com", "--workspace", "cli", check=False)
    assert missing.returncode == 1 and "customer not found" in missing.stderr


def test_errors_are_precise_and_exit_non_zero(session: Session, tmp_path: Path) -> None:
    unknown = voxpop("import", str(tmp_path / "nothing.csv"), "--workspace", "none", check=False)
    assert unknown.returncode == 1 and "no such file" in unknown.stderr
    as_json("workspace", "create", "dup")
    again = voxpop("workspace", "create", "dup", "--json", check=False)
    assert again.returncode == 1
    assert json.loads(again.stdout)["error"]["message"] == "a workspace named 'dup' already exists"
    wrong_role = voxpop(
        "user", "create", "x@example.com", "--workspace", "dup", "--role", "boss", check=False
    )
    assert wrong_role.returncode == 1 and "unknown role 'boss'" in wrong_role.stderr


def test_removing_or_deactivating_a_user_from_the_command_line_ends_their_keys(
    http: httpx.Client, session: Session
) -> None:
    as_json("workspace", "create", "Keys")
    keys = {}
    for email in ("leaving@example.com", "gone@example.com"):
        voxpop("user", "create", email, "--workspace", "Keys", "--role", "agent")
        keys[email] = as_json("apikey", "create", "--workspace", "Keys", "--role", "agent", "--user", email)[
            "key"
        ]
        assert http.get("/api/v1/feedback", headers={"X-API-Key": str(keys[email])}).status_code == 200
    voxpop("user", "remove", "leaving@example.com", "--workspace", "Keys")
    voxpop("user", "deactivate", "gone@example.com")
    for key in keys.values():
        assert http.get("/api/v1/feedback", headers={"X-API-Key": str(key)}).status_code == 401
    session.rollback()
    logged = session.scalars(select(AuditEvent.action).where(AuditEvent.action.startswith("user."))).all()
    assert sorted(logged) == ["user.add", "user.add", "user.deactivate", "user.remove"]


def test_user_create_refuses_a_guessable_password_and_generates_a_strong_one(session: Session) -> None:
    as_json("workspace", "create", "Passwords")
    blank = voxpop(
        "user", "create", "a@example.com", "--workspace", "Passwords", "--password", " " * 10, check=False
    )
    assert blank.returncode == 1 and "password: is too easy to guess" in blank.stderr
    created = as_json("user", "create", "a@example.com", "--workspace", "Passwords")
    assert len(str(created["password"])) >= 16


def test_the_demo_refuses_a_guessable_admin_password(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOXPOP_DEMO_PASSWORD", "password123")
    refused = voxpop("demo", "--no-serve", check=False)
    assert refused.returncode == 1 and "is too easy to guess" in refused.stderr
