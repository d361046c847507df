"""The `voxpop` command. Commands are thin: parse, call a service, commit, print."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Annotated

import typer

from voxpop import migrations, registry
from voxpop.audit import service as audit
from voxpop.auth import service as auth_service
from voxpop.cli import analyze, imports, metrics, runtime
from voxpop.cli.output import console, emit_json, reports_errors
from voxpop.customer import service as customer_service
from voxpop.kit.db import checkpoint_erased, session_scope
from voxpop.kit.errors import NotFound
from voxpop.privacy import service as privacy_service
from voxpop.workspace import service as workspace_service

app = typer.Typer(
    help="voxpop: hear every customer, on every channel.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # a traceback's local variables would print customers' data
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
workspace_app = typer.Typer(help="Workspaces (tenants).", no_args_is_help=True)
user_app = typer.Typer(help="Users of the web app.", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys.", no_args_is_help=True)
customer_app = typer.Typer(help="One customer's data: export or erase it.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(workspace_app, name="workspace")
app.add_typer(user_app, name="user")
app.add_typer(apikey_app, name="apikey")
app.add_typer(customer_app, name="customer")


@app.callback()
def start() -> None:
    """voxpop: hear every customer, on every channel."""
    registry.register()  # every command can queue every job, and records it stores get their follow-up work


app.command(name="import")(imports.import_file)
app.command()(metrics.metrics)
app.command()(analyze.analyze)
app.command()(runtime.serve)
app.command()(runtime.worker)
app.command()(runtime.demo)

WorkspaceOpt = Annotated[str, typer.Option("--workspace", "-w", help="Workspace name.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object to stdout.")]


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Create or update the schema (SQLite by default; VOXPOP_DATABASE_URL for PostgreSQL)."""
    migrations.upgrade(revision=revision)
    console.print(f"[green]Database at {revision}.[/]")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision, or 'base'.")]) -> None:
    migrations.downgrade(revision=revision)
    console.print(f"[yellow]Database at {revision}.[/]")


@workspace_app.command("create")
@reports_errors
def workspace_create(name: str, as_json: JsonOpt = False) -> None:
    migrations.ensure_schema()
    with session_scope() as session:
        workspace = workspace_service.create(session, name)
        audit.record(
            session, workspace.id, audit.command_line(), "workspace.create", "workspace", workspace.id
        )
        session.commit()
    if as_json:
        emit_json({"id": str(workspace.id), "name": workspace.name})
    else:
        console.print(f"Workspace [bold]{workspace.name}[/] created ({workspace.id}).")


@user_app.command("create")
@reports_errors
def user_create(
    email: str,
    workspace: WorkspaceOpt,
    role: Annotated[str, typer.Option(help="admin, analyst, agent or viewer")] = "analyst",
    password: Annotated[
        str | None, typer.Option(help="At least 10 characters, not easy to guess; generated if left out.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a user (or add an existing one) with a role in a workspace."""
    migrations.ensure_schema()
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    with session_scope() as session:
        ws = workspace_service.get_by_name(session, workspace)
        try:
            user = auth_service.user_by_email(session, email)
            generated = False
        except NotFound:
            user = auth_service.create_user(session, email, password)
        auth_service.add_member(session, user, ws.id, role)
        details = {"email": user.email, "role": role, "new_user": generated}
        audit.record(session, ws.id, audit.command_line(), "user.add", "user", user.id, details)
        session.commit()
    result = {"email": user.email, "workspace": ws.name, "role": role}
    if generated:
        result["password"] = password
    if as_json:
        emit_json(result)
        return
    console.print(f"User [bold]{user.email}[/] is {role} in {ws.name}.")
    if generated:
        console.print(f"Password (shown once): [bold]{password}[/]")


@user_app.command("remove")
@reports_errors
def user_remove(email: str, workspace: WorkspaceOpt) -> None:
    """Take a user out of a workspace; the API keys acting for them stop working there."""
    with session_scope() as session:
        ws = workspace_service.get_by_name(session, workspace)
        user = auth_service.user_by_email(session, email)
        auth_service.remove_member(session, user, ws.id)
        audit.record(
            session, ws.id, audit.command_line(), "user.remove", "user", user.id, {"email": user.email}
        )
        session.commit()
    console.print(f"User [bold]{user.email}[/] is no longer a member of {ws.name}.")


@user_app.command("deactivate")
@reports_errors
def user_deactivate(email: str) -> None:
    """Stop a user from signing in anywhere; their sessions and the API keys acting for them stop working."""
    with session_scope() as session:
        user = auth_service.user_by_email(session, email)
        auth_service.deactivate_user(session, user)
        for membership in auth_service.memberships_of(session, user.id):
            details = {"email": user.email}
            audit.record(
                session,
                membership.workspace_id,
                audit.command_line(),
                "user.deactivate",
                "user",
                user.id,
                details,
            )
        session.commit()
    console.print(f"User [bold]{user.email}[/] is deactivated.")


@apikey_app.command("create")
@reports_errors
def apikey_create(
    workspace: WorkspaceOpt,
    role: Annotated[str, typer.Option(help="admin, analyst, agent or viewer")] = "admin",
    name: Annotated[str, typer.Option(help="What the key is for.")] = "",
    expires_in_days: Annotated[int | None, typer.Option(min=1)] = None,
    user: Annotated[str | None, typer.Option(help="Email of the member the key acts for.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Create an API key. The key is printed once; only its hash is stored."""
    migrations.ensure_schema()
    with session_scope() as session:
        ws = workspace_service.get_by_name(session, workspace)
        user_id = auth_service.user_by_email(session, user).id if user else None
        created = auth_service.create_api_key(session, ws.id, role, name, expires_in_days, user_id)
        details = {"prefix": created.key.prefix, "role": role, "name": name, "user": user}
        audit.record(
            session, ws.id, audit.command_line(), "api_key.create", "api_key", created.key.id, details
        )
        session.commit()
    if as_json:
        emit_json(
            {
                "key": created.secret,
                "prefix": created.key.prefix,
                "role": role,
                "workspace": ws.name,
                "user": user,
            }
        )
        return
    console.print(f"API key for {ws.name} ({role}); shown once, keep it safe:")
    typer.echo(created.secret)


@apikey_app.command("revoke")
@reports_errors
def apikey_revoke(prefix: str, workspace: WorkspaceOpt) -> None:
    with session_scope() as session:
        ws = workspace_service.get_by_name(session, workspace)
        key = auth_service.revoke_api_key(session, ws.id, prefix)
        audit.record(
            session, ws.id, audit.command_line(), "api_key.revoke", "api_key", key.id, {"prefix": prefix}
        )
        session.commit()
    console.print(f"API key {prefix} revoked.")


@apikey_app.command("list")
@reports_errors
def apikey_list(workspace: WorkspaceOpt, as_json: JsonOpt = False) -> None:
    with session_scope() as session:
        ws = workspace_service.get_by_name(session, workspace)
        keys = [
            {
                "prefix": k.prefix,
                "role": k.role,
                "name": k.name,
                "created_at": k.created_at.isoformat(),
                "expires_at": k.expires_at and k.expires_at.isoformat(),
                "revoked_at": k.revoked_at and k.revoked_at.isoformat(),
            }
            for k in auth_service.api_keys(session, ws.id)
        ]
    if as_json:
        emit_json({"keys": keys})
    else:
        for key in keys:
            console.print(key)


@customer_app.command("export")
@reports_errors
def customer_export(
    id_or_email: str,
    workspace: WorkspaceOpt,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Everything held about one customer, as one JSON document."""
    with session_scope() as session:
        ws = workspace_service.get_by_name(session, workspace)
        customer = customer_service.find(session, ws.id, id_or_email)
        document = privacy_service.export(session, ws.id, customer.id)
        audit.record(session, ws.id, audit.command_line(), "customer.export", "customer", customer.id)
        session.commit()
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text, "utf-8")
        console.print(f"Exported to {output}.")


@customer_app.command("erase")
@reports_errors
def customer_erase(id_or_email: str, workspace: WorkspaceOpt, as_json: JsonOpt = False) -> None:
    """Erase a customer with all their identities, feedback and events. Cannot be undone."""
    with session_scope() as session:
        ws = workspace_service.get_by_name(session, workspace)
        customer = customer_service.find(session, ws.id, id_or_email)
        erased = privacy_service.erase(session, ws.id, customer.id)
        details = erased.model_dump(mode="json")
        audit.record(session, ws.id, audit.command_line(), "customer.erase", "customer", customer.id, details)
        session.commit()
    checkpoint_erased()  # at once, as well as by the queued job: a command line has no job runner
    if as_json:
        emit_json(erased.model_dump(mode="json"))
    else:
        console.print(
            f"Erased customer {erased.customer_id}: {erased.feedback_deleted} feedback records, "
            f"{erased.events_deleted} events, {erased.identities_deleted} identities."
        )
