"""Background jobs of the initiative domain."""

from __future__ import annotations
