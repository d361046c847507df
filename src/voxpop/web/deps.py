"""Request-scoped dependencies shared by every router: the database session and the caller."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from voxpop.auth import service as auth_service
from voxpop.auth.roles import Permission, allows
from voxpop.auth.service import Principal
from voxpop.kit.db import new_session
from voxpop.kit.errors import Forbidden, Unauthorized

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    session = new_session(write=request.method not in SAFE_METHODS)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


bearer_scheme = HTTPBearer(
    auto_error=False, description="An API key (`voxpop apikey create`) as bearer token"
)
header_scheme = APIKeyHeader(name="X-API-Key", auto_error=False, description="The same API key, as a header")


def api_principal(
    request: Request,
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    header: Annotated[str | None, Depends(header_scheme)],
) -> Principal:
    secret = bearer.credentials if bearer else header
    if not secret:
        raise Unauthorized("send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'")
    principal = auth_service.principal_for_key(session, secret)
    if auth_service.key_use_is_stale(session, principal):
        if request.method in SAFE_METHODS:
            with new_session(write=True) as writer:
                auth_service.record_key_use(writer, principal)
                writer.commit()
        else:
            auth_service.record_key_use(session, principal)
            session.commit()
    return principal


def api_permission(permission: Permission) -> Callable[[Principal], Principal]:
    def check(principal: Annotated[Principal, Depends(api_principal)]) -> Principal:
        if not allows(principal.role, permission):
            raise Forbidden(f"the role {principal.role!r} may not {permission.value.replace('_', ' ')}")
        return principal

    return check


Reader = Annotated[Principal, Depends(api_permission(Permission.READ))]
Writer = Annotated[Principal, Depends(api_permission(Permission.WRITE_DATA))]
PersonalDataReader = Annotated[Principal, Depends(api_permission(Permission.SEE_PERSONAL_DATA))]
PersonalDataExporter = Annotated[Principal, Depends(api_permission(Permission.EXPORT_PERSONAL_DATA))]
PersonalDataEraser = Annotated[Principal, Depends(api_permission(Permission.ERASE_PERSONAL_DATA))]
Admin = Annotated[Principal, Depends(api_permission(Permission.MANAGE_WORKSPACE))]
CaseWorker = Annotated[Principal, Depends(api_permission(Permission.WORK_CASES))]
RuleManager = Annotated[Principal, Depends(api_permission(Permission.MANAGE_RULES))]
