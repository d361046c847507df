"""Background jobs of the rule domain."""

from __future__ import annotations
