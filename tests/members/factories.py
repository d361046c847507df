"""Workspace administration test data: a workspace with an admin who can sign in, members of each role with
API keys acting for them, and the invitation link read from a real email."""

from __future__ import annotations

import re
from email.message import Message

import httpx

from tests.factories import csrf_token_in

LINK = re.compile(r"(http://\S+/invitations/\S+)")


def form(client: httpx.Client, page: str, action: str, **fields: str) -> httpx.Response:
    """Post a form of `page` with its CSRF token, as a browser would."""
    token = csrf_token_in(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **fields})


def invitation_link(message: Message) -> str:
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    found = LINK.search(body.decode())
    assert found is not None, "the email carries no invitation link"
    return found.group(1)
