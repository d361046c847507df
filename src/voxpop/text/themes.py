"""Themes of a workspace: assignment of sentences, discovery runs that respect curation, and the curation
operations (rename, merge, split, move, delete, add from examples).

Curation is kept: a theme a person touched is `edited`, and a later discovery run never renames, moves or
removes it; what discovery finds that no theme (live or deleted) already covers becomes a *proposed* theme.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from voxpop.kit import clock
from voxpop.kit.errors import Invalid, NotFound, Problem
from voxpop.text import discovery, embeddings, repository
from voxpop.text.models import Theme, ThemeStatus

SAME_THEME = 0.85
"""Cosine similarity above which a discovered cluster is taken to be an existing (or deleted) theme."""
DISCOVERY_SAMPLE = 100_000


@dataclass(frozen=True)
class ThemeSet:
    """The leaves sentences are assigned to: sub-themes, and themes that have none."""

    ids: list[uuid.UUID]
    matrix: npt.NDArray[np.float32]
    version: str
    labels: dict[uuid.UUID, str]
    """"Theme › Sub-theme" for each leaf."""

    def assign(
        self, vectors: npt.NDArray[np.float32], min_similarity: float
    ) -> list[tuple[uuid.UUID | None, float | None]]:
        if not self.ids or len(vectors) == 0:
            return [(None, None)] * len(vectors)
        similarity = vectors @ self.matrix.T
        best = similarity.argmax(axis=1)
        return [
            (self.ids[j], round(float(similarity[i, j]), 4))
            if similarity[i, j] >= min_similarity
            else (None, None)
            for i, j in enumerate(best)
        ]


def theme_set(session: Session, workspace_id: uuid.UUID) -> ThemeSet:
    active = repository.themes(session, workspace_id, [ThemeStatus.ACTIVE])
    parents = {t.parent_id for t in active if t.parent_id}
    leaves = [t for t in active if t.id not in parents]
    digest = hashlib.sha256()
    for leaf in leaves:
        digest.update(leaf.id.bytes + leaf.centroid)
    matrix = embeddings.from_bytes([t.centroid for t in leaves])
    names = {t.id: t.name for t in active}
    labels = {t.id: f"{names[t.parent_id]} › {t.name}" if t.parent_id in names else t.name for t in leaves}
    return ThemeSet([t.id for t in leaves], matrix, digest.hexdigest()[:16] if leaves else "none", labels)


def discover(session: Session, workspace_id: uuid.UUID) -> list[Theme]:
    """Run discovery over the workspace's sentences. The first run's themes are active at once; later runs
    only add proposals for what no existing or deleted theme covers. Returns the themes it created."""
    sample = repository.sample_sentences(session, workspace_id, DISCOVERY_SAMPLE)
    vectors = embeddings.from_bytes([blob for _, _, blob in sample])
    clusters = discovery.discover([text for _, text, _ in sample], vectors)
    existing = repository.themes(session, workspace_id)
    status = ThemeStatus.PROPOSED if existing else ThemeStatus.ACTIVE
    known = embeddings.from_bytes([t.centroid for t in existing])
    created: list[Theme] = []
    for cluster in clusters:
        created.extend(
            _add_cluster(session, workspace_id, cluster, known, status, [text for _, text, _ in sample])
        )
    return created


def _add_cluster(
    session: Session,
    workspace_id: uuid.UUID,
    cluster: discovery.Cluster,
    known: npt.NDArray[np.float32],
    status: str,
    texts: Sequence[str],
) -> list[Theme]:
    if _is_known(cluster.centroid, known):
        return []
    parent = repository.add_theme(session, _theme(workspace_id, cluster, status, None, texts))
    children = [
        repository.add_theme(session, _theme(workspace_id, child, status, parent.id, texts))
        for child in cluster.children
        if not _is_known(child.centroid, known)
    ]
    return [parent, *children]


def _is_known(centroid: npt.NDArray[np.float32], known: npt.NDArray[np.float32]) -> bool:
    return bool(len(known) and float((known @ centroid).max()) >= SAME_THEME)


def _theme(
    workspace_id: uuid.UUID,
    cluster: discovery.Cluster,
    status: str,
    parent_id: uuid.UUID | None,
    texts: Sequence[str],
) -> Theme:
    examples = [texts[i] for i in cluster.members[:5]]
    return Theme(
        workspace_id=workspace_id,
        parent_id=parent_id,
        name=cluster.name[:200],
        status=status,
        origin="discovered",
        centroid=embeddings.to_bytes(cluster.centroid),
        phrases={"phrases": cluster.phrases, "examples": examples, "size": len(cluster.members)},
    )


def _get(session: Session, workspace_id: uuid.UUID, theme_id: uuid.UUID) -> Theme:
    found = repository.theme(session, workspace_id, theme_id)
    if found is None or found.status in (ThemeStatus.DELETED, ThemeStatus.MERGED):
        raise NotFound("theme")
    return found


def get(session: Session, workspace_id: uuid.UUID, theme_id: uuid.UUID) -> Theme:
    """A live (active or proposed) theme of the workspace, or 404."""
    return _get(session, workspace_id, theme_id)


def _touch(theme: Theme) -> Theme:
    theme.edited = True
    theme.updated_at = clock.now()
    return theme


def rename(session: Session, workspace_id: uuid.UUID, theme_id: uuid.UUID, name: str) -> Theme:
    theme = _get(session, workspace_id, theme_id)
    theme.name = _valid_name(name)
    return _touch(theme)


def accept(session: Session, workspace_id: uuid.UUID, theme_id: uuid.UUID) -> Theme:
    """A proposed theme becomes active (and counts as curated)."""
    theme = _get(session, workspace_id, theme_id)
    theme.status = ThemeStatus.ACTIVE
    return _touch(theme)


def merge(session: Session, workspace_id: uuid.UUID, source_id: uuid.UUID, target_id: uuid.UUID) -> Theme:
    """`source` joins `target`: its sentences and sub-themes move over, and the target's centroid becomes
    the mean of both, so sentences like either are assigned to the target from now on."""
    source, target = _get(session, workspace_id, source_id), _get(session, workspace_id, target_id)
    if source.id == target.id:
        raise _invalid("target_id", "a theme cannot be merged into itself")
    for child in _children(session, workspace_id, source.id):
        child.parent_id = target.id if target.parent_id is None else target.parent_id
        _touch(child)
    repository.move_sentences(session, workspace_id, source.id, target.id)
    both = embeddings.from_bytes([source.centroid, target.centroid]).mean(axis=0)
    target.centroid = embeddings.to_bytes(both / max(float(np.linalg.norm(both)), 1e-9))
    source.status, source.merged_into_id = ThemeStatus.MERGED, target.id
    _touch(source)
    return _touch(target)


def move(
    session: Session, workspace_id: uuid.UUID, theme_id: uuid.UUID, parent_id: uuid.UUID | None
) -> Theme:
    """Make a theme a sub-theme of `parent_id`, or a top-level theme when it is None."""
    theme = _get(session, workspace_id, theme_id)
    if parent_id is not None:
        parent = _get(session, workspace_id, parent_id)
        if parent.id == theme.id or parent.parent_id is not None:
            raise _invalid("parent_id", "the new parent must be another top-level theme (two levels at most)")
        if _children(session, workspace_id, theme.id):
            raise _invalid(
                "theme_id", "a theme with sub-themes cannot become a sub-theme (two levels at most)"
            )
    theme.parent_id = parent_id
    return _touch(theme)


def delete(session: Session, workspace_id: uuid.UUID, theme_id: uuid.UUID) -> Theme:
    """Delete a theme and its sub-themes; they stay as tombstones so discovery does not bring them back."""
    theme = _get(session, workspace_id, theme_id)
    gone = [theme, *_children(session, workspace_id, theme.id)]
    for each in gone:
        each.status = ThemeStatus.DELETED
        _touch(each)
    repository.unassign_theme(session, workspace_id, [each.id for each in gone])
    return theme


def add(
    session: Session,
    workspace_id: uuid.UUID,
    name: str,
    examples: Sequence[str],
    model: str,
    parent_id: uuid.UUID | None = None,
) -> Theme:
    """A theme a person describes by a few example phrases; its centroid is their mean embedding."""
    phrases = [e.strip() for e in examples if e.strip()]
    if not phrases:
        raise _invalid("examples", "give at least one example phrase")
    if parent_id is not None and _get(session, workspace_id, parent_id).parent_id is not None:
        raise _invalid("parent_id", "the parent must be a top-level theme (two levels at most)")
    centroid = embeddings.encode(model, phrases).mean(axis=0)
    theme = Theme(
        workspace_id=workspace_id,
        parent_id=parent_id,
        name=_valid_name(name),
        origin="human",
        centroid=embeddings.to_bytes(centroid / max(float(np.linalg.norm(centroid)), 1e-9)),
        phrases={"phrases": phrases[:10], "examples": phrases[:10]},
    )
    return _touch(repository.add_theme(session, theme))


def split(session: Session, workspace_id: uuid.UUID, theme_id: uuid.UUID) -> list[Theme]:
    """Split a theme's sentences in two (k-means, k=2) into two new sub-themes under it (under its parent
    when it is a sub-theme, which then goes away)."""
    theme = _get(session, workspace_id, theme_id)
    sample = repository.sample_sentences(session, workspace_id, 20_000, [theme.id])
    if len(sample) < 4:
        raise _invalid("theme_id", f"the theme has {len(sample)} sentences; splitting needs at least 4")
    from sklearn.cluster import KMeans

    texts = [text for _, text, _ in sample]
    vectors = embeddings.from_bytes([blob for _, _, blob in sample])
    labels = KMeans(2, random_state=discovery.SEED, n_init=5).fit_predict(vectors)
    halves = [
        discovery.Cluster(
            "", [], _unit_mean(vectors[labels == k]), [int(i) for i in np.flatnonzero(labels == k)]
        )
        for k in (0, 1)
    ]
    discovery.label(texts, halves)
    parent_id = theme.parent_id or theme.id
    if theme.parent_id is not None:
        theme.status = ThemeStatus.DELETED
        _touch(theme)
    repository.unassign_theme(session, workspace_id, [theme.id])
    made = [
        repository.add_theme(session, _theme(workspace_id, half, ThemeStatus.ACTIVE, parent_id, texts))
        for half in halves
    ]
    return [_touch(each) for each in made]


def _children(session: Session, workspace_id: uuid.UUID, theme_id: uuid.UUID) -> list[Theme]:
    live = repository.themes(session, workspace_id, [ThemeStatus.ACTIVE, ThemeStatus.PROPOSED])
    return [t for t in live if t.parent_id == theme_id]


def _unit_mean(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    mean = vectors.mean(axis=0)
    unit: npt.NDArray[np.float32] = (mean / max(float(np.linalg.norm(mean)), 1e-9)).astype(np.float32)
    return unit


def _valid_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise _invalid("name", "a theme name has 1 to 200 characters")
    return name


def _invalid(field: str, reason: str) -> Invalid:
    return Invalid(f"{field}: {reason}", [Problem(reason, field)])
