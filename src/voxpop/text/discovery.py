"""Theme discovery: cluster sentence embeddings into sub-themes, group the sub-themes into themes, and name
each by its telling phrases (class-based TF-IDF: words frequent in this cluster and rare in the others).

Pure computation over arrays; storing, curating and re-running live in `themes.py`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sklearn.cluster import AgglomerativeClustering, MiniBatchKMeans
from sklearn.feature_extraction.text import CountVectorizer

SEED = 7
_NOISE = re.compile(r"@\w+|#|https?://\S+|\[\w+\]")
_MIN_WORDS = 3
_PHRASES = 6


@dataclass
class Cluster:
    name: str
    phrases: list[str]
    centroid: npt.NDArray[np.float32]
    members: list[int]
    children: list[Cluster] = field(default_factory=list)


def discover(texts: Sequence[str], vectors: npt.NDArray[np.float32]) -> list[Cluster]:
    """Themes with their sub-themes from sentences and their (L2-normalised) embeddings.

    Sentences of fewer than three words say too little to found a theme; they are assigned later if they
    resemble one. The number of clusters grows with the data: about one sub-theme per 200 sentences
    (6 to 60), and a quarter as many themes (3 to 15).
    """
    usable = [i for i, text in enumerate(texts) if len(text.split()) >= _MIN_WORDS]
    if len(usable) < 20:
        return []
    data = vectors[usable]
    sub_count = int(np.clip(len(usable) // 200, 6, 60))
    sub_labels = MiniBatchKMeans(sub_count, random_state=SEED, n_init=3, batch_size=4096).fit_predict(data)
    sub_ids = [k for k in range(sub_count) if np.any(sub_labels == k)]
    centroids = np.stack([_unit(data[sub_labels == k].mean(axis=0)) for k in sub_ids])
    top_count = int(np.clip(round(len(sub_ids) / 4), 3, 15))
    top_labels = AgglomerativeClustering(top_count, linkage="ward").fit_predict(centroids)
    members = {k: [usable[i] for i in np.flatnonzero(sub_labels == k)] for k in sub_ids}
    subs = [_cluster(texts, vectors, members[k], []) for k in sub_ids]
    return _name_clusters(
        texts,
        [
            _cluster(texts, vectors, [], [s for s, t in zip(subs, top_labels, strict=True) if t == top])
            for top in range(top_count)
        ],
    )


def _cluster(
    texts: Sequence[str], vectors: npt.NDArray[np.float32], members: list[int], children: list[Cluster]
) -> Cluster:
    own = members or [i for child in children for i in child.members]
    return Cluster("", [], _unit(vectors[own].mean(axis=0)), own, children)


def _name_clusters(texts: Sequence[str], themes: list[Cluster]) -> list[Cluster]:
    """Name themes against each other, and each theme's sub-themes against their siblings."""
    label(texts, themes)
    for theme in themes:
        if len(theme.children) == 1:
            theme.children = []
        label(texts, theme.children)
    return sorted(themes, key=lambda t: -len(t.members))


def label(texts: Sequence[str], clusters: Sequence[Cluster]) -> None:
    """Give each cluster its telling phrases (class-based TF-IDF over words and word pairs) and a name."""
    if not clusters:
        return
    documents = [" ".join(_NOISE.sub(" ", texts[i]) for i in c.members) for c in clusters]
    vectorizer = CountVectorizer(
        ngram_range=(1, 2), stop_words="english", token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z']+\b"
    )
    try:
        counts = vectorizer.fit_transform(documents).toarray().astype(np.float64)
    except ValueError:
        counts = np.zeros((len(clusters), 0))
    terms = vectorizer.get_feature_names_out() if counts.shape[1] else np.array([])
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
    idf = np.log(1.0 + counts.sum(axis=1).mean() / np.maximum(counts.sum(axis=0), 1.0))
    for cluster, scores in zip(clusters, tf * idf, strict=True):
        top = [str(terms[j]) for j in np.argsort(-scores)[: _PHRASES * 2] if scores[j] > 0]
        cluster.phrases = _without_repeats(top)[:_PHRASES]
        cluster.name = " / ".join(cluster.phrases[:2]) or "other"


def _without_repeats(phrases: list[str]) -> list[str]:
    """Drop a word when a kept pair already contains it ("delayed", "flight delayed" → the pair)."""
    kept: list[str] = []
    for phrase in phrases:
        if any(phrase in other.split() or other in phrase.split() for other in kept):
            if " " in phrase and all(" " not in other for other in kept if other in phrase.split()):
                kept = [k for k in kept if k not in phrase.split()] + [phrase]
            continue
        kept.append(phrase)
    return kept


def _unit(vector: npt.NDArray[np.floating]) -> npt.NDArray[np.float32]:
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm else vector).astype(np.float32)
