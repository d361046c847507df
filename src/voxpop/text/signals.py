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


# Pieces shared by the churn and suggestion rules (matched on lower- or upper-case alike, except where noted).
_NAMED = (
    r"(?:you\b|@\w+|(?!I\b)(?-i:[a-z]?[A-Z])\w*)"  # the company: "you", a handle or a name ("United", "eBay")
)
_ACCOUNT = r"(?:my|our|the) (?:\w+ ){0,2}(?:account|subscription|membership|contract|plan|service)s?\b"
_INTEND = (
    r"(?:i'm|i am|we're|we are|i'll be|we'll be|will be|going to be|gonna be|(?:thinking|thought) (?:of|about)"
    r"|considering|time to|ready to|about to|(?:i|we)(?:'ll| will| want to| wanna| have to|'m going to| am going to"
    r"|'re going to| are going to|'m gonna| might| may| plan to))"
    r"(?: (?:so|really|officially|seriously|definitely|totally|just|now|finally))?"
)
_LEAVE = (
    r"(?:be )?(?:done with|cancel+(?:ing)?\b(?! (?:my|the|this|that|our|an?|it|one|\d)\b)|leav(?:e|ing) (?:"
    + _NAMED
    + r"|for good|for (?:another|a competitor))"
    r"|switch(?:ing)? (?:(?:away )?from " + _NAMED + r"|providers|carriers|airlines|banks|networks)"
    r"|quit(?:ting)? you|stop(?:ping)? using|tak(?:e|ing) (?:my|our) (?:business|money)|go(?:ing)? elsewhere"
    r"|(?:find|finding|look for|looking for) (?:another|a new|a different)"
    r" (?:provider|bank|airline|carrier|company|supplier|network|service))"
)
_NEVER_AGAIN = (
    r"(?:never|won't|will not|not going to|not gonna) (?:\w+ )?(?:fly|flying|buy|buying|shop|shopping|order|ordering"
    r"|use|using|book|booking|choose|choosing|deal|dealing|recommend|recommending)(?: with| from| at)?"
    r" (?:your\b|again|\w+ again|" + _NAMED + ")"
)
_NOT_ME = r"(?! (?:me|us|my|our)\b)"  # "add me to the flight", "allow me to": one's own case, not a change
_CHANGE = (
    r"(?:(?:add|offer|allow|upgrade)\b"
    + _NOT_ME
    + r"|consider|bring back|include|require|introduce|implement"
    r"|hire|hide|lock|let (?:people|customers|users|passengers|members|everyone|families|travel+ers)\b"
    r"|let us (?:choose|pick|pay|pause|select|book|track|save|skip|keep|order)\b"
    r"|make(?! (?:sure|it right|this|that|me|us|sense|it quick|it fast|it snappy)\b)"
    r"|have (?!a look)(?:an?|more|some|free|better|the option)\b)"
)
_ADVERB = r"(?: really| seriously| just| definitely| at least| also)?"
_FEATURE = r"(?:option|feature|setting|button|way|mode|filter|toggle|choice|link|app|version)s?\b"
_PEOPLE = r"(?:staff|employees|people|agents|crew|workers|team|drivers|customers|users|passengers|members|travel+ers)"
_OFFER = (  # what a company could add or change; not a verb about one's own case ("get me", "tell me")
    r"(?:add(?:ed)?|offer(?:ed)?|allow(?:ed)?|introduce[d]?|include[d]?|support(?:ed)?|bring back|let "
    + _PEOPLE
    + r"|have (?!a look)|get more|hire|figure out|put (?:in|on) (?:more|an?)|give (?:your |the )?"
    + _PEOPLE
    + r"|make (?:it|them|this) (?:free|easier|possible|optional|automatic|an option)|provide|open more)"
)
_NOT_OWN = r"(?!\w* (?:me|my|us|our)\b)"
_PROPOSAL = (  # "Spotify should add…", "you need to hire…", "the procedure should be to…"; not "I/we should…"
    r"(?<!')(?!(?:i|we|he|she|but|and|or|so|just|still|then|who|me)\b)\w+"
    + _ADVERB
    + r" (?:should|ought to|could|need to|needs to)"
    + _ADVERB
    + r" (?:"
    + _CHANGE
    + r"|be (?:able|allowed|locked|free|automatic|standard|default|optional|required|to)\b)"
)

_RULES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "churn_intent",
        "leaving",
        _rx(
            r"(?:cancel+(?:ed|ing)?|clos(?:e|ed|ing)|terminat(?:e|ed|ing)) " + _ACCOUNT,
            _INTEND + " " + _LEAVE,
            r"switch(?:ing|ed)? (?:over )?to " + _NAMED,
            r"(?<=#)switch\w*",
            _NEVER_AGAIN,
            r"never again\b",
            r"last time (?:i|we)(?:'ll| will)? (?:ever )?(?:fly|buy|shop|order|use|book)",
            r"tak(?:e|ing) (?:my|our) business elsewhere",
            r"lost (?:a|me as a) customer",
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
            r"(?:it )?(?:would|'d) be (?:great|nice|good|helpful|awesome|better|lovely|useful)"
            r" (?:if|to(?! (?:know|get|hear|speak|talk|have someone)))",
            _PROPOSAL,
            r"needs? (?:an?|more|some) (?:\w+ ){0,2}(?:feature|option|setting|system|way|button|process|policy)s?\b",
            r"(?:please|pls|plz) (?:"
            + _CHANGE
            + r"|give (?:us|people|customers|users) (?:the |an? )?option)",
            r"(?<!how )(?:can|could) you (?:please )?(?:" + _CHANGE + r")",
            r"^(?:add|upgrade|bring back|hire|introduce|implement)(?= (?!me\b|us\b|up\b)[^.?!]*!)",
            r"bring back(?! (?:my|our)\b)",
            r"i(?:'d| would) (?:love|like) (?:to see|it if|an? option)",
            r"as an? (?:\w+ )?(?:user|customer|member|subscriber|passenger|flyer),? i (?:would like|want|need)",
            r"wish (?:there (?:was|were|is)|" + _NAMED + r"(?: guys| all)?"
            r" (?:would(?! have|'ve)|wouldn't|could|had|offered|let|allowed|made|sold|did|didn't|still))",
            r"hope (?:it|this|that|you|they)(?:'ll| will| can| could| would)? (?:\w+ ){0,3}(?:as )?an?"
            r" (?:option|feature|setting)",
            r"(?:i|we) (?:would )?suggest(?! (?:others|everyone|people|you all|y'all|that others)\b)",
            r"(?:a|one) suggestion|suggestion:|recommend that you|feature request|idea:",
            r"why (?:not|don't you|doesn't \w+|isn't it|is it not|can't you|won't you) (?:just )?"
            r"(?:" + _CHANGE + r"|have|automatic(?:ally)?|free|an option)",
            r"surprised (?:that )?(?:you|they)(?: all| guys)? (?:don't|do not|haven't|can't|won't)",
            r"maybe if (?:you|they)",
            r"fix (?:the|your) (?:\w+ ){0,4}(?:process|policy|procedure)",
            # general forms of a proposal, written from text other than the labelled sets
            r"maybe (?:an?|some|more|adding|add|offer(?:ing)?) (?:\w+ ){0,3}" + _FEATURE,
            r"(?:how|what) about (?:an?|some|more|adding|offering|having|letting) (?:\w+ ){0,3}" + _FEATURE,
            r"why (?:not|don't|doesn't|haven't|hasn't|can't|won't|isn't|aren't)(?: (?:you|they|it|your \w+(?: \w+)?))?"
            r"(?: guys| all)?(?: just)? " + _NOT_OWN + _OFFER,
            r"shouldn't (?!i\b|we\b|you be\b)(?:\w+ ){1,3}(?:disappear|go away|be (?:free|included|cheaper|lower"
            r"|standard|automatic|optional|refundable))",
            r"there (?:should|needs to|ought to|has to) be (?:an?|more|some|the option|a way|an option)\b",
            r"(?:^|[:!.] )(?:remove|drop|scrap|get rid of|lower|reduce|extend|expand|improve|upgrade|update)"
            r" (?:your|the) (?:\w+ ){0,2}(?:requirement|policy|fees?|rules?|process|system|prices?|charges?"
            r"|limits?|hours|menu|fleet|app|website|site)\b",
            r"(?:give|pay) your (?:\w+ ){0,2}" + _PEOPLE + r" (?:a raise|more|better|the option)",
            r"(?:hire|get|need) more (?:\w+ )?(?:staff|agents|people|drivers|crew|flights|seats|options|routes"
            r"|stores|checkouts|tills|counters|lanes|payment options)\b",
            r"(?:any|is there a) (?:chance|plans?) (?:of|to|that|you(?:'ll| will| could| would)?) (?:\w+ )?"
            r"(?:add|offer|bring|introduce|allow|support|make|open|get)(?:ing)?\b" + _NOT_OWN,
            r"when (?:will|are) you (?:going to |guys )?(?:add|offer|bring back|introduce|allow|support|start offering)"
            + _NOT_OWN,
            r"(?:i|we)(?:'d| would) (?:love|like) (?:an?|the|more|some) (?:\w+ ){0,2}" + _FEATURE,
            r"(?:you|they|\w+) (?:should|could|need to|ought to)(?: really| seriously)? (?:consider|look into|think about)"
            r" (?:\w+ing|an?|more|some)\b",
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
_SELF_NEGATED = re.compile(r"\b(?:never|not|won't)\b", re.IGNORECASE)  # "never again" is not a negated churn


def detect(sentences: Sequence[str]) -> list[SignalHit]:
    """Every signal in `sentences`, at most one per (kind, detail) per sentence, in sentence order."""
    hits: list[SignalHit] = []
    for index, sentence in enumerate(sentences):
        plain = sentence.replace("\u2019", "'")  # same length: the phrase is cut from `sentence`
        for kind, detail, pattern in _RULES:
            match = next((m for m in pattern.finditer(plain) if not _negated(kind, plain, m)), None)
            if match:
                hits.append(SignalHit(kind, detail, index, sentence[match.start() : match.end()]))
    return hits


def _negated(kind: str, sentence: str, match: re.Match[str]) -> bool:
    if kind not in _NEGATABLE or (kind == "churn_intent" and _SELF_NEGATED.search(match.group(0))):
        return False
    return bool(_NEGATION.search(sentence[: match.start()]))
