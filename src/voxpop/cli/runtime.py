"""Long-running commands: the web server, the background worker, and the demo."""

from __future__ import annotations

import os
import secrets
from typing import Annotated

import typer

from voxpop import migrations
from voxpop.auth import service as auth_service
from voxpop.cli.output import console, progress_bar, reports_errors
from voxpop.demo import generator
from voxpop.demo import service as demo_service
from voxpop.kit.db import session_scope
from voxpop.kit.errors import NotFound
from voxpop.kit.jobs.loops import retry_until_done
from voxpop.kit.secret import SecretKeyError, secret_key
from voxpop.kit.settings import Settings, get_settings
from voxpop.workspace import service as workspace_service

HostOpt = Annotated[str | None, typer.Option(help="Address to listen on (default: setting VOXPOP_HOST).")]
PortOpt = Annotated[int | None, typer.Option(help="Port (default: setting VOXPOP_PORT).")]


def serve(host: HostOpt = None, port: PortOpt = None, workers: int = 1) -> None:
    """Serve the web app and the API. In embedded mode, background jobs run inside this process."""
    import uvicorn  # loaded only by the command that serves

    settings = get_settings()
    _check_secret_key(settings)
    retry_until_done("checking the database schema", migrations.ensure_schema)
    uvicorn.run(
        "voxpop.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        proxy_headers=True,
    )


def _check_secret_key(settings: Settings) -> None:
    """Read (or generate) the secret key before starting, so a bad key file is one clear line, not a traceback."""
    try:
        secret_key(settings)
    except (SecretKeyError, OSError) as error:
        console.print(f"[red]{error}[/]")
        raise typer.Exit(2) from None


def worker(
    concurrency: Annotated[int, typer.Option(min=1)] = 2,
    health_port: Annotated[
        int | None, typer.Option(help="Serve GET /health (the sweep's state, JSON) on this port.")
    ] = None,
    health_host: Annotated[str, typer.Option(help="Address of the health endpoint.")] = "127.0.0.1",
) -> None:
    """Run background jobs from the broker (VOXPOP_BROKER_URL), for the distributed mode."""
    settings = get_settings()
    if not settings.broker_url:
        console.print("[red]Set VOXPOP_BROKER_URL (e.g. redis://127.0.0.1:6379/0) to run workers.[/]")
        raise typer.Exit(2)
    from voxpop.kit.jobs.celery_app import run_worker  # Celery is loaded only by the command that uses it

    _check_secret_key(settings)
    retry_until_done("checking the database schema", migrations.ensure_schema)
    run_worker(settings.broker_url, concurrency, health_port, health_host)


@reports_errors
def demo(
    seed: Annotated[int, typer.Option(help="Seed of the generated company.")] = 7,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the app when loaded.")
    ] = True,
    host: HostOpt = None,
    port: PortOpt = None,
) -> None:
    """Create the demo workspace with a generated company (5,000 customers, 30,000 records), then serve it."""
    migrations.ensure_schema()
    email, password = (
        "admin@demo.voxpop.local",
        os.environ.get("VOXPOP_DEMO_PASSWORD") or secrets.token_urlsafe(9),
    )
    with session_scope() as session:
        try:
            workspace = workspace_service.get_by_name(session, "demo")
        except NotFound:
            workspace = workspace_service.create(session, "demo")
        try:
            user = auth_service.user_by_email(session, email)
            auth_service.set_password(session, user, password)
        except NotFound:
            user = auth_service.create_user(session, email, password, name="Demo admin")
        auth_service.add_member(session, user, workspace.id, "admin")
        session.commit()
        console.print("Generating the demo company…")
        data = generator.generate(seed=seed)
        with progress_bar("Loading demo data") as update:
            counts = demo_service.load(session, workspace.id, data, progress=update)
    console.print(f"[green]Demo loaded:[/] {counts}")
    settings = get_settings()
    url = f"http://{host or settings.host}:{port or settings.port}/"
    console.print(f"Sign in at [bold]{url}[/] as [bold]{email}[/] with password [bold]{password}[/]")
    if serve_after:
        serve(host=host, port=port)
