"""Page tests of cases sign several people in at once: `browser_for(email)` gives each a client of their own."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.case.factories import SignIn
from tests.factories import sign_in


@pytest.fixture
def browser_for(server_url: str) -> Iterator[SignIn]:
    clients: list[httpx.Client] = []

    def signed_in(email: str) -> httpx.Client:
        client = httpx.Client(base_url=server_url, timeout=30)
        clients.append(client)
        sign_in(client, email)
        return client

    yield signed_in
    for client in clients:
        client.close()
