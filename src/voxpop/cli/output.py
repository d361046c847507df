"""How commands talk: Rich for people (progress on stderr), one JSON object on stdout with --json."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import click
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from voxpop.kit.errors import DomainError
from voxpop.kit.logs import fault, is_disk_full

console = Console(stderr=True)
P = ParamSpec("P")
R = TypeVar("R")


def emit_json(payload: dict[str, Any]) -> None:
    typer.echo(json.dumps(payload, default=str, ensure_ascii=False))


def fail(error: DomainError, as_json: bool = False) -> None:
    if as_json:
        emit_json(
            {
                "error": {
                    "code": error.code,
                    "message": error.message,
                    "problems": [p.as_dict() for p in error.problems],
                }
            }
        )
    console.print(f"[bold red]Error:[/] {error.message}")
    for problem in error.problems[:50]:
        where = " ".join(filter(None, [f"row {problem.row}" if problem.row else None, problem.field]))
        console.print(f"  {where}: {problem.reason}" if where else f"  {problem.reason}")
    raise typer.Exit(1)


def unexpected(error: Exception) -> DomainError:
    """A failure below the domain (a full disk, a database that went away) as a domain error whose message
    names the fault but none of the data the command was handling."""
    if is_disk_full(error):
        message = (
            f"the disk is full ({fault(error)}); what was committed before stays. Free space, then run the "
            "same command again (an import resumes after its last committed row)"
        )
        return DomainError(message, code="no_space", status=507)
    return DomainError(
        f"the command stopped on an unexpected error: {fault(error)}", code="failed", status=500
    )


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn any failure into a precise message (one JSON error object on stdout with --json) and exit code
    1 instead of a traceback, whose local variables and database parameters would print customers' data."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except DomainError as error:
            fail(error, bool(kwargs.get("as_json")))
            raise
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as error:
            fail(unexpected(error), bool(kwargs.get("as_json")))
            raise

    return wrapper


@contextmanager
def progress_bar(description: str, enabled: bool = True) -> Iterator[Callable[[int, int | None], None]]:
    """A Rich progress bar on stderr; yields `update(done, total)`."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not enabled,
    ) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        yield update
