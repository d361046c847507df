"""Draw the records hand-labelled for the signals benchmark (see README.md beside this file).

    .venv/bin/python benchmarks/data/sample_signals.py [--set dev|test] [--data ../shared/data] > /tmp/signals.tsv

Writes source, row id, stratum and text (to stdout, for the labeller only: texts are never committed).
Two strata, 100 records each, half from each source, drawn with `random.Random(seed)`:
- "random": uniform among all candidate records;
- "keyword": uniform among candidate records matching `BROAD`, a wide filter for words around leaving or
  proposing something, written before any detector output was seen, so that the rare positives are present.
Sets: "dev" (seed 5200, signals_labels.csv), "test" (seed 5201, signals_labels_test.csv), a held-out draw
from which every record of the dev set is excluded, and "dev2" (seed 5202, signals_labels_dev2.csv), a second
development draw excluding both.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[1].parent / "shared" / "data"
SEEDS = {"dev": 5200, "test": 5201, "dev2": 5202}
LABELLED = {"test": ("signals_labels.csv",), "dev2": ("signals_labels.csv", "signals_labels_test.csv")}
"""Which labelled sets a draw excludes, so that no record is in two sets."""
SOURCES = {
    "customer_support_twitter/twcs_first5000.csv": "tweet_id",
    "twitter_airline_sentiment/Tweets.csv": "tweet_id",
}
BROAD = re.compile(
    r"\b(?:cancel\w*|switch\w*|leav\w*|never (?:again|fly\w*|use|using|buy\w*|order\w*|book\w*)|done with|"
    r"last time|another (?:airline|carrier|company|provider|bank|service)|competitor\w*|close my account|"
    r"unsubscrib\w*|quit\w*|goodbye|moving to|going (?:back )?to (?:use )?\w+ instead|"
    r"would be (?:great|nice|good|better|awesome|helpful|cool)|should|wish|suggest\w*|idea|"
    r"please (?:add|make|bring|consider|let|allow|offer|fix|start|stop)|why (?:not|don'?t|can'?t) you|"
    r"how about|could you (?:add|make)|feature|option|bring back)\b",
    re.IGNORECASE,
)


def candidates(data: Path, source: str, id_column: str, excluded: set[str]) -> list[tuple[str, str]]:
    """(row id, text) of the records not in `excluded`: inbound customer tweets only for the support data,
    one per id."""
    seen: dict[str, str] = {}
    with (data / source).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if "inbound" in row and row["inbound"] != "True":
                continue
            if row[id_column] not in excluded:
                seen.setdefault(row[id_column], row["text"])
    return sorted(seen.items(), key=lambda item: int(item[0]))


def labelled_rows(source: str, files: tuple[str, ...]) -> set[str]:
    """Row ids of `source` already in the labelled sets `files` (beside this script)."""
    rows: set[str] = set()
    for name in files:
        with (HERE / name).open(encoding="utf-8", newline="") as handle:
            rows.update(row["row_id"] for row in csv.DictReader(handle) if row["source"] == source)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", choices=sorted(SEEDS), default="dev", dest="which")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    rng = random.Random(SEEDS[args.which])
    out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    out.writerow(["source", "row_id", "stratum", "text"])
    for source, id_column in SOURCES.items():
        excluded = labelled_rows(source, LABELLED.get(args.which, ()))
        rows = candidates(args.data, source, id_column, excluded)
        drawn = rng.sample(rows, 50)
        taken = {row_id for row_id, _ in drawn}
        matching = [row for row in rows if BROAD.search(row[1]) and row[0] not in taken]
        for stratum, chosen in (("random", drawn), ("keyword", rng.sample(matching, 50))):
            for row_id, text in chosen:
                out.writerow([source, row_id, stratum, " ".join(text.split())])


if __name__ == "__main__":
    main()
