"""Logging helpers for faults that repeat: one line each, not a traceback each."""

from __future__ import annotations

import errno


def summary(error: BaseException) -> str:
    """The kind of an error and the first line of its message, e.g. `OperationalError: connection refused`."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def fault(error: BaseException) -> str:
    """What went wrong below the domain (the database, the disk), told without the data it was handling: a
    database error's own message, never the statement or its parameters (they hold customers' rows), with
    emails, phone numbers and the like masked in what is left."""
    from sqlalchemy.exc import StatementError

    from voxpop.kit.capped import without_personal_data

    cause = error.orig if isinstance(error, StatementError) and error.orig is not None else error
    return without_personal_data(summary(cause), 300)


DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})
DISK_FULL_TEXTS = ("disk is full", "no space left on device", "file too large", "disk quota exceeded")


def is_disk_full(error: BaseException) -> bool:
    """The disk (or the database's disk) has no room: an OS error or a database's report of one."""
    from sqlalchemy.exc import StatementError

    cause = error.orig if isinstance(error, StatementError) and error.orig is not None else error
    if isinstance(cause, OSError) and cause.errno in DISK_FULL_ERRNOS:
        return True
    return any(text in str(cause).lower() for text in DISK_FULL_TEXTS)
