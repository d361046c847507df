"""A worker's health endpoint (`voxpop worker --health-port N`): `GET /health` answers 200 while the
worker's sweep of the jobs table works, 503 otherwise, with a JSON body saying why:

    {"status": "ok", "sweep": {"state": "ok", "last_success": "…", "failures_in_a_row": 0,
     "last_error": null}, "broker": "reachable"}

`failing` means the sweep runs but cannot reach the database (restarting the worker will not help);
`stalled` or `dead` means the sweep stopped (restart the worker). The broker's state is shown for
information: jobs still run without it, found by the sweep.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kombu import Connection

from voxpop.kit.jobs.loops import LoopHealth
from voxpop.kit.settings import get_settings

BROKER_CHECK_SECONDS = 1


def stall_seconds() -> float:
    """How long a sweep may go without a round before it counts as stalled."""
    return max(60.0, 10 * get_settings().job_poll_seconds)


def broker_state(broker_url: str) -> str:
    try:
        with Connection(broker_url, connect_timeout=BROKER_CHECK_SECONDS) as connection:
            connection.ensure_connection(max_retries=1, timeout=BROKER_CHECK_SECONDS)
    except Exception:
        return "unreachable"
    return "reachable"


def report(health: LoopHealth, broker_url: str) -> tuple[int, dict[str, Any]]:
    sweep = health.report(stall_seconds())
    body = {"status": sweep["state"], "sweep": sweep, "broker": broker_state(broker_url)}
    return (200 if sweep["state"] == "ok" else 503), body


def serve_health(host: str, port: int, health: LoopHealth, broker_url: str) -> ThreadingHTTPServer:
    """Serve `GET /health` on a daemon thread."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] != "/health":
                self.send_error(404)
                return
            status, body = report(health, broker_url)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # probes every few seconds would flood the worker's log

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="voxpop-health", daemon=True).start()
    return server
