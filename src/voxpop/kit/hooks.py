"""Hooks: the points in a record's way where other domains plug in the work that follows, so that the domain
which stores a record never imports the domains that analyse it or act on it (they sit above it).

A domain declares a hook where the thing happens (`feedback.service.STORED`, say) and fires it there, in the
caller's transaction; `voxpop.flows` connects the handlers, once per process, when `voxpop.registry.register`
runs at start (web app, worker, CLI). A hook fired before anything was connected to it raises instead of
silently skipping the work that should follow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec

P = ParamSpec("P")


class NotConnected(RuntimeError):
    """A hook fired in a process that never connected its handlers (`voxpop.registry.register` not run)."""


class Hook(Generic[P]):
    """A named point that runs its handlers, in the order connected, inside the caller's transaction. Handlers
    never commit: what they add (queued jobs, rows) lands with the work that fired them, or not at all."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[Callable[P, object]] = []

    def connect(self, handler: Callable[P, object]) -> None:
        """Run `handler` whenever the hook fires; connecting the same handler again changes nothing."""
        if handler not in self._handlers:
            self._handlers.append(handler)

    def handlers(self) -> list[Callable[P, object]]:
        return list(self._handlers)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> None:
        if not self._handlers:
            raise NotConnected(
                f"nothing is connected to the hook {self.name!r}: call voxpop.registry.register()"
            )
        for handler in self._handlers:
            handler(*args, **kwargs)
