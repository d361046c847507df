"""Load generator for the dashboard benchmark: GETs one query shape over real HTTP and times each request.

Run by benchmarks/insights.py in its own process, only ever against 127.0.0.1. Sequential mode sends
`--requests` requests one after another; with `--concurrency C`, C clients share the `--requests` requests.
Stops early at `--max-seconds`. Prints one JSON object (the latencies in ms and the first response body).
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from typing import Any

import httpx

TIMEOUT_SECONDS = 300.0


def run(url: str, key: str, path: str, total: int, concurrency: int, deadline: float) -> dict[str, Any]:
    latencies: list[float] = []
    failures: list[str] = []
    first_body: list[Any] = []
    lock = threading.Lock()
    remaining = [total]
    headers = {"Authorization": f"Bearer {key}"}

    def worker() -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=TIMEOUT_SECONDS) as client:
            while time.monotonic() < deadline:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                start = time.perf_counter()
                response = client.get(path)
                body = response.content
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed * 1000)
                    if response.status_code != 200:
                        failures.append(f"HTTP {response.status_code} {body[:200]!r}")
                    elif not first_body:
                        first_body.append(json.loads(body))

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    return {
        "latencies_ms": latencies,
        "wall_seconds": wall,
        "failures": failures[:5],
        "failed_requests": len(failures),
        "stopped_by_deadline": len(latencies) < total,
        "first_body": first_body[0] if first_body else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    args = parser.parse_args()
    if not args.url.startswith("http://127.0.0.1:"):
        parser.error("the load generator only talks to 127.0.0.1")
    result = run(
        args.url, args.key, args.path, args.requests, args.concurrency, time.monotonic() + args.max_seconds
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
