"""Personal data never reaches storage or pages: each kind is replaced by a placeholder; look-alikes that fail
their checksum are left alone."""

from __future__ import annotations

import pytest

from voxpop.kit.redaction import redact


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("mail me at jo.doe+shop@example.co.uk please", "email", "mail me at [email] please"),
        ("call me on +1 415 555 2671 tonight", "phone", "call me on [phone] tonight"),
        ("my card 4111 1111 1111 1111 was charged twice", "card", "my card [card] was charged twice"),
        ("pay back to DE89 3704 0044 0532 0130 00 now", "iban", "pay back to [iban] now"),
        ("blocked from 192.168.10.20 again", "ip", "blocked from [ip] again"),
        ("blocked from 2001:db8::1 again", "ip", "blocked from [ip] again"),
        ("I spoke to Sarah Jones yesterday", "name", "I spoke to [name] yesterday"),
        ("My name is Dave Brown. The parcel was late.", "name", "My name is [name]. The parcel was late."),
    ],
)
def test_each_kind_of_personal_data_is_replaced(text: str, kind: str, expected: str) -> None:
    result = redact(text)
    assert result.text == expected
    assert result.found[kind] == 1


@pytest.mark.parametrize(
    "text",
    [
        "order 1234567812345678 is missing",  # 16 digits that fail the Luhn check
        "reference DE00 1234 5678 9012 3456 78",  # an IBAN-shaped string with a wrong checksum
        "version 999.1.2.3 of the app",  # not an IP address
        "flight UA 1234 at 10.30",
    ],
)
def test_look_alikes_that_fail_their_checksum_are_kept(text: str) -> None:
    assert redact(text).text == text


def test_names_are_kept_when_the_setting_says_so() -> None:
    assert redact("I spoke to Sarah yesterday", mask_names=False).text == "I spoke to Sarah yesterday"
