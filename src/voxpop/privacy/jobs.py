"""Data-subject requests: background jobs."""

from __future__ import annotations

from typing import Any

from voxpop.kit.db import checkpoint_erased
from voxpop.kit.jobs import JobContext

WIPE_ERASED = "privacy.wipe_erased"


class LogStillHeld(RuntimeError):
    """A reader kept SQLite's write-ahead log from being emptied; the job is tried again later."""


def wipe_erased(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Queued by every erasure: empties SQLite's write-ahead log, which still holds the erased rows' earlier
    versions (retried with backoff while a long reader holds the log)."""
    if not checkpoint_erased():
        raise LogStillHeld("a reader holds the write-ahead log; trying again later")
