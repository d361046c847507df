"""Health endpoints for operators and load balancers (docs/operations.md).

- `GET /health`: the process answers (liveness); always 200.
- `GET /health/ready`: 200 when the database answers and, in embedded mode, the job runner's threads
  work; 503 otherwise, with a JSON body saying which part is down. In distributed mode it also says
  whether the broker is reachable (for information: requests and jobs go on without it).
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from voxpop.kit.db import new_session
from voxpop.kit.jobs.health import broker_state
from voxpop.kit.jobs.loops import EmbeddedRunner
from voxpop.kit.settings import get_settings

router = APIRouter(include_in_schema=False)


@router.get("/health")
def alive() -> dict[str, str]:
    return {"status": "ok"}


def _database() -> str:
    try:
        with new_session(write=False) as session:
            session.execute(text("SELECT 1"))
    except Exception:
        return "unreachable"  # no details: this endpoint answers anyone, and errors name hosts and ports
    return "ok"


@router.get("/health/ready")
def ready(request: Request) -> JSONResponse:
    body: dict[str, Any] = {"database": _database()}
    healthy = body["database"] == "ok"
    runner = getattr(request.app.state, "job_runner", None)
    if isinstance(runner, EmbeddedRunner):
        lanes = {
            lane: {"state": loop.state(math.inf), "failures_in_a_row": loop.failures}
            for lane, loop in runner.health.items()
        }
        body["job_runner"] = lanes
        healthy = healthy and all(lane["state"] == "ok" for lane in lanes.values())
    broker_url = get_settings().broker_url
    if broker_url:
        body["broker"] = broker_state(broker_url)
    body["status"] = "ok" if healthy else "unavailable"
    return JSONResponse(body, status_code=200 if healthy else 503, headers={"cache-control": "no-store"})
