from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class RejectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    row_number: int
    field: str | None
    reason: str


class ImportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    filename: str
    file_format: str
    status: str
    rows_total: int | None
    rows_done: int
    rows_created: int
    rows_updated: int
    rows_rejected: int
    mapping: dict[str, Any]
    warnings: dict[str, Any]
    error: str | None
    created_at: datetime
    finished_at: datetime | None
