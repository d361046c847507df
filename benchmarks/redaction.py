"""What redacting at the one way in costs (issue 15, item 7): records stored per second through
`feedback.service.ingest_many` with TEXT_REDACT_SOURCE on, against the same records with it off in the same
run (the baseline), and the time `kit.redaction.redact` takes per text, against the same detectors run on
every text without the shortcuts (no `@`, too few digits for a card or a phone number).

Run by hand (not in CI), from the repository root:

    .venv/bin/python benchmarks/redaction.py --records 20000 [--data DIR]

Texts are real customer verbatims from the shared data sets (`--data`, by default `shared/data` beside the
repository's folder): airline tweets and clothing reviews, alternating, read here and never stored.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHUNK = 1000


def verbatims(data: Path, count: int) -> list[str]:
    """Alternating airline tweets and clothing reviews, in file order (deterministic)."""
    with (data / "twitter_airline_sentiment" / "Tweets.csv").open(encoding="utf-8") as handle:
        tweets = [row["text"] for row in csv.DictReader(handle)]
    reviews_file = data / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv"
    with reviews_file.open(encoding="utf-8") as handle:
        reviews = [row["Review Text"] for row in csv.DictReader(handle) if row["Review Text"]]
    return [text for pair in zip(tweets, reviews, strict=False) for text in pair][:count]


def machine() -> str:
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"nproc {os.cpu_count()}, memory {int(memory) // 1024} MB, load {load}, {platform.python_version()}"
    )


def unshortened(text: str, region: str, mask_names: bool) -> str:
    """Every detector on every text: `redact` as it was before the shortcuts."""
    import re

    from stdnum import luhn

    from voxpop.kit import redaction as r

    result = r.Redacted(text)
    r._replace(result, "email", r._EMAIL, lambda _: True)
    r._replace(result, "iban", r._IBAN, r._valid_iban)
    r._replace(result, "card", r._CARD, lambda m: luhn.is_valid(re.sub(r"\D", "", m)))
    r._replace(result, "ip", r._IPV4, r._valid_ip)
    r._replace(result, "ip", r._IPV6, r._valid_ip)
    r._replace_phones(result, region)
    if mask_names:
        r._replace_names(result)
    return result.text


def bench_redact(texts: list[str]) -> None:
    from voxpop.kit.redaction import redact

    for name, run in (
        ("redact (with shortcuts)", lambda t: redact(t, "US", True).text),
        ("every detector on every text", lambda t: unshortened(t, "US", True)),
    ):
        started = time.perf_counter()
        out = [run(text) for text in texts]
        seconds = time.perf_counter() - started
        print(f"{name}: {len(texts)} texts in {seconds:.2f} s = {seconds / len(texts) * 1e6:.1f} µs a text")
        assert out  # the results are used, so nothing is optimised away
    same = sum(redact(t, "US", True).text == unshortened(t, "US", True) for t in texts)
    print(f"same output on {same} of {len(texts)} texts")


def bench_entry(texts: list[str]) -> None:
    os.environ["VOXPOP_DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'redaction.db'}"
    from voxpop import migrations, registry
    from voxpop.feedback import service as feedback_service
    from voxpop.feedback.schemas import FeedbackIn
    from voxpop.kit.db import new_session
    from voxpop.kit.settings import get_settings
    from voxpop.workspace import service as workspace_service

    migrations.upgrade(os.environ["VOXPOP_DATABASE_URL"])
    registry.register()
    rates: dict[str, float] = {}
    for setting in ("false", "true", "false", "true"):  # alternated, so a change of load hits both
        os.environ["VOXPOP_TEXT_REDACT_SOURCE"] = setting
        get_settings.cache_clear()
        with new_session() as session:
            workspace_id = workspace_service.create(session, f"entry-{setting}-{len(rates)}-{time.time()}").id
            session.commit()
            items = [
                FeedbackIn(kind="review", channel="web", source="bench", external_id=str(i), text=text)  # type: ignore[call-arg]
                for i, text in enumerate(texts)
            ]
            started = time.perf_counter()
            for start in range(0, len(items), CHUNK):
                feedback_service.ingest_many(session, workspace_id, items[start : start + CHUNK])
                session.commit()
            seconds = time.perf_counter() - started
        rates[setting] = rates.get(setting, 0.0) + len(items) / seconds / 2
        print(f"TEXT_REDACT_SOURCE={setting}: {len(items)} records in {seconds:.2f} s")
    print(
        f"ingest_many, mean of two runs each: redaction on {rates['true']:.0f} records/s, "
        f"off {rates['false']:.0f} records/s (baseline): {rates['true'] / rates['false']:.3f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    texts = verbatims(args.data, args.records)
    print(f"machine at start: {machine()}")
    bench_redact(texts)
    bench_entry(texts)
    print(f"machine at end: {machine()}")


if __name__ == "__main__":
    main()
