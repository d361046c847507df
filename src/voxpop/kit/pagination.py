"""Paging parameters shared by every list: bounded, so a huge `offset` or `page` is a precise 422 rather than
an integer the database cannot take."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

MAX_OFFSET = 10_000_000
MAX_PAGE = 100_000

Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description=f"How many items to skip (at most {MAX_OFFSET:,})")
]
Limit = Annotated[int, Query(ge=1, le=500, description="How many items at most (1–500)")]
PageNumber = Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE, description=f"The page (1–{MAX_PAGE:,})")]
