"""The quantised sentence encoder: built on this machine from the packaged weights, close to full precision."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voxpop.text import embeddings, quantised

SENTENCES = [
    "The delivery arrived eight days late and nobody told me why.",
    "Thank you so much, the driver was lovely!",
    "Can I change the address on my order?",
    "The sofa cushions are already torn after a week.",
    "Your app keeps logging me out when I try to pay.",
    "I have been charged twice for the same membership.",
    "Great prices and the quality is excellent.",
    "Please add an option to pick a delivery time slot.",
]


def test_the_quantised_model_is_built_offline_from_the_packaged_weights(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # any attempt to reach a model hub fails
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    source = Path(embeddings.default_model_path())
    built = quantised.cached_model(source, tmp_path / "cache")
    assert built.parent == tmp_path / "cache" and built.name.startswith(source.name)
    weights = (source / "model.safetensors").stat().st_size
    assert built.stat().st_size < weights / 3  # int8 matrices instead of float32
    assert quantised.cached_model(source, tmp_path / "cache") == built  # cached: not built again
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [built.name]  # no work files left behind
    vectors = quantised.Encoder.load(built, source).encode(SENTENCES, batch_size=3)
    assert vectors.shape == (len(SENTENCES), embeddings.DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_quantised_embeddings_agree_with_the_full_precision_model() -> None:
    full = embeddings.encode("", SENTENCES, backend="torch")
    fast = embeddings.encode("", SENTENCES, backend="onnx-int8")
    agreement = (full * fast).sum(axis=1)
    assert agreement.min() >= 0.95
    # each sentence is still nearest to itself among the full-precision embeddings
    assert list((fast @ full.T).argmax(axis=1)) == list(range(len(SENTENCES)))


def test_a_sentence_embeds_nearly_the_same_in_a_batch_as_alone() -> None:
    """Dynamic quantisation scales activations per batch, so the batch moves an embedding slightly."""
    together = embeddings.encode("", SENTENCES, batch_size=8, backend="onnx-int8")
    alone = np.stack([embeddings.encode("", [s], backend="onnx-int8")[0] for s in SENTENCES])
    assert (together * alone).sum(axis=1).min() >= 0.98  # and padding does not leak into the mean
