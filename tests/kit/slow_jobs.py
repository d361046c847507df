"""Jobs that take a while, for tests that stop a server under a busy worker. Run as a module, it is
`voxpop` with these jobs registered: `python -m tests.kit.slow_jobs worker …`."""

from __future__ import annotations

import time
from typing import Any

from voxpop.kit.jobs import JobContext, register

SLEEP = "tests.sleep"


def sleep(ctx: JobContext, payload: dict[str, Any]) -> None:
    time.sleep(float(payload.get("seconds", 1.0)))


register(SLEEP, sleep)

if __name__ == "__main__":
    from voxpop.cli.main import app

    app(prog_name="voxpop")
