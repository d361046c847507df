"""Refuse bodies over the size limit before reading them into memory (Content-Length or streamed).

Upload routes authenticate the caller before they read a byte, then apply the upload limit to the file
themselves (web/uploads.py): refusing a large declared length here would answer 413 to a caller who is not
even signed in. For them this middleware only counts, as a backstop, with room for the form's fields."""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from voxpop.web.uploads import FIELDS_ALLOWANCE
from voxpop.web.uploads import too_large_message as too_large_upload

UPLOAD_PATHS = ("/api/v1/imports", "/imports")


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = scope["path"].rstrip("/") in UPLOAD_PATHS
        limit = self.max_upload_bytes + FIELDS_ALLOWANCE if upload else self.max_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if not upload and declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send, limit)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                detail = too_large_upload(self.max_upload_bytes) if upload else too_large_message(limit)
                raise HTTPException(413, detail=detail)
            return message

        await self.app(scope, counting_receive, send)


def too_large_message(limit: int) -> str:
    return f"the request body is larger than the limit of {limit:,} bytes; send fewer records per request or import a file"


async def _refuse(send: Send, limit: int) -> None:
    body: dict[str, Any] = {"error": {"code": "too_large", "message": too_large_message(limit)}}
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
