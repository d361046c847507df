"""Theme discovery: cluster sentence embeddings into sub-themes, group the sub-themes into themes, and name
each by a short noun phrase from its own sentences (`naming`).

Pure computation over arrays; storing, curating and re-running live in `themes.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sklearn.cluster import KMeans, MiniBatchKMeans

from voxpop.text import naming

SEED = 7
NAMING_SENTENCES = 200
SENTENCES_PER_SUB_THEME = 200
_MIN_WORDS = 3


@dataclass
class Cluster:
    name: str
    phrases: list[str]
    centroid: npt.NDArray[np.float32]
    members: list[int]
    """Indices of the sentences, nearest the centroid first."""
    children: list[Cluster] = field(default_factory=list)


def discover(
    texts: Sequence[str], vectors: npt.NDArray[np.float32], taken: Sequence[str] = (), seed: int = SEED
) -> list[Cluster]:
    """Themes with their sub-themes from sentences and their (L2-normalised) embeddings, biggest first;
    top-level names differ from each other and from `taken` (the names of themes kept from before).

    Sentences of fewer than three words say too little to found a theme; they are assigned later if they
    resemble one. The number of clusters grows with the data: about one sub-theme per 200 sentences
    (6 to 60), and a quarter as many themes (3 to 15).
    """
    usable = np.array([i for i, text in enumerate(texts) if len(text.split()) >= _MIN_WORDS], dtype=np.int64)
    if len(usable) < 20:
        return []
    sub_total = int(np.clip(len(usable) // SENTENCES_PER_SUB_THEME, 6, 60))
    top_count = int(np.clip(round(sub_total / 4), 3, 15))
    top_labels = _kmeans(vectors[usable], top_count, seed)
    themes = []
    for top in range(top_count):
        members = usable[top_labels == top]
        if len(members) == 0:
            continue
        sub_count = int(np.clip(round(sub_total * len(members) / len(usable)), 1, 8))
        sub_labels = _kmeans(vectors[members], sub_count, seed) if sub_count > 1 else np.zeros(len(members))
        children = [_cluster(vectors, members[sub_labels == k].tolist()) for k in range(sub_count)]
        themes.append(_cluster(vectors, members.tolist(), [c for c in children if c.members]))
    return _named(texts, themes, taken)


def _kmeans(data: npt.NDArray[np.float32], k: int, seed: int) -> npt.NDArray[np.int64]:
    """k-means labels (k-means++, three starts); mini-batches past 20,000 points, where full passes get slow."""
    if len(data) > 20_000:
        model: KMeans | MiniBatchKMeans = MiniBatchKMeans(k, random_state=seed, n_init=3, batch_size=4096)
    else:
        model = KMeans(k, random_state=seed, n_init=3)
    return np.asarray(model.fit_predict(data), dtype=np.int64)


def _cluster(
    vectors: npt.NDArray[np.float32], members: list[int], children: list[Cluster] | None = None
) -> Cluster:
    centroid = _unit(vectors[members].mean(axis=0))
    nearest_first = [members[i] for i in np.argsort(-(vectors[members] @ centroid), kind="stable")]
    return Cluster("", [], centroid, nearest_first, children or [])


def _named(texts: Sequence[str], themes: list[Cluster], taken: Sequence[str]) -> list[Cluster]:
    """Name themes against each other, and each theme's sub-themes against their siblings and parent."""
    themes = sorted(themes, key=lambda t: -len(t.members))
    label(texts, themes, taken)
    for theme in themes:
        if len(theme.children) == 1:
            theme.children = []
        theme.children.sort(key=lambda c: -len(c.members))
        label(texts, theme.children, [theme.name])
    return themes


def label(texts: Sequence[str], clusters: Sequence[Cluster], taken: Sequence[str] = ()) -> None:
    """Name sibling clusters from the sentences nearest each one's centre (see `naming`): distinct from each
    other and from `taken`."""
    if not clusters:
        return
    named = naming.name_siblings([[texts[i] for i in c.members[:NAMING_SENTENCES]] for c in clusters], taken)
    for cluster, (name, phrases) in zip(clusters, named, strict=True):
        cluster.name, cluster.phrases = name, phrases


def _unit(vector: npt.NDArray[np.floating]) -> npt.NDArray[np.float32]:
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm else vector).astype(np.float32)
