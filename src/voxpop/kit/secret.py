"""The installation's secret key: `VOXPOP_SECRET_KEY` when set, else one generated on first start and kept in
the data directory (`<DATA_DIR>/secret_key`, mode 0600), so the web app, the CLI and Celery workers sharing the
data directory all use the same one. There is no known default: a key in the source would let anyone sign a
session cookie for any user.

The file is written whole under a temporary name and then hard-linked into place, which fails if the file
already exists: two processes starting at once both end up reading the one that was linked first.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import tempfile
from functools import lru_cache
from pathlib import Path

from voxpop.kit.settings import MIN_SECRET_CHARS, Settings, get_settings

SECRET_FILE = "secret_key"


class SecretKeyError(RuntimeError):
    """The stored secret key cannot be used; the message says which file and why."""


def secret_key(settings: Settings | None = None) -> str:
    """The secret that signs session cookies and keys every HMAC the app derives (never a constant)."""
    settings = settings or get_settings()
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    return _stored_secret(settings.data_dir.resolve())


def secret_file(settings: Settings) -> Path:
    return settings.data_dir.resolve() / SECRET_FILE


@lru_cache(maxsize=8)
def _stored_secret(data_dir: Path) -> str:
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        _create(path)
    return _read(path)


def forget_stored_secrets() -> None:
    """Read the stored secret again on next use (as a restarted process would)."""
    _stored_secret.cache_clear()


def _create(path: Path) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(48) + "\n")
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):  # another process started at the same moment: its key wins
            os.link(temporary, path)
    finally:
        Path(temporary).unlink()


def _read(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise SecretKeyError(
            f"the secret key file {path} can be read by other users (mode {mode:04o}); run: chmod 600 {path}"
        )
    key = path.read_text("ascii").strip()
    if len(key) < MIN_SECRET_CHARS:
        raise SecretKeyError(
            f"the secret key file {path} holds {len(key)} characters, fewer than {MIN_SECRET_CHARS}; "
            "delete it to have a new one generated (this signs everyone out) or write a longer random value"
        )
    return key
