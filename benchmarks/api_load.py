"""Load generator for the batched feedback API: POSTs batches over real HTTP and times each request.

Run by benchmarks/ingest.py in its own process (so the client's work does not share the server's GIL), and
only ever against 127.0.0.1. The request bodies are built before the clock starts. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedback_data import records

TIMEOUT_SECONDS = 120.0


def api_record(row: dict[str, Any]) -> dict[str, Any]:
    """A CSV row of the benchmark data as the API takes it (the shape of FeedbackIn)."""
    record: dict[str, Any] = {
        "external_id": row["id"],
        "source": "bench-api",
        "channel": row["channel"],
        "received_at": row["date"],
        "customer": {"email": row["email"], "attributes": {"region": row["region"], "plan": row["plan"]}},
        "text": row["comment"],
        "nps": int(row["nps"]),
        "attributes": {"store": row["store"]},
    }
    if row["csat"]:
        record["csat"] = int(row["csat"])
    return record


def bodies(total: int, batch: int, seed: int) -> list[bytes]:
    items = [api_record(row) for row in records(total, seed)]
    return [json.dumps({"items": items[i : i + batch]}).encode() for i in range(0, len(items), batch)]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(url: str, key: str, payloads: list[bytes], concurrency: int, deadline: float) -> dict[str, Any]:
    latencies: list[float] = []
    failures: list[str] = []
    created = 0
    lock = threading.Lock()
    queue = iter(enumerate(payloads))
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def worker() -> None:
        nonlocal created
        with httpx.Client(base_url=url, headers=headers, timeout=TIMEOUT_SECONDS) as client:
            while time.monotonic() < deadline:
                with lock:
                    item = next(queue, None)
                if item is None:
                    return
                start = time.perf_counter()
                response = client.post("/api/v1/feedback/batch", content=item[1])
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    if response.status_code == 201:
                        created += response.json()["created"]
                    else:
                        failures.append(f"batch {item[0]}: HTTP {response.status_code} {response.text[:200]}")

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    return {
        "requests": len(latencies),
        "records_created": created,
        "wall_seconds": wall,
        "rows_per_second": created / wall if wall else 0.0,
        "latency_p50_ms": percentile(latencies, 0.50) * 1000 if latencies else None,
        "latency_p95_ms": percentile(latencies, 0.95) * 1000 if latencies else None,
        "latency_mean_ms": statistics.fmean(latencies) * 1000 if latencies else None,
        "failures": failures[:10],
        "failed_requests": len(failures),
        "stopped_by_deadline": len(latencies) < len(payloads),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-seconds", type=float, default=600.0)
    args = parser.parse_args()
    if not args.url.startswith("http://127.0.0.1:"):
        parser.error("the load generator only talks to 127.0.0.1")
    payloads = bodies(args.records, args.batch, args.seed)
    result = run(args.url, args.key, payloads, args.concurrency, time.monotonic() + args.max_seconds)
    print(
        json.dumps(
            {**result, "batch": args.batch, "concurrency": args.concurrency, "records_sent": args.records}
        )
    )


if __name__ == "__main__":
    main()
