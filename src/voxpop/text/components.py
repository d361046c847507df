"""The pipeline's documents and the component interface, like spaCy's: each component takes a batch of
documents and returns them with what it adds, declares what it needs and sets, and is registered by name
and version, so a stored analysis says which components made it and a changed version re-analyses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from voxpop.text.sentiment import Sentiment
from voxpop.text.signals import SignalHit


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    language: str = "en"
    supported: bool = True
    embedding: npt.NDArray[np.float32] | None = None
    sentiment: Sentiment | None = None
    theme_id: str | None = None
    theme_similarity: float | None = None


@dataclass
class Doc:
    """One text on its way through the pipeline. `text` is the cleaned, redacted text that is stored."""

    raw: str
    text: str = ""
    language: str = "und"
    language_confidence: float = 0.0
    supported: bool = False
    flags: list[str] = field(default_factory=list)
    redactions: Counter[str] = field(default_factory=Counter)
    sentences: list[Sentence] = field(default_factory=list)
    sentiment: Sentiment | None = None
    signals: list[SignalHit] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    """What the components need from settings, passed in so that components stay pure."""

    model: str = ""
    backend: str = "onnx-int8"
    sentiment_head: str = ""
    max_chars: int = 50_000
    phone_region: str = "US"
    mask_names: bool = True
    languages: tuple[str, ...] = ("en",)
    batch_size: int = 64


class Component(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def needs(self) -> tuple[str, ...]: ...
    @property
    def sets(self) -> tuple[str, ...]: ...

    def __call__(self, docs: list[Doc], options: Options) -> list[Doc]: ...


_registry: dict[str, Component] = {}


def register(component: Component) -> Component:
    _registry[component.name] = component
    return component


def component(name: str) -> Component:
    try:
        return _registry[name]
    except KeyError:
        raise KeyError(f"no text component named {name!r}; known: {sorted(_registry)}") from None


def registered() -> dict[str, Component]:
    return dict(_registry)


@dataclass(frozen=True)
class FunctionComponent:
    """A component made from a function over a batch."""

    name: str
    version: str
    needs: tuple[str, ...]
    sets: tuple[str, ...]
    run: Callable[[list[Doc], Options], list[Doc]]

    def __call__(self, docs: list[Doc], options: Options) -> list[Doc]:
        return self.run(docs, options)
