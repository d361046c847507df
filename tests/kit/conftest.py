"""Fixtures of the job tests that run real worker processes."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from voxpop import migrations
from voxpop.kit.db import engine_for


@pytest.fixture
def worker_database(fresh_database_url: str) -> Engine:
    """A database of its own, so the test server's in-process runner cannot take the worker's jobs."""
    migrations.upgrade(fresh_database_url)
    return engine_for(fresh_database_url)
