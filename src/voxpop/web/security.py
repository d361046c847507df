"""Response headers that keep browsers safe, and access logs without secrets.

- Every reply: `X-Content-Type-Options: nosniff` and a referrer policy.
- App pages: a Content-Security-Policy that allows scripts, styles and images from this site only (style
  attributes excepted: bar widths are inline), no plugins, no `<base>`, forms posting here only, and no framing
  (`frame-ancestors 'none'` plus `X-Frame-Options: DENY` for older browsers).
- The API: `default-src 'none'` (a JSON or SVG reply never runs anything) and no framing.
- Respondents' survey pages (`/s/…`): the same policy as app pages (but their own inline `<style>`, for a fast
  first paint), framable by the sites in `EMBED_ALLOWED_ORIGINS` (any site by default), since the website
  widget shows them in an iframe. The builder's preview of a survey (`/surveys/<id>/preview/page`) is a
  respondent's page too, framable by this site only.
- `/docs` (Swagger UI) has one inline script: its SHA-256 is allowed, nothing else inline.
- With `COOKIE_SECURE` (the app is served over HTTPS), `Strict-Transport-Security` for a year.

Access logs: uvicorn logs each request's path and query string. Query values (`?identity=<email>`,
`?t=<invitation token>`, search text) and the capability parts of respondents' paths (unsubscribe tokens,
resume keys) are replaced by `***` before any handler sees the line.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from urllib.parse import parse_qsl

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from voxpop.kit.settings import Settings

MASK = "***"
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'"
)
SURVEY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'"
)
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
INLINE_SCRIPT_PAGES = frozenset({"/docs"})
INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
SECRET_PATH_PARTS = (re.compile(r"^(/s/unsubscribe/)[^/?]+"), re.compile(r"^(/s/[^/]+/r/)[^/?]+"))
PREVIEW_PAGE = re.compile(r"^/surveys/[0-9a-f-]+/preview/page$")  # a respondent's page, framed by the builder
HSTS = "max-age=31536000"
PLAIN_NAME = re.compile(r"^[A-Za-z0-9_.\-\[\]]{1,40}$")  # a parameter name worth keeping in the log


def install(app: FastAPI, settings: Settings) -> None:
    """Add the headers to every reply and mask the access log of this process."""
    app.add_middleware(
        SecurityHeaders, embed_origins=settings.embed_allowed_origins, hsts=settings.cookie_secure
    )
    logging.getLogger("uvicorn.access").addFilter(ACCESS_LOG_MASK)


def headers_for(path: str, embed_origins: list[str], hsts: bool) -> dict[str, str]:
    headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
    if hsts:
        headers["Strict-Transport-Security"] = HSTS
    if path.startswith(("/api/", "/openapi.json")):
        headers["Content-Security-Policy"] = API_POLICY
        headers["X-Frame-Options"] = "DENY"
    elif path.startswith("/s/"):
        headers["Content-Security-Policy"] = SURVEY_POLICY + _frame_ancestors(embed_origins)
    elif PREVIEW_PAGE.match(path):
        headers["Content-Security-Policy"] = f"{SURVEY_POLICY}; frame-ancestors 'self'"
        headers["X-Frame-Options"] = "SAMEORIGIN"
    else:
        headers["Content-Security-Policy"] = f"{PAGE_POLICY}; frame-ancestors 'none'"
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
    return headers


def _frame_ancestors(origins: list[str]) -> str:
    """Any site (`*`, the default) sets no frame-ancestors at all: CSP's `*` would still refuse pages without a
    web origin (a saved HTML file, some mail clients' views)."""
    if "*" in origins:
        return ""
    return "; frame-ancestors " + (" ".join(origins) or "'none'")


class SecurityHeaders:
    """Sets the headers above on every HTTP reply (a header a route set itself is kept)."""

    def __init__(self, app: ASGIApp, embed_origins: list[str], hsts: bool) -> None:
        self.app = app
        self.embed_origins = embed_origins
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = headers_for(scope["path"], self.embed_origins, self.hsts)
        if scope["path"] in INLINE_SCRIPT_PAGES:
            await self.app(scope, receive, _with_script_hashes(send, extra))
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                _add(message, extra)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _add(message: Message, extra: dict[str, str]) -> None:
    headers = MutableHeaders(scope=message)
    for name, value in extra.items():
        headers.setdefault(name, value)


def _with_script_hashes(send: Send, extra: dict[str, str]) -> Send:
    """Holds a small page's reply until its body is complete, then allows its inline scripts by hash."""
    start: Message = {}
    body = bytearray()

    async def send_hashed(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body":
            await send(message)
            return
        body.extend(message.get("body", b""))
        if message.get("more_body", False):
            return
        hashes = " ".join(f"'sha256-{_digest(script)}'" for script in INLINE_SCRIPT.findall(bytes(body)))
        policy = extra["Content-Security-Policy"].replace("script-src 'self'", f"script-src 'self' {hashes}")
        _add(start, {**extra, "Content-Security-Policy": policy})
        await send(start)
        await send({"type": "http.response.body", "body": bytes(body)})

    return send_hashed


def _digest(script: bytes) -> str:
    return base64.b64encode(hashlib.sha256(script).digest()).decode()


def mask_target(target: str) -> str:
    """`/api/v1/customers/lookup?identity=ann%40example.com` → `/api/v1/customers/lookup?identity=***`."""
    path, question, query = target.partition("?")
    for part in SECRET_PATH_PARTS:
        path = part.sub(rf"\g<1>{MASK}", path)
    if not question:
        return path
    names = [name for name, _ in parse_qsl(query, keep_blank_values=True)]
    return path + "?" + "&".join(f"{name if PLAIN_NAME.match(name) else MASK}={MASK}" for name in names)


class AccessLogMask(logging.Filter):
    """Rewrites uvicorn's access log record (client, method, target, HTTP version, status) in place."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], mask_target(args[2]), *args[3:])
        return True


ACCESS_LOG_MASK = AccessLogMask()
