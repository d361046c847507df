"""What pages share about customers: how a list names each record's customer (`names_for`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.orm import Session

from voxpop.auth.roles import Permission
from voxpop.customer import service
from voxpop.web.pages import PageContext


def names_for(
    session: Session, page: PageContext, customer_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, str]:
    """How the page names these customers (templates' `customer_link`): names for roles that see personal
    data, pseudonyms for the others; one read for the whole list."""
    personal = page.can(Permission.SEE_PERSONAL_DATA)
    ids = [i for i in customer_ids if i is not None]
    return service.display_names(session, page.principal.workspace_id, ids, personal)
