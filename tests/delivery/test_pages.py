"""The admin pages of webhooks: endpoints, dead letters, and each endpoint's delivery log with every attempt."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.delivery.factories import Clock, http_receiver, run_jobs, settings
from tests.factories import make_tenant, make_user, post, sign_in, writing
from voxpop.delivery import service

pytestmark = pytest.mark.usefixtures("background_jobs_paused")


def test_an_admin_reads_each_attempt_of_a_delivery_on_the_endpoint_page(
    session: Session, server_url: str
) -> None:
    clock = Clock()
    tenant = make_tenant(session)
    with httpx.Client(base_url=server_url) as api, http_receiver(500) as receiver:
        endpoint = post(api, tenant, "/api/v1/webhooks", {"url": receiver.url, "description": "CRM"}).json()
        with writing(session) as writer:
            [delivery_id] = service.queue_webhook(writer, tenant.workspace_id, "case.opened", {"case": 1})
        with settings(delivery_retry_base_seconds=1):
            run_jobs()
            clock.advance(1)
            run_jobs()
    with httpx.Client(base_url=server_url) as browser:
        sign_in(browser, make_user(session, tenant.workspace_id, "admin"))
        listing = browser.get("/webhooks")
        assert listing.status_code == 200 and f'href="/webhooks/{endpoint["id"]}"' in listing.text
        page = browser.get(f"/webhooks/{endpoint['id']}")
    assert page.status_code == 200 and receiver.url in page.text
    rows = page.text.count(f'data-delivery="{delivery_id}"')
    assert rows == 2 and 'data-status="sent"' in page.text
    assert "500 HTTP 500" in page.text and ">200<" in page.text


@pytest.mark.parametrize("path", ["/webhooks", "/audit"])
def test_the_admin_pages_refuse_other_roles(session: Session, server_url: str, path: str) -> None:
    tenant = make_tenant(session)
    with httpx.Client(base_url=server_url) as browser:
        sign_in(browser, make_user(session, tenant.workspace_id, "analyst"))
        reply = browser.get(path)
    assert reply.status_code == 403 and "only admins may open this page" in reply.text.lower()


def test_an_endpoint_of_another_workspace_is_not_found(session: Session, server_url: str) -> None:
    mine, theirs = make_tenant(session), make_tenant(session)
    with httpx.Client(base_url=server_url) as browser:
        endpoint = post(browser, theirs, "/api/v1/webhooks", {"url": "https://example.com/h"}).json()
        sign_in(browser, make_user(session, mine.workspace_id, "admin"))
        assert browser.get(f"/webhooks/{endpoint['id']}").status_code == 404
