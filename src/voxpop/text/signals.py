"""Signals in what customers write, each tied to the sentence that triggered it: churn intent, urgency or
risk (legal threat, safety, media), customer effort, suggestions, and emotions.

Rules, not a model: each pattern is readable, testable and explains itself by the phrase it matched, which is
what an agent needs before calling a customer. Negated mentions ("I'm not cancelling") do not count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

KINDS = ("churn_intent", "urgency", "effort", "suggestion", "emotion")


@dataclass(frozen=True)
class SignalHit:
    kind: str
    detail: str
    sentence_index: int
    phrase: str


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")", re.IGNORECASE)


_RULES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "churn_intent",
        "leaving",
        _rx(
            r"(?:i'?m|i am|we'?re|we are|will be|i'?ll be|going to be|gonna be)"
            r" (?:cancel+ing|leaving|closing|switching|done with)",
            r"(?:i|we)(?:'ll| will| want to| wanna| have to| am going to| are going to|'m going to|'re going to)"
            r" (?:cancel|leave|close|switch|quit|stop using|take my business|find another)",
            r"(?:i|we) (?:just )?(?:cancel+ed|closed|terminated|quit|left) (?:my|our|the)"
            r" (?:account|subscription|membership|contract|plan|service)",
            r"cancel(?:ing|ling)? my (?:account|subscription|membership|contract|plan|order|service)",
            r"switch(?:ing|ed)? (?:over )?to (?!a\b|the\b|another seat)\w+",
            r"(?:never|won'?t|will not|not going to) (?:\w+ )?(?:fly|buy|shop|order|use|book)(?:ing)?"
            r"(?: with| from)? (?:you|again|\w+ again)",
            r"last time (?:i|we)(?:'ll| will)? (?:fly|buy|shop|order|use|book)",
            r"take (?:my|our) business elsewhere",
            r"lost (?:a|me as a) customer",
            r"looking for (?:another|a new|a different) (?:provider|bank|airline|carrier|company|supplier)",
        ),
    ),
    (
        "urgency",
        "legal",
        _rx(
            r"lawyer",
            r"attorney",
            r"su(?:e|ing) (?:you|them)",
            r"legal action",
            r"lawsuit",
            r"small claims",
            r"ombudsman",
            r"court",
        ),
    ),
    (
        "urgency",
        "safety",
        _rx(
            r"unsafe",
            r"dangerous",
            r"injur(?:ed|y)",
            r"hurt (?:me|myself|my)",
            r"fire hazard",
            r"food poisoning",
            r"allergic reaction",
            r"safety (?:issue|hazard|concern)",
        ),
    ),
    (
        "urgency",
        "media",
        _rx(
            r"going (?:to the )?(?:press|media|viral)",
            r"tell (?:all )?my followers",
            r"journalist",
            r"post(?:ing)? (?:this|about this) (?:on|everywhere)",
            r"bbb",
            r"better business bureau",
        ),
    ),
    (
        "effort",
        "repeated contact",
        _rx(
            r"(?:call|called|phoned|emailed|contacted|chatted with|wrote to) (?:you |them |support )?(?:\w+ )?"
            r"(?:twice|three times|four times|five times|\d+ times|several times|multiple times|many times"
            r"|again and again|repeatedly)",
            r"(?:on|been on) hold for",
            r"(?:still )?waiting (?:for|on) (?:a |an )?(?:response|reply|answer|call ?back|refund) (?:for|since)",
            r"transferred (?:\w+ )?(?:times|again|around)",
            r"had to (?:call|explain|repeat|chase|ask|go back)",
            r"no one (?:ever )?(?:answers|calls back|responds)",
            r"runaround",
        ),
    ),
    (
        "suggestion",
        "idea",
        _rx(
            r"(?:it )?would be (?:great|nice|good|helpful|awesome|better|lovely|useful) (?:if|to)",
            r"(?:you|they) should (?:add|have|offer|make|let|allow|consider|bring|provide|include|put)",
            r"(?:please|pls|plz) (?:add|bring back|consider|offer|make|allow|let)",
            r"i(?:'d| would) (?:love|like) (?:to see|it if|an? option)",
            r"wish (?:you|there was|there were|it had|they had|i could)",
            r"(?:suggest|suggestion|recommend that you|feature request|idea:)",
            r"why (?:not|don'?t you) (?:add|offer|have|make|let)",
            r"could you (?:please )?(?:add|offer|make|consider)",
        ),
    ),
    (
        "emotion",
        "anger",
        _rx(
            r"furious",
            r"angry",
            r"outraged",
            r"livid",
            r"pissed",
            r"disgusted",
            r"unacceptable",
            r"ridiculous",
            r"fed up",
        ),
    ),
    (
        "emotion",
        "frustration",
        _rx(
            r"frustrat\w*", r"annoy\w*", r"irritat\w*", r"so tired of", r"sick of", r"exasperat\w*", r"fed up"
        ),
    ),
    (
        "emotion",
        "disappointment",
        _rx(r"disappoint\w*", r"let down", r"expected (?:better|more)", r"shame", r"underwhelm\w*"),
    ),
    (
        "emotion",
        "joy",
        _rx(
            r"love[ds]?\b",
            r"delighted",
            r"amazing",
            r"awesome",
            r"fantastic",
            r"wonderful",
            r"happy",
            r"excellent",
            r"great experience",
        ),
    ),
    (
        "emotion",
        "gratitude",
        _rx(r"thank(?:s| you)", r"grateful", r"appreciate[ds]?", r"kudos", r"shout ?out"),
    ),
)
_NEGATION = re.compile(r"\b(?:not|never|no|n't|nothing|without)\W+(?:\w+\W+){0,2}$", re.IGNORECASE)
_NEGATABLE = {"churn_intent", "emotion"}


def detect(sentences: Sequence[str]) -> list[SignalHit]:
    """Every signal in `sentences`, at most one per (kind, detail) per sentence, in sentence order."""
    hits: list[SignalHit] = []
    for index, sentence in enumerate(sentences):
        for kind, detail, pattern in _RULES:
            match = next((m for m in pattern.finditer(sentence) if not _negated(kind, sentence, m)), None)
            if match:
                hits.append(SignalHit(kind, detail, index, match.group(0)))
    return hits


def _negated(kind: str, sentence: str, match: re.Match[str]) -> bool:
    if kind not in _NEGATABLE or (kind == "churn_intent" and "never" in match.group(0).lower()):
        return False
    return bool(_NEGATION.search(sentence[: match.start()]))
