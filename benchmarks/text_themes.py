"""Theme discovery quality (issue 5): our discovery beside BERTopic with its defaults, on the same embeddings,
in the same run, against the human "negativereason" labels of the negative airline tweets (NMI and ARI).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/text_quality.py --section themes

(also runnable alone: `.venv/bin/python benchmarks/text_themes.py`). Needs `bertopic` (the `bench` extra).

- Ours: the pipeline's sentences and embeddings; `text.discovery.discover` over the sentences, then every
  sentence to its nearest theme (as new records are assigned, without the similarity floor, so every tweet
  gets a theme as BERTopic's every tweet gets a topic), and a tweet takes the theme most of its text is in.
  Timed: discovery and assignment (not the embedding, which both share).
- BERTopic: `BERTopic()` with its defaults (UMAP + HDBSCAN + c-TF-IDF), given the tweets' embeddings by the
  same model (`fit_transform(docs, embeddings)`); its outlier topic −1 counts as one cluster, as it is what
  a user sees. Timed: `fit_transform`.
"""

from __future__ import annotations

import csv
import os
import time
from collections import Counter
from pathlib import Path

import numpy as np

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def negative_tweets(data: Path) -> tuple[list[str], list[str]]:
    with (data / "twitter_airline_sentiment" / "Tweets.csv").open(encoding="utf-8", newline="") as handle:
        rows = [
            row
            for row in csv.DictReader(handle)
            if row["airline_sentiment"] == "negative" and row["negativereason"]
        ]
    return [row["text"] for row in rows], [row["negativereason"] for row in rows]


def ours(texts: list[str]) -> dict[str, tuple[list[int], float, int]]:
    """Tweet labels at both levels (themes, sub-themes), the time of discovery + assignment, cluster counts."""
    from voxpop.text import discovery, pipeline, service

    names = ("clean", "language", "redact", "sentences", "embed")
    docs = pipeline.analyse_texts(texts, service.options(), names)
    pieces = [(i, s) for i, doc in enumerate(docs) for s in doc.sentences if s.embedding is not None]
    vectors = np.stack([s.embedding for _, s in pieces if s.embedding is not None])
    started = time.perf_counter()
    themes = discovery.discover([s.text for _, s in pieces], vectors)
    leaves = [(top, leaf) for top, theme in enumerate(themes) for leaf in (theme.children or [theme])]
    nearest = (vectors @ np.stack([leaf.centroid for _, leaf in leaves]).T).argmax(axis=1)
    seconds = time.perf_counter() - started
    result = {}
    for level, key in (("themes", lambda leaf: leaves[leaf][0]), ("sub-themes", lambda leaf: leaf)):
        weight: list[Counter[int]] = [Counter() for _ in texts]
        for (doc_index, sentence), leaf_index in zip(pieces, nearest, strict=True):
            weight[doc_index][key(int(leaf_index))] += len(sentence.text)
        labels = [counter.most_common(1)[0][0] if counter else -1 for counter in weight]
        result[level] = (labels, seconds, len(set(labels)))
    return result


def bertopic(texts: list[str]) -> tuple[list[int], float, int]:
    from bertopic import BERTopic

    from voxpop.text import embeddings

    vectors = embeddings.encode("", texts)
    started = time.perf_counter()
    topics, _ = BERTopic().fit_transform(texts, embeddings=vectors)
    seconds = time.perf_counter() - started
    return [int(t) for t in topics], seconds, len(set(topics) - {-1})


def section_themes(data: Path) -> None:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    texts, reasons = negative_tweets(data)
    print(
        f"## themes — negative airline tweets with a human reason: {len(texts):,} tweets, {len(set(reasons))} reasons"
    )
    scored = {f"ours, {level}": found for level, found in ours(texts).items()}
    scored["BERTopic (defaults)"] = bertopic(texts)
    for name, (labels, seconds, clusters) in scored.items():
        nmi = normalized_mutual_info_score(reasons, labels)
        ari = adjusted_rand_score(reasons, labels)
        scored[name] = (labels, seconds, clusters)
        print(f"  {name}: NMI {nmi:.4f}  ARI {ari:.4f}  time {seconds:.2f} s  clusters {clusters}")
    their = normalized_mutual_info_score(reasons, scored["BERTopic (defaults)"][0])
    for name in ("ours, themes", "ours, sub-themes"):
        mine = normalized_mutual_info_score(reasons, scored[name][0])
        ratio = scored[name][1] / scored["BERTopic (defaults)"][1]
        print(f"  {name} / BERTopic: NMI {mine / their:.2f}×, time {ratio:.2f}×")


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    section_themes(DEFAULT_DATA)
