from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from voxpop.kit import clock
from voxpop.kit.db import Base, IdMixin


class Customer(IdMixin, Base):
    """One person or account, whatever channel they speak on; identities point here."""

    __tablename__ = "customers"

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(16))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)


class CustomerIdentity(IdMixin, Base):
    """A normalised handle on a customer (email, phone, external id, social handle), unique per workspace."""

    __tablename__ = "customer_identities"
    __table_args__ = (UniqueConstraint("workspace_id", "kind", "value"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


ATTRIBUTE_INDEX_MAX = 200
"""Longest key and value (characters) the attribute index holds; a filter on a longer one reads the JSON."""


class CustomerAttributeValue(Base):
    """The customer's attributes as (key, text) rows, derived from `customers.attributes` whenever it is
    written: a dashboard filter on a customer attribute reads the matching customers from this index instead
    of every customer's JSON (docs/benchmarks.md). The text is the attribute as filters compare it (JSON
    true/false as 'true'/'false', numbers as their text); nulls and over-long keys or values are left out."""

    __tablename__ = "customer_attribute_values"
    __table_args__ = (
        Index("ix_customer_attribute_values_lookup", "workspace_id", "key", "value", "customer_id"),
    )

    customer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(ATTRIBUTE_INDEX_MAX), primary_key=True)
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(String(ATTRIBUTE_INDEX_MAX))
