"""Logging helpers for faults that repeat: one line each, not a traceback each."""

from __future__ import annotations


def summary(error: BaseException) -> str:
    """The kind of an error and the first line of its message, e.g. `OperationalError: connection refused`."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
