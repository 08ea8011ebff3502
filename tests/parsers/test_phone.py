"""Phone numbers: E.164 normalisation and masking, table-driven."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.parsers import PhoneError, mask_phone, normalize_phone

SAME_PERSON = [
    ("national", "081234567890"),
    ("national-dashes", "0812-3456-7890"),
    ("national-spaces", "0812 3456 7890"),
    ("country-no-plus", "6281234567890"),
    ("country-no-plus-spaces", "62 812 3456 7890"),
    ("international", "+6281234567890"),
    ("international-formatted", "+62 812-3456-7890"),
    ("international-parens", "+62 (812) 3456-7890"),
    ("whatsapp-prefix", "whatsapp:+6281234567890"),
    ("tel-prefix", "tel:+62-812-3456-7890"),
    ("surrounding-spaces", "  081234567890\n"),
    ("full-width-digits", "０８１２３４５６７８９０"),
]

OTHER_VALID = [
    ("landline-jakarta", "021-5551234", "ID", "+62215551234"),
    ("landline-international", "+62 21 5551234", "ID", "+62215551234"),
    ("short-mobile", "08123456789", "ID", "+628123456789"),
    ("foreign-with-plus", "+1 650 253 0000", "ID", "+16502530000"),
    ("other-region", "(650) 253-0000", "US", "+16502530000"),
]

INVALID = [
    ("empty", ""),
    ("spaces", "   "),
    ("letters", "abc"),
    ("letters-inside", "0812abc4567"),
    ("vanity", "081-TELKOMSEL"),
    ("too-short", "12345"),
    ("only-country", "+62"),
    ("zeros", "0000000000"),
    ("too-long", "0812345678901234567"),
    ("telegram-chat", "telegram:123456789"),
    ("extension", "+62 812 3456 7890 ext 5"),
    ("email", "budi@example.id"),
]


@pytest.mark.parametrize("raw", [c[1] for c in SAME_PERSON], ids=[c[0] for c in SAME_PERSON])
def test_same_person(raw: str) -> None:
    assert normalize_phone(raw) == "+6281234567890"


@pytest.mark.parametrize(
    ("raw", "region", "expected"), [c[1:] for c in OTHER_VALID], ids=[c[0] for c in OTHER_VALID]
)
def test_other_valid_numbers(raw: str, region: str, expected: str) -> None:
    assert normalize_phone(raw, region) == expected


@pytest.mark.parametrize("raw", [c[1] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_numbers(raw: str) -> None:
    with pytest.raises(PhoneError):
        normalize_phone(raw)


def test_phone_error_does_not_leak_the_number() -> None:
    with pytest.raises(PhoneError) as caught:
        normalize_phone("0812345678901234567")
    assert "0812345678901234567" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


MASKS = [
    ("e164", "+6281234567890", "+62812*****890"),
    ("e164-short-mobile", "+628123456789", "+6281*****789"),
    ("e164-us", "+16502530000", "+1650****000"),
    ("formatted", "+62 812-3456-7890", "+62812*****890"),
    ("whatsapp-prefix", "whatsapp:+6281234567890", "whatsapp:+62812*****890"),
    ("national", "081234567890", "0812*****890"),
    ("short-number", "+62812345", "+62***345"),
    ("very-short", "1234", "1***"),
    ("two-digits", "12", "***"),
    ("empty", "", "***"),
    ("telegram-chat", "telegram:123456789", "telegram:123***789"),
    ("name", "Budi Santoso", "Bu********so"),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in MASKS], ids=[c[0] for c in MASKS])
def test_mask_phone(raw: str, expected: str) -> None:
    assert mask_phone(raw) == expected


@settings(database=None)
@given(value=st.one_of(st.text(), st.from_regex(r"\+?[0-9]{1,16}", fullmatch=True)))
def test_mask_never_returns_the_value_whole(value: str) -> None:
    masked = mask_phone(value)
    assert "*" in masked
    assert masked != value
