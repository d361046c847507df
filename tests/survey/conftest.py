from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """Every test starts with empty rate-limit counters (all tests answer from 127.0.0.1)."""
    from voxpop.survey import protection

    protection.limiter.reset()
    yield
    protection.limiter.reset()
