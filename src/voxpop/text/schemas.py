"""What crosses the API for text analytics."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field


class ThemeIn(BaseModel):
    """A theme described by a person: a name and a few example phrases."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    examples: list[str] = Field(min_length=1, max_length=50)
    parent_id: uuid.UUID | None = None


class ThemeChange(BaseModel):
    """Rename, move (parent_id; null makes it top-level) or accept a proposed theme (status "active")."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=200)
    parent_id: uuid.UUID | None = None
    move: bool = False
    status: str | None = Field(None, pattern="^active$")


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target_id: uuid.UUID


class ThemeOut(BaseModel):
    id: uuid.UUID
    name: str
    status: str
    origin: str
    edited: bool
    phrases: list[str]
    records: int
    sentences: int
    sentiment: float | None
    negative_share: float | None
    children: list[ThemeOut] = []


class SearchHit(BaseModel):
    feedback_id: uuid.UUID
    score: float | None
    text: str
    received_at: str
    channel: str


class AnalysisProgressOut(BaseModel):
    """How far the analysis of a workspace's texts has got."""

    analysed: int = Field(description="records with text analysed by the current pipeline")
    total: int = Field(description="records with text")
    in_progress: bool
    records_per_minute: float | None = Field(description="over the last ten minutes; null when idle")
    minutes_left: float | None = Field(description="at that rate; null when idle")
    themes_from_records: int | None = Field(description="records analysed when the themes were discovered")
