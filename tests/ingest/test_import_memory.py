"""An import's memory does not grow with the file: what it must remember of every row (how many identical
rows came before, for the ids of rows without one) is counted on disk, not in a dictionary."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator

from voxpop.ingest import occurrences, service
from voxpop.ingest.readers import SourceRow


def distinct_rows(count: int) -> Iterator[SourceRow]:
    for number in range(1, count + 1):
        yield SourceRow(number, {"comment": f"comment number {number}", "nps": str(number % 11)})


def peak_bytes(count: int) -> int:
    tracemalloc.start()
    for _ in service._with_occurrences(distinct_rows(count)):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_counting_occurrences_needs_the_same_memory_for_ten_times_the_rows() -> None:
    small, large = peak_bytes(6_000), peak_bytes(60_000)
    assert large < 2_000_000, f"{large:,} bytes for 60,000 rows"
    assert large < small * 1.5, f"{small:,} bytes for 6,000 rows, {large:,} for 60,000"


def test_identical_rows_are_numbered_in_order_across_batches() -> None:
    same = {"comment": "same"}
    rows = (SourceRow(n, dict(same)) for n in range(1, occurrences.BATCH_ROWS * 2 + 2))
    ids = [row.fallback_id or "" for row in service._with_occurrences(rows)]
    assert [i.rsplit(":", 1)[1] for i in ids] == [str(n) for n in range(1, occurrences.BATCH_ROWS * 2 + 2)]
    assert len({i.rsplit(":", 1)[0] for i in ids}) == 1
