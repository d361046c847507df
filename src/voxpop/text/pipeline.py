"""The text pipeline: clean → language → redact → sentences → embed → signals → sentiment (→ themes).

`analyse_texts` is the one entry point, used by the background jobs, `voxpop analyze` and the benchmarks
alike. Models load once per process; nothing here touches the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np

from voxpop.kit import redaction
from voxpop.text import cleaning, embeddings, language, sentences, sentiment, signals
from voxpop.text.components import Doc, FunctionComponent, Options, Sentence, component, register

DEFAULT_COMPONENTS = ("clean", "language", "redact", "sentences", "embed", "signals", "sentiment")


def _stage(
    name: str, version: str, needs: tuple[str, ...], sets: tuple[str, ...]
) -> Callable[[Callable[[list[Doc], Options], list[Doc]]], Callable[[list[Doc], Options], list[Doc]]]:
    def wrap(run: Callable[[list[Doc], Options], list[Doc]]) -> Callable[[list[Doc], Options], list[Doc]]:
        register(FunctionComponent(name, version, needs, sets, run))
        return run

    return wrap


@_stage("clean", "1", (), ("text", "flags"))
def _clean(docs: list[Doc], options: Options) -> list[Doc]:
    for doc in docs:
        doc.text = cleaning.clean(doc.raw, options.max_chars)
        if len(doc.raw) > options.max_chars:
            doc.flags.append("truncated")
        if not doc.text:
            doc.flags.append("empty")
        elif not cleaning.has_words(doc.text):
            doc.flags.append("no_words")
    return docs


@_stage("language", "1", ("text",), ("language", "supported"))
def _language(docs: list[Doc], options: Options) -> list[Doc]:
    for doc in docs:
        detected = language.detect(doc.text, default=options.languages[0])
        doc.language, doc.language_confidence = detected.code, detected.confidence
        doc.supported = detected.code in options.languages or (
            detected.code == language.UNDETERMINED and "no_words" in doc.flags
        )
        if detected.code not in options.languages and detected.code != language.UNDETERMINED:
            doc.flags.append("language_not_supported")
    return docs


@_stage("redact", "1", ("text",), ("text", "redactions"))
def _redact(docs: list[Doc], options: Options) -> list[Doc]:
    for doc in docs:
        entered = redaction.placeholders(doc.text)  # what was redacted where the record entered counts too
        result = redaction.redact(doc.text, options.phone_region, options.mask_names)
        doc.text, doc.redactions = result.text, entered + result.found
    return docs


@_stage("sentences", "1", ("text", "language"), ("sentences",))
def _sentences(docs: list[Doc], options: Options) -> list[Doc]:
    for doc in docs:
        doc.sentences = [
            Sentence(s.start, s.end, s.text, doc.language, doc.supported) for s in sentences.split(doc.text)
        ]
        if len(doc.sentences) > 1:
            _detect_sentence_languages(doc, options)
    return docs


def _detect_sentence_languages(doc: Doc, options: Options) -> None:
    """Mixed-language texts: a sentence long enough to tell keeps its own language and support."""
    for sentence in doc.sentences:
        if len(sentence.text.split()) >= 4:
            sentence.language = language.detect(sentence.text, default=options.languages[0]).code
            sentence.supported = sentence.language in options.languages
    if any(s.supported for s in doc.sentences) and not doc.supported:
        doc.supported = True
        doc.flags.append("mixed_languages")


@_stage("embed", "3", ("sentences",), ("sentences.embedding",))
def _embed(docs: list[Doc], options: Options) -> list[Doc]:
    pieces = [s for doc in docs for s in doc.sentences]
    model_texts = [cleaning.words_of(sentences.without_connective(s.text)) for s in pieces]
    vectors = embeddings.encode(options.model, model_texts, options.batch_size, options.backend)
    for piece, vector in zip(pieces, vectors, strict=True):
        piece.embedding = vector
    return docs


@_stage(
    "sentiment", "2", ("sentences.embedding", "supported", "signals"), ("sentiment", "sentences.sentiment")
)
def _sentiment(docs: list[Doc], options: Options) -> list[Doc]:
    scored = [s for doc in docs for s in doc.sentences if s.supported and s.embedding is not None]
    if not scored:
        return docs
    vectors = np.stack([s.embedding for s in scored if s.embedding is not None])
    probabilities = sentiment.probabilities(vectors, sentiment.head_file(options.sentiment_head))
    by_sentence = {id(s): p for s, p in zip(scored, probabilities, strict=True)}
    for doc in docs:
        own = [(s, by_sentence[id(s)]) for s in doc.sentences if id(s) in by_sentence]
        for piece, p in own:
            piece.sentiment = sentiment.Sentiment.of(p)
        doc.sentiment = sentiment.of_record(
            np.array([p for _, p in own]), [s.text for s, _ in own], [(h.kind, h.detail) for h in doc.signals]
        )
    return docs


@_stage("signals", "3", ("sentences", "supported"), ("signals",))
def _signals(docs: list[Doc], options: Options) -> list[Doc]:
    for doc in docs:
        if doc.supported:
            doc.signals = signals.detect([s.text for s in doc.sentences])
    return docs


def version_key(names: Sequence[str], options: Options) -> str:
    """Which components, versions, model and sentiment head made an analysis; a change means re-analyse."""
    parts = [f"{name}@{component(name).version}" for name in names]
    head_file = sentiment.head_file(options.sentiment_head)
    heads = [head_file] + ([sentiment.RECORD_HEAD_FILE] if sentiment.RECORD_HEAD_FILE.is_file() else [])
    head = (
        "".join(hashlib.sha256(f.read_bytes()).hexdigest()[:8] for f in heads) if "sentiment" in names else ""
    )
    model = f"{options.model or 'all-MiniLM-L6-v2'}" + (
        "" if options.backend == "torch" else f"@{options.backend}"
    )
    return "+".join(parts) + f"|model={model}|head={head}"


def analyse_texts(
    texts: Sequence[str], options: Options | None = None, names: Sequence[str] = DEFAULT_COMPONENTS
) -> list[Doc]:
    """Run the pipeline over a batch of texts; one document per text, in order."""
    options = options or Options()
    docs = [Doc(raw=text) for text in texts]
    for name in names:
        docs = component(name)(docs, options)
    return docs
