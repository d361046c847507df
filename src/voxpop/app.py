"""The composition root: builds the FastAPI app from every domain's API routers and pages, with static files,
middleware and the job runner's lifetime."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import swagger_ui
from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from voxpop import registry
from voxpop.audit import pages as audit_pages
from voxpop.audit import routes as audit_routes
from voxpop.auth import pages as auth_pages
from voxpop.case import open_pages as case_open_pages
from voxpop.case import pages as case_pages
from voxpop.case import routes as case_routes
from voxpop.case import setup_pages as case_setup_pages
from voxpop.customer import routes as customer_routes
from voxpop.delivery import pages as delivery_pages
from voxpop.delivery import routes as delivery_routes
from voxpop.feedback import routes as feedback_routes
from voxpop.home import pages as home_pages
from voxpop.ingest import pages as ingest_pages
from voxpop.ingest import routes as ingest_routes
from voxpop.initiative import pages as initiative_pages
from voxpop.initiative import routes as initiative_routes
from voxpop.insight import pages as insight_pages
from voxpop.insight import routes as insight_routes
from voxpop.insight import text_pages as insight_text_pages
from voxpop.insight import text_routes as insight_text_routes
from voxpop.journey import routes as journey_routes
from voxpop.kit.jobs import queue
from voxpop.kit.jobs.loops import EmbeddedRunner
from voxpop.kit.secret import secret_key
from voxpop.kit.settings import Settings, get_settings
from voxpop.members import pages as members_pages
from voxpop.privacy import routes as privacy_routes
from voxpop.profile import pages as profile_pages
from voxpop.report import pages as report_pages
from voxpop.rule import pages as rule_pages
from voxpop.rule import routes as rule_routes
from voxpop.survey import builder_pages as survey_builder_pages
from voxpop.survey import pages as survey_pages
from voxpop.survey import public as survey_public
from voxpop.survey import routes as survey_routes
from voxpop.text import pages as text_pages
from voxpop.text import routes as text_routes
from voxpop.web import characters, errors, health, security
from voxpop.web.limits import BodySizeLimit

API_ROUTERS = (
    survey_public.router,  # first: respondents' pages are the busiest, and routes are matched in order
    feedback_routes.router,
    journey_routes.router,
    customer_routes.router,
    privacy_routes.router,
    ingest_routes.router,
    insight_routes.router,
    insight_text_routes.router,  # before text_routes, whose /themes/{theme_id} would take /themes/impact
    text_routes.router,
    survey_routes.router,
    delivery_routes.router,
    audit_routes.router,
    rule_routes.router,
    case_routes.router,
    initiative_routes.router,
)
PAGE_ROUTERS = (
    auth_pages.router,
    home_pages.router,
    insight_pages.router,
    ingest_pages.router,
    insight_text_pages.router,  # before text_pages, whose /themes/{theme_id} would take /themes/impact
    text_pages.router,
    survey_pages.router,
    survey_builder_pages.router,
    audit_pages.router,
    report_pages.router,
    delivery_pages.router,
    rule_pages.router,
    case_setup_pages.router,  # before case_pages, whose /cases/{case_id} would take /cases/setup
    case_open_pages.router,  # before case_pages, whose /cases/{case_id} would take /cases/new
    case_pages.router,
    initiative_pages.router,
    profile_pages.router,
    members_pages.router,
)
"""The API's and the pages' routers, mounted in this order (routes are matched in order)."""


def start_job_runner(settings: Settings) -> EmbeddedRunner | None:
    """Distributed mode wakes Celery workers; embedded mode runs jobs on a thread of this process."""
    if settings.broker_url:
        from voxpop.kit.jobs.celery_app import (  # Celery is loaded only when it is used
            CeleryWaker,
            make_celery,
        )

        queue.set_waker(CeleryWaker(make_celery(settings.broker_url)))
        return None
    if not settings.embedded_jobs:
        return None
    runner = EmbeddedRunner()
    queue.set_waker(runner)
    runner.start()
    return runner


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    runner = start_job_runner(get_settings())
    app.state.job_runner = runner
    _freeze_startup_objects()
    try:
        yield
    finally:
        if runner is not None:
            runner.stop()
        queue.set_waker(None)


def _freeze_startup_objects() -> None:
    """Move everything alive after start-up (modules, routes, templates: about 340,000 objects) out of the
    garbage collector's sight: they live as long as the process, and a full collection scanning them paused every
    request in flight for 120-150 ms about every 1.5 s under load (a survey page's p99 latency)."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    registry.register()
    app = FastAPI(
        title="voxpop",
        version="0.1.0",
        description="Voice of the customer: every channel, one store. Authenticate with an API key.",
        lifespan=lifespan,
        dependencies=[Depends(characters.refuse_nul_characters)],
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(settings),
        session_cookie="voxpop_session",
        max_age=round(settings.session_idle_hours * 3600),
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.max_request_bytes, max_upload_bytes=settings.max_upload_bytes
    )
    errors.install(app)
    security.install(app, settings)
    for router in (*API_ROUTERS, *PAGE_ROUTERS):
        app.include_router(router)
    app.mount(
        "/static/swagger", StaticFiles(directory=Path(swagger_ui.__file__).parent / "static"), name="swagger"
    )
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "web" / "static"), name="static")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="voxpop API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon-32x32.png",
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        """Browsers ask for /favicon.ico whatever the page links to; answer with the app's icon, not a 404."""
        return RedirectResponse("/static/favicon.svg", status_code=301)

    app.include_router(health.router)
    return app
