"""How many times each row content has been seen in a file, counted in a temporary SQLite file.

An import gives rows with neither an id nor a time an id made of their content's digest and its occurrence
number. Counting occurrences in a dictionary costs memory for every row of the file (about 200 bytes each:
465 MB at a million rows); on disk, memory stays flat whatever the file's length, for a few milliseconds per
thousand rows.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections import Counter
from pathlib import Path
from types import TracebackType

BATCH_ROWS = 1000
_QUERY_KEYS = 500  # well under SQLite's limit on bound parameters


class Occurrences:
    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="voxpop-import-")
        # check_same_thread off: an import's generator may be closed by the collector in another thread
        self._db = sqlite3.connect(
            Path(self._folder.name) / "seen.db", isolation_level=None, check_same_thread=False
        )
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-4096", "temp_store=FILE"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE seen (digest BLOB PRIMARY KEY, times INTEGER NOT NULL) WITHOUT ROWID")

    def __enter__(self) -> Occurrences:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()
        self._folder.cleanup()

    def count(self, digests: list[str]) -> list[int]:
        """For each digest (hexadecimal), its occurrence number counting every digest seen before it."""
        keys = [bytes.fromhex(d) for d in digests]
        before = self._seen(sorted(set(keys)))
        now: Counter[bytes] = Counter()
        numbers = []
        for key in keys:
            now[key] += 1
            numbers.append(before.get(key, 0) + now[key])
        self._db.execute("BEGIN")
        self._db.executemany(
            "INSERT OR REPLACE INTO seen (digest, times) VALUES (?, ?)",
            [(key, before.get(key, 0) + times) for key, times in now.items()],
        )
        self._db.execute("COMMIT")
        return numbers

    def _seen(self, keys: list[bytes]) -> dict[bytes, int]:
        found: dict[bytes, int] = {}
        for start in range(0, len(keys), _QUERY_KEYS):
            part = keys[start : start + _QUERY_KEYS]
            marks = ",".join("?" * len(part))
            query = f"SELECT digest, times FROM seen WHERE digest IN ({marks})"
            found.update(self._db.execute(query, part).fetchall())
        return found
