"""Redaction of personal data: emails, phone numbers, payment cards (Luhn-checked), IBANs (checksum),
IP addresses, and names where the text gives them away ("my name is …", "ask for …").

Each finding is replaced by a placeholder such as `[email]`; candidates that fail their checksum (a random
16-digit order number, say) are left alone.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import phonenumbers
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import luhn

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6 = re.compile(r"(?<![\w:])(?=[0-9a-fA-F:]*:[0-9a-fA-F]*:)[0-9a-fA-F:]{3,39}(?![\w:])")
_NAME_CUE = re.compile(
    r"\b(?:my name is|name's|this is|i am|i'm|ask for|spoke (?:to|with)|talked to|agent|rep|representative)"
    r"\s+((?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+)?)"
)
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
    """`text` with personal data replaced by placeholders, and how many of each kind were found."""
    result = Redacted(text)
    _replace(result, "email", _EMAIL, lambda _: True)
    _replace(result, "iban", _IBAN, _valid_iban)
    _replace(result, "card", _CARD, lambda m: luhn.is_valid(re.sub(r"\D", "", m)))
    _replace(result, "ip", _IPV4, _valid_ip)
    _replace(result, "ip", _IPV6, _valid_ip)
    _replace_phones(result, phone_region)
    if mask_names:
        _replace_names(result)
    return result


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
