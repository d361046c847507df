"""Settings come from VOXPOP_* variables, then voxpop.toml, then defaults; unsafe ones are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from voxpop.kit.settings import Settings


def test_environment_variables_win_over_the_toml_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "voxpop.toml"
    config.write_text('min_n = 50\nmax_batch_items = 200\ndatabase_url = "sqlite:////tmp/from-toml.db"\n')
    monkeypatch.setenv("VOXPOP_CONFIG_FILE", str(config))
    monkeypatch.setenv("VOXPOP_MIN_N", "40")
    monkeypatch.delenv("VOXPOP_DATABASE_URL", raising=False)
    settings = Settings()
    assert (settings.min_n, settings.max_batch_items) == (40, 200)
    assert settings.resolved_database_url == "sqlite:////tmp/from-toml.db"


def test_the_default_database_is_a_sqlite_file_in_the_data_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOXPOP_DATABASE_URL", raising=False)
    monkeypatch.setenv("VOXPOP_DATA_DIR", "/srv/voxpop")
    assert Settings().resolved_database_url == "sqlite:////srv/voxpop/voxpop.db"


def test_no_secret_key_is_known_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOXPOP_SECRET_KEY", raising=False)
    assert Settings().secret_key is None


def test_a_short_secret_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOXPOP_SECRET_KEY", "too-short")
    with pytest.raises(ValidationError, match="at least 32 random characters"):
        Settings()


def test_production_needs_secure_cookies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOXPOP_ENV", "production")
    with pytest.raises(ValidationError, match="VOXPOP_COOKIE_SECURE must be true"):
        Settings()
    monkeypatch.setenv("VOXPOP_COOKIE_SECURE", "true")
    assert Settings().cookie_secure


def test_out_of_range_settings_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOXPOP_MIN_N", "0")
    with pytest.raises(ValidationError, match="min_n"):
        Settings()
