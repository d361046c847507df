"""Load generator for the customer-page benchmark: signs in through the login form, then GETs the given
paths in turn over real HTTP and times each request. Run by benchmarks/customer_page.py in its own process,
only ever against 127.0.0.1. Prints one JSON object: latencies in ms per path, failures."""

from __future__ import annotations

import argparse
import json
import re
import time
from typing import Any

import httpx


def sign_in(client: httpx.Client, email: str, password: str) -> None:
    page = client.get("/login").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no sign-in form"
    reply = client.post("/login", data={"email": email, "password": password, "csrf_token": found.group(1)})
    if reply.status_code != 303:
        raise SystemExit(f"sign-in failed: HTTP {reply.status_code}")


def run(url: str, email: str, password: str, paths: list[str], rounds: int, warmup: int) -> dict[str, Any]:
    latencies: dict[str, list[float]] = {path: [] for path in paths}
    failures: list[str] = []
    sizes: dict[str, int] = {}
    with httpx.Client(base_url=url, timeout=120) as client:
        sign_in(client, email, password)
        for path in paths * warmup:
            client.get(path)
        for _ in range(rounds):
            for path in paths:
                start = time.perf_counter()
                reply = client.get(path)
                body = reply.content
                latencies[path].append((time.perf_counter() - start) * 1000)
                sizes[path] = len(body)
                if reply.status_code != 200:
                    failures.append(f"{path}: HTTP {reply.status_code}")
    return {"latencies_ms": latencies, "bytes": sizes, "failures": failures[:5], "failed": len(failures)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--path", action="append", required=True)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    if not args.url.startswith("http://127.0.0.1:"):
        parser.error("the load generator only talks to 127.0.0.1")
    print(json.dumps(run(args.url, args.email, args.password, args.path, args.rounds, args.warmup)))


if __name__ == "__main__":
    main()
