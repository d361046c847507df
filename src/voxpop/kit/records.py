"""What feedback and journey events share: how a record without an external id gets a stable one."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from typing import Literal, Protocol

from pydantic import BaseModel

from voxpop.kit.ids import new_id
from voxpop.kit.upsert import Stored

AUTO_ID_PREFIX = "auto:"


def content_key(record: BaseModel, time_field: str) -> str:
    """An id for a record sent without one. With a time, it is a hash of the content, so re-sending the same
    record never duplicates it (two records with the same content, customer and time are one re-sent). Without
    a time, nothing tells a re-send from a second answer with the same words, so each gets a new id: two
    anonymous "10"s from a kiosk are two answers, not one."""
    if getattr(record, time_field) is None:
        return AUTO_ID_PREFIX + new_id().hex
    content = record.model_dump(mode="json", exclude={"external_id"}, exclude_none=True)
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return AUTO_ID_PREFIX + digest[:40]


class UpsertResult(BaseModel):
    id: uuid.UUID
    source: str
    external_id: str
    status: Literal["created", "updated"]

    @classmethod
    def from_stored(cls, stored: Stored) -> UpsertResult:
        status: Literal["created", "updated"] = "created" if stored.created else "updated"
        return cls(id=stored.id, source=stored.source, external_id=stored.external_id, status=status)


class BatchResult(BaseModel):
    created: int
    updated: int
    items: list[UpsertResult]

    @classmethod
    def of(cls, outcomes: list[Stored]) -> BatchResult:
        results = [UpsertResult.from_stored(stored) for stored in outcomes]
        created = sum(r.status == "created" for r in results)
        return cls(created=created, updated=len(results) - created, items=results)


class Keyed(Protocol):
    source: str | None
    external_id: str | None


def duplicate_keys(items: Sequence[Keyed], default_source: str = "api") -> list[tuple[int, int]]:
    """Pairs (first index, repeated index) of items in one request that share source and external id."""
    seen: dict[tuple[str, str], int] = {}
    pairs = []
    for index, item in enumerate(items):
        if item.external_id is None:
            continue
        key = (item.source or default_source, item.external_id)
        if key in seen:
            pairs.append((seen[key], index))
        seen.setdefault(key, index)
    return pairs
