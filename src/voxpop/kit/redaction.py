"""Redaction of personal data: emails, phone numbers, payment cards (Luhn-checked), IBANs (checksum),
IP addresses, and names where the text gives them away ("my name is …", "ask for …").

Each finding is replaced by a placeholder such as `[email]`; candidates that fail their checksum (a random
16-digit order number, say) are left alone. Records are redacted where they enter (`source_redactor`, setting
TEXT_REDACT_SOURCE), and the text pipeline redacts what it reads again.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import phonenumbers
from phonenumbers import PhoneMetadata
from phonenumbers.phonenumbermatcher import _PATTERN as _PHONE_CANDIDATE  # the matcher's own
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import luhn

from voxpop.kit.settings import Settings

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6 = re.compile(r"(?<![\w:])(?=[0-9a-fA-F:]*:[0-9a-fA-F]*:)[0-9a-fA-F:]{3,39}(?![\w:])")
_NAME_CUE = re.compile(
    r"\b(?:[Mm]y name is|[Nn]ame's|this is|i am|i'm|[Aa]sk for|[Ss]poke (?:to|with)|[Tt]alked to|agent|rep"
    r"|representative)\s+((?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+)?)"
)  # the unambiguous cues also where a sentence starts ("My name is …"); "This is Great" is no name
KINDS = ("email", "iban", "card", "ip", "phone", "name")
_PLACEHOLDER = re.compile(r"\[(" + "|".join(KINDS) + r")\]")
_NOT_DIGITS = re.compile(r"\D+")
_IBAN_DIGITS, _IPV4_DIGITS, _CARD_DIGITS = 2, 4, 13  # fewer digits than a match of the pattern needs
_NAME_HINTS = (
    "ame is",
    "ame's",
    "this is",
    "i am",
    "i'm",
    "sk for",
    "poke to",
    "poke with",
    "alked to",
    "agent",
    "rep",
)
_INTERNATIONAL_PHONE_DIGITS = 6  # the shortest valid number anywhere with its country code (+43 and 4 digits)
_NOT_NAMES = {
    "The",
    "A",
    "An",
    "Not",
    "So",
    "Very",
    "Just",
    "Still",
    "Really",
    "Your",
    "Our",
    "My",
    "This",
    "It",
}


@dataclass
class Redacted:
    text: str
    found: Counter[str] = field(default_factory=Counter)


def redact(text: str, phone_region: str = "US", mask_names: bool = True) -> Redacted:
    """`text` with personal data replaced by placeholders, and how many of each kind were found. A detector
    is skipped where it cannot match (no `@`, too few digits, no cue for a name: `_NAME_HINTS` holds a piece of
    every cue), and the slow phone matcher runs only where its own candidate pattern finds enough digits."""
    result = Redacted(text)
    if "@" in text:
        _replace(result, "email", _EMAIL, lambda _: True)
    digits = len(_NOT_DIGITS.sub("", text))
    if digits >= _IBAN_DIGITS:
        _replace(result, "iban", _IBAN, _valid_iban)
    if digits >= _CARD_DIGITS:
        _replace(result, "card", _CARD, lambda m: luhn.is_valid(re.sub(r"\D", "", m)))
    if digits >= _IPV4_DIGITS:
        _replace(result, "ip", _IPV4, _valid_ip)
    if text.count(":") >= 2:
        _replace(result, "ip", _IPV6, _valid_ip)
    if digits >= _fewest_phone_digits(phone_region) and _may_hold_phone(result.text, phone_region):
        _replace_phones(result, phone_region)
    if mask_names and any(hint in text for hint in _NAME_HINTS):
        _replace_names(result)
    return result


def placeholders(text: str) -> Counter[str]:
    """How many placeholders of each kind the text holds already (redacted where it entered)."""
    return Counter(_PLACEHOLDER.findall(text))


def _may_hold_phone(text: str, region: str) -> bool:
    fewest = _fewest_phone_digits(region)
    return any(sum(map(str.isdigit, m.group())) >= fewest for m in _PHONE_CANDIDATE.finditer(text))


@cache
def _fewest_phone_digits(region: str) -> int:
    """Fewer digits than this cannot make a valid phone number, national (`region`) or international."""
    metadata = PhoneMetadata.metadata_for_region(region.upper())
    lengths = metadata.general_desc.possible_length if metadata and metadata.general_desc else None
    return min(_INTERNATIONAL_PHONE_DIGITS, *(lengths or (1,)))


@dataclass(frozen=True)
class Redactor:
    """Redacts what a record brings, with the installation's phone region and name setting."""

    phone_region: str = "US"
    mask_names: bool = True

    def text(self, value: str) -> str:
        return redact(value, self.phone_region, self.mask_names).text

    def optional(self, value: str | None) -> str | None:
        return None if value is None else self.text(value)

    def values(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The mapping with every text value redacted; numbers, flags and keys as they are."""
        return {key: self.text(value) if isinstance(value, str) else value for key, value in data.items()}


def source_redactor(settings: Settings) -> Redactor | None:
    """How records are redacted where they enter, or None when TEXT_REDACT_SOURCE is off."""
    if not settings.text_redact_source:
        return None
    return Redactor(settings.default_phone_region, settings.text_mask_names)


def _replace(result: Redacted, kind: str, pattern: re.Pattern[str], valid: Callable[[str], bool]) -> None:
    def substitute(match: re.Match[str]) -> str:
        if not valid(match.group(0)):
            return match.group(0)
        result.found[kind] += 1
        return f"[{kind}]"

    result.text = pattern.sub(substitute, result.text)


def _valid_iban(candidate: str) -> bool:
    try:
        IBAN(candidate)
    except SchwiftyException:
        return False
    return True


def _valid_ip(candidate: str) -> bool:
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


def _replace_phones(result: Redacted, region: str) -> None:
    matches = list(phonenumbers.PhoneNumberMatcher(result.text, region, leniency=phonenumbers.Leniency.VALID))
    for match in reversed(matches):
        result.text = result.text[: match.start] + "[phone]" + result.text[match.end :]
        result.found["phone"] += 1


def _replace_names(result: Redacted) -> None:
    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.split()[0] in _NOT_NAMES:
            return match.group(0)
        result.found["name"] += 1
        return match.group(0)[: match.start(1) - match.start(0)] + "[name]"

    result.text = _NAME_CUE.sub(substitute, result.text)
