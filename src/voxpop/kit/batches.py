"""Rules every batched endpoint shares: a size limit, and no key given twice in one request."""

from __future__ import annotations

from voxpop.kit.errors import DomainError, Invalid, Problem
from voxpop.kit.settings import get_settings


def check_batch(size: int, duplicates: list[tuple[int, int]]) -> None:
    limit = get_settings().max_batch_items
    if size > limit:
        raise DomainError(
            f"a batch holds at most {limit:,} items; this one has {size:,}. Split it, or import a file.",
            code="batch_too_large",
            status=413,
        )
    if size == 0:
        raise Invalid("the batch is empty", [Problem("send at least one item", field="items")])
    if duplicates:
        problems = [
            Problem(
                f"repeats the source and external_id of item {first}",
                field=f"items[{repeat}].external_id",
                row=repeat,
            )
            for first, repeat in duplicates
        ]
        raise Invalid("the batch gives the same record twice; send each record once", problems)
