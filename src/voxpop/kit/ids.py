"""Identifiers: time-ordered UUIDs (v7), so new rows land at the end of indexes and ids reveal no counts."""

from __future__ import annotations

import uuid

from uuid_utils import compat


def new_id() -> uuid.UUID:
    return compat.uuid7()
