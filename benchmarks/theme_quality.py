"""Theme grouping quality on every labelled collection (issue 21): our discovery beside k-means on the same
MiniLM embeddings of whole records and TF-IDF + k-means, with the same k, in the same run, over 5 seeds.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/theme_quality.py [--collections airline,hotels,clothing,signals]
        [--seeds 5] [--names 60]

Collections and their human labels (benchmarks/theme_data.py): negative airline tweets (reason), hotel reviews
(polarity, truthfulness, hotel), a seeded sample of 3,000 clothing reviews (class, department), and the 400
hand-labelled records of benchmarks/data (source, signal). Airline and hotels were used to choose the method
(development); clothing and signals were only scored (held out).

- Ours: `text.discovery.discover` over the pipeline's sentences (seeded), every sentence to its nearest
  sub-theme if at least `THEME_MIN_SIMILARITY` alike (as the app assigns), else unassigned. A record's main
  theme is the top-level theme most of its assigned text is in; a record with no assigned sentence counts as
  one more cluster, "unassigned" (as a person would see it), never as a correct answer.
- k is the number of top-level themes our run found (sub-themes: the number of sub-themes); both baselines use
  it with the same seed: `KMeans(k)` on the whole-record embeddings (the app's model, each record encoded
  whole), and `KMeans(k)` on TF-IDF (English stop words, sublinear tf, words in at least 2 records).
- Sentence level: each sentence carries its record's label; ours is its top-level theme (or unassigned),
  the baselines cluster the sentences' embeddings and the sentences' TF-IDF.
- Largest share: the share of records whose main theme is the biggest one (unassigned records excluded from
  the numerator), and the same over sentences.
- `--names N`: N theme names (top-level and sub-themes) drawn at random (seed 21) from the first seed's run
  over airline, hotels and clothing, for judging by the rule in docs/text.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

import theme_data
from theme_data import Collection, Embedded

Labels = npt.NDArray[np.int64]
UNASSIGNED = -1
OURS, EMBED, TFIDF = "ours", "k-means on MiniLM", "TF-IDF + k-means"


@dataclass(frozen=True)
class Ours:
    record_top: Labels
    record_leaf: Labels
    sentence_top: Labels
    top_count: int
    leaf_count: int
    names: list[str]
    seconds: float


def ours(embedded: Embedded, records: int, seed: int, min_similarity: float) -> Ours:
    from voxpop.text import discovery

    started = time.perf_counter()
    themes = discovery.discover(embedded.sentences, embedded.sentence_vectors, seed=seed)
    leaves = [(top, leaf) for top, theme in enumerate(themes) for leaf in (theme.children or [theme])]
    similarity = embedded.sentence_vectors @ np.stack([leaf.centroid for _, leaf in leaves]).T
    nearest = similarity.argmax(axis=1)
    fits = similarity[np.arange(len(nearest)), nearest] >= min_similarity
    leaf_of = np.where(fits, nearest, UNASSIGNED)
    top_of = np.array([leaves[j][0] if j >= 0 else UNASSIGNED for j in leaf_of], dtype=np.int64)
    seconds = time.perf_counter() - started
    names = [t.name for t in themes] + [f"{t.name} › {c.name}" for t in themes for c in t.children]
    return Ours(
        _main(embedded, records, top_of),
        _main(embedded, records, leaf_of),
        top_of,
        len(themes),
        len(leaves),
        names,
        seconds,
    )


def _main(embedded: Embedded, records: int, sentence_labels: Labels) -> Labels:
    """Each record's main cluster: the one most of its assigned text is in (unassigned if none)."""
    weight: list[Counter[int]] = [Counter() for _ in range(records)]
    for doc, text, label in zip(embedded.doc_index, embedded.sentences, sentence_labels, strict=True):
        if label != UNASSIGNED:
            weight[int(doc)][int(label)] += len(text)
    return np.array([c.most_common(1)[0][0] if c else UNASSIGNED for c in weight], dtype=np.int64)


def kmeans(data: object, k: int, seed: int) -> Labels:
    return np.asarray(KMeans(k, random_state=seed).fit_predict(data), dtype=np.int64)


def tfidf(texts: Sequence[str]) -> object:
    return TfidfVectorizer(sublinear_tf=True, min_df=2, stop_words="english").fit_transform(texts)


def largest_share(labels: Labels) -> float:
    assigned = labels[labels != UNASSIGNED]
    return float(Counter(assigned.tolist()).most_common(1)[0][1] / len(labels)) if len(assigned) else 0.0


@dataclass
class Scores:
    nmi: list[float]
    ari: list[float]


def _score(
    table: dict[tuple[str, ...], Scores], key: tuple[str, ...], truth: Sequence[str], labels: Labels
) -> None:
    entry = table.setdefault(key, Scores([], []))
    entry.nmi.append(normalized_mutual_info_score(truth, labels))
    entry.ari.append(adjusted_rand_score(truth, labels))


def run_collection(
    collection: Collection, seeds: int, min_similarity: float
) -> tuple[dict[tuple[str, ...], Scores], list[str]]:
    embedded, source = theme_data.embed(collection)
    records = len(collection.texts)
    print(
        f"## {collection.name} ({collection.role}): {records:,} records, {len(embedded.sentences):,} sentences; "
        f"labels {', '.join(f'{k} ({len(set(v))})' for k, v in collection.labels.items())}; embeddings {source}",
        flush=True,
    )
    record_tfidf, sentence_tfidf = tfidf(embedded.record_texts), tfidf(embedded.sentences)
    table: dict[tuple[str, ...], Scores] = {}
    shares: dict[str, list[float]] = {}
    first_names: list[str] = []
    for seed in range(seeds):
        mine = ours(embedded, records, seed, min_similarity)
        first_names = first_names or mine.names
        k, k_leaf = mine.top_count, mine.leaf_count
        runs = {
            ("record", "themes", OURS): mine.record_top,
            ("record", "themes", EMBED): kmeans(embedded.record_vectors, k, seed),
            ("record", "themes", TFIDF): kmeans(record_tfidf, k, seed),
            ("record", "sub-themes", OURS): mine.record_leaf,
            ("record", "sub-themes", EMBED): kmeans(embedded.record_vectors, k_leaf, seed),
            ("record", "sub-themes", TFIDF): kmeans(record_tfidf, k_leaf, seed),
            ("sentence", "themes", OURS): mine.sentence_top,
            ("sentence", "themes", EMBED): kmeans(embedded.sentence_vectors, k, seed),
            ("sentence", "themes", TFIDF): kmeans(sentence_tfidf, k, seed),
        }
        for (level, depth, method), labels in runs.items():
            for label_name, truth in collection.labels.items():
                sentence_truth = [truth[int(i)] for i in embedded.doc_index]
                _score(
                    table,
                    (label_name, level, depth, method),
                    truth if level == "record" else sentence_truth,
                    labels,
                )
        for key, labels in (("records", mine.record_top), ("sentences", mine.sentence_top)):
            shares.setdefault(key, []).append(largest_share(labels))
        shares.setdefault("unassigned records", []).append(float(np.mean(mine.record_top == UNASSIGNED)))
        shares.setdefault("unassigned sentences", []).append(float(np.mean(mine.sentence_top == UNASSIGNED)))
        print(
            f"  seed {seed}: {k} themes, {k_leaf} leaves, discovery + assignment {mine.seconds:.1f} s; "
            f"largest theme {shares['records'][-1]:.1%} of records, {shares['sentences'][-1]:.1%} of sentences; "
            f"unassigned {shares['unassigned records'][-1]:.1%} of records, "
            f"{shares['unassigned sentences'][-1]:.1%} of sentences",
            flush=True,
        )
    _print_table(collection, table, seeds)
    print(
        "  over the seeds: "
        + "; ".join(f"{key} mean {statistics.fmean(v):.1%} max {max(v):.1%}" for key, v in shares.items())
    )
    return table, first_names


def _print_table(collection: Collection, table: dict[tuple[str, ...], Scores], seeds: int) -> None:
    print(f"  NMI / ARI, mean over {seeds} seeds (min–max NMI); ratio = ours / baseline (NMI)")
    for label_name in collection.labels:
        for level, depth in (("record", "themes"), ("record", "sub-themes"), ("sentence", "themes")):
            cells = {m: table[(label_name, level, depth, m)] for m in (OURS, EMBED, TFIDF)}
            mean = {m: statistics.fmean(s.nmi) for m, s in cells.items()}
            text = "  |  ".join(
                f"{m} {mean[m]:.4f} ({min(s.nmi):.4f}–{max(s.nmi):.4f}) / {statistics.fmean(s.ari):.4f}"
                for m, s in cells.items()
            )
            wins = "beats both" if mean[OURS] > max(mean[EMBED], mean[TFIDF]) else "DOES NOT beat both"
            ratios = f"×{mean[OURS] / mean[EMBED]:.2f} vs MiniLM, ×{mean[OURS] / mean[TFIDF]:.2f} vs TF-IDF"
            print(f"  {label_name:<12} {level:<8} {depth:<10} {text}  |  {ratios}: {wins}", flush=True)


def _machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.node()}, nproc {len(os.sched_getaffinity(0))}, {memory:.0f} GiB, "
        f"Python {platform.python_version()}"
    )


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC, load average {one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description="Theme grouping quality against two baselines (issue 21)")
    parser.add_argument("--data", type=Path, default=theme_data.DEFAULT_DATA)
    parser.add_argument("--collections", default=",".join(theme_data.LOADERS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--names", type=int, default=0, help="draw N theme names for judging")
    args = parser.parse_args()
    import torch

    from voxpop.kit.settings import get_settings

    torch.set_num_threads(2)
    min_similarity = get_settings().theme_min_similarity
    print(f"# theme quality — machine {_machine()}; start {_load()}; THEME_MIN_SIMILARITY {min_similarity}")
    names: dict[str, list[str]] = {}
    for key in args.collections.split(","):
        collection = theme_data.LOADERS[key](args.data)
        _, names[collection.name] = run_collection(collection, args.seeds, min_similarity)
    if args.names:
        pool = [(c, n) for c, found in names.items() if c != "signals sets" for n in found]
        print(f"## {args.names} theme names drawn at random (seed 21) from {len(pool)} (first seed's runs)")
        for collection_name, name in random.Random(21).sample(pool, min(args.names, len(pool))):
            print(f"  {collection_name}: {name}")
    print(f"# end {_load()}")


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    main()
