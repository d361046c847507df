"""The secret key: never a constant; generated on first start into the data directory, owner-readable only,
the same for every process that shares the directory."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from voxpop.kit.secret import SecretKeyError, forget_stored_secrets, secret_file, secret_key
from voxpop.kit.settings import Settings

PROCESSES = 6


@pytest.fixture
def unset_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.delenv("VOXPOP_SECRET_KEY", raising=False)
    monkeypatch.setenv("VOXPOP_DATA_DIR", str(tmp_path / "data"))
    forget_stored_secrets()
    return Settings()


def test_without_a_set_secret_one_is_generated_into_the_data_directory_with_mode_0600(
    unset_secret: Settings,
) -> None:
    key = secret_key(unset_secret)
    path = secret_file(unset_secret)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == key
    assert len(key) >= 32


def test_a_restart_reuses_the_generated_secret(unset_secret: Settings) -> None:
    first = secret_key(unset_secret)
    forget_stored_secrets()
    assert secret_key(Settings()) == first


def test_processes_starting_together_agree_on_one_generated_secret(unset_secret: Settings) -> None:
    env = {k: v for k, v in os.environ.items() if k != "VOXPOP_SECRET_KEY"}
    code = "from voxpop.kit.secret import secret_key; print(secret_key())"
    started = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(PROCESSES)
    ]
    keys = {process.communicate(timeout=60)[0].strip() for process in started}
    assert keys == {secret_key(unset_secret)}
    assert [p.name for p in secret_file(unset_secret).parent.iterdir()] == ["secret_key"]


def test_a_secret_file_others_can_read_is_refused_with_the_fix(unset_secret: Settings) -> None:
    secret_key(unset_secret)
    path = secret_file(unset_secret)
    path.chmod(0o644)
    forget_stored_secrets()
    with pytest.raises(SecretKeyError, match=f"chmod 600 {path}"):
        secret_key(unset_secret)


def test_a_set_secret_key_is_used_and_nothing_is_written(
    unset_secret: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOXPOP_SECRET_KEY", "x" * 40)
    assert secret_key(Settings()) == "x" * 40
    assert not secret_file(unset_secret).exists()


def test_keys_derived_from_a_generated_secret_survive_a_restart(
    unset_secret: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voxpop.kit.settings import get_settings
    from voxpop.survey.contact import address_hash

    workspace_id = uuid.uuid4()
    get_settings.cache_clear()
    try:
        kept = address_hash(workspace_id, "Ann@Example.com")
        forget_stored_secrets()
        assert address_hash(workspace_id, "ann@example.com ") == kept
        monkeypatch.setenv("VOXPOP_SECRET_KEY", "y" * 40)
        get_settings.cache_clear()
        assert address_hash(workspace_id, "ann@example.com") != kept
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        forget_stored_secrets()
