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
SETTLED = -1


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
    """Run discovery on demand. While the workspace has no themes or only provisional ones, this refines
    them (see `refine`); after that, it only adds proposals for what no existing or deleted theme covers.
    Returns the themes it created."""
    if provisional_since(session, workspace_id) != SETTLED:
        before = {t.id for t in repository.themes(session, workspace_id)}
        refine(session, workspace_id, *_seen(session, workspace_id))
        return [t for t in repository.themes(session, workspace_id) if t.id not in before]
    texts, vectors = _sample(session, workspace_id)
    existing = repository.themes(session, workspace_id)
    clusters = discovery.discover(texts, vectors, taken=_top_names(existing))
    known = embeddings.from_bytes([t.centroid for t in existing])
    facts = dict(zip(("records", "seen"), _seen(session, workspace_id), strict=True))
    created: list[Theme] = []
    for cluster in clusters:
        if _is_known(cluster.centroid, known):
            continue
        parent = repository.add_theme(
            session, _theme(workspace_id, cluster, ThemeStatus.PROPOSED, None, texts, facts)
        )
        created.append(parent)
        created.extend(
            repository.add_theme(
                session, _theme(workspace_id, child, ThemeStatus.PROPOSED, parent.id, texts, facts)
            )
            for child in cluster.children
            if not _is_known(child.centroid, known)
        )
    return created


def provisional_since(session: Session, workspace_id: uuid.UUID) -> int:
    """From how many analysed sentences the workspace's provisional themes were discovered: 0 when it has
    no theme at all, `SETTLED` when no theme is provisional any more."""
    existing = repository.themes(session, workspace_id)
    if not existing:
        return 0
    provisional = _provisional(existing)
    return max((int(t.phrases.get("seen", 0)) for t in provisional), default=SETTLED)


def discovered_from(session: Session, workspace_id: uuid.UUID) -> int | None:
    """How many analysed records the workspace's live discovered themes were found from (the latest run)."""
    live = repository.themes(session, workspace_id, [ThemeStatus.ACTIVE, ThemeStatus.PROPOSED])
    found = [int(t.phrases["records"]) for t in live if t.origin == "discovered" and "records" in t.phrases]
    return max(found, default=None)


def refine(session: Session, workspace_id: uuid.UUID, records: int, seen: int) -> bool:
    """Discover themes afresh and put them in place of the provisional ones: a new cluster like a provisional
    theme takes over its id (so links to it hold), provisional themes like no new cluster go, and nothing a
    person touched changes — a new cluster like a curated or deleted theme is left out. Returns whether
    discovery found anything."""
    texts, vectors = _sample(session, workspace_id)
    existing = repository.themes(session, workspace_id)
    provisional = _provisional(existing)
    kept = [t for t in existing if t not in provisional]
    clusters = discovery.discover(texts, vectors, taken=_top_names(kept))
    if not clusters:
        return False
    known = embeddings.from_bytes([t.centroid for t in kept])
    facts = {"records": records, "seen": seen}
    reused: set[uuid.UUID] = set()
    tops = [c for c in clusters if not _is_known(c.centroid, known)]
    old_tops = [t for t in provisional if t.parent_id is None]
    old_subs = [t for t in provisional if t.parent_id is not None]
    for cluster, old in zip(tops, _matches(tops, old_tops), strict=True):
        parent = _put(session, workspace_id, cluster, old, None, texts, facts)
        reused.add(parent.id)
        children = [c for c in cluster.children if not _is_known(c.centroid, known)]
        for child, old_child in zip(children, _matches(children, old_subs), strict=True):
            reused.add(_put(session, workspace_id, child, old_child, parent.id, texts, facts).id)
    repository.delete_themes(session, workspace_id, [t.id for t in provisional if t.id not in reused])
    return True


def _provisional(existing: Sequence[Theme]) -> list[Theme]:
    """Active discovered themes nobody has touched, found from fewer sentences than discovery samples, and
    without a curated sub-theme."""
    curated_parents = {t.parent_id for t in existing if t.edited and t.parent_id}
    return [
        t
        for t in existing
        if t.origin == "discovered"
        and t.status == ThemeStatus.ACTIVE
        and not t.edited
        and int(t.phrases.get("seen", 0)) < DISCOVERY_SAMPLE
        and t.id not in curated_parents
    ]


def _matches(clusters: Sequence[discovery.Cluster], old: list[Theme]) -> list[Theme | None]:
    """For each cluster, the provisional theme it continues (most similar first, each used once), if any."""
    if not clusters or not old:
        return [None] * len(clusters)
    similarity = np.stack([c.centroid for c in clusters]) @ embeddings.from_bytes([t.centroid for t in old]).T
    found: list[Theme | None] = [None] * len(clusters)
    taken: set[int] = set()
    for flat in np.argsort(-similarity, axis=None):
        i, j = divmod(int(flat), len(old))
        if similarity[i, j] < SAME_THEME:
            break
        if found[i] is None and j not in taken:
            found[i] = old[j]
            taken.add(j)
    old[:] = [t for j, t in enumerate(old) if j not in taken]
    return found


def _put(
    session: Session,
    workspace_id: uuid.UUID,
    cluster: discovery.Cluster,
    old: Theme | None,
    parent_id: uuid.UUID | None,
    texts: Sequence[str],
    facts: dict[str, int],
) -> Theme:
    fresh = _theme(workspace_id, cluster, ThemeStatus.ACTIVE, parent_id, texts, facts)
    if old is None:
        return repository.add_theme(session, fresh)
    old.name, old.centroid, old.phrases, old.parent_id = fresh.name, fresh.centroid, fresh.phrases, parent_id
    old.updated_at = clock.now()
    return old


def _sample(session: Session, workspace_id: uuid.UUID) -> tuple[list[str], npt.NDArray[np.float32]]:
    sample = repository.sample_sentences(session, workspace_id, DISCOVERY_SAMPLE)
    return [text for _, text, _ in sample], embeddings.from_bytes([blob for _, _, blob in sample])


def _seen(session: Session, workspace_id: uuid.UUID) -> tuple[int, int]:
    """(analysed records, analysed sentences of supported languages) now."""
    return repository.analysed_counts(session, workspace_id)


def _top_names(existing: Sequence[Theme]) -> list[str]:
    return [
        t.name
        for t in existing
        if t.parent_id is None and t.status in (ThemeStatus.ACTIVE, ThemeStatus.PROPOSED)
    ]


def _is_known(centroid: npt.NDArray[np.float32], known: npt.NDArray[np.float32]) -> bool:
    return bool(len(known) and float((known @ centroid).max()) >= SAME_THEME)


def _theme(
    workspace_id: uuid.UUID,
    cluster: discovery.Cluster,
    status: str,
    parent_id: uuid.UUID | None,
    texts: Sequence[str],
    facts: dict[str, int],
) -> Theme:
    examples = [texts[i] for i in cluster.members[:5]]
    return Theme(
        workspace_id=workspace_id,
        parent_id=parent_id,
        name=cluster.name[:200],
        status=status,
        origin="discovered",
        centroid=embeddings.to_bytes(cluster.centroid),
        phrases={"phrases": cluster.phrases, "examples": examples, "size": len(cluster.members), **facts},
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
    parent_id = theme.parent_id or theme.id
    siblings = [t.name for t in _children(session, workspace_id, parent_id) if t.id != theme.id]
    discovery.label(texts, halves, [_get(session, workspace_id, parent_id).name, *siblings])
    if theme.parent_id is not None:
        theme.status = ThemeStatus.DELETED
        _touch(theme)
    repository.unassign_theme(session, workspace_id, [theme.id])
    made = [
        repository.add_theme(session, _theme(workspace_id, half, ThemeStatus.ACTIVE, parent_id, texts, {}))
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
