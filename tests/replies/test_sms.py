"""SMS encodings, segment counts (known answers) and splitting into standalone parts."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.replies.sms import (
    GSM7_BASIC,
    GSM7_EXTENDED,
    encoding,
    is_gsm7,
    segments,
    split_sms,
    split_text,
)

MARKER = re.compile(r"^\((\d+)/(\d+)\) ")
EMOJI = "\U0001f600"  # two UTF-16 code units

ENCODINGS = [
    ("", "GSM-7"),
    ("Lampu jalan mati sejak 3 hari, Rp 10.000 @ 5%!", "GSM-7"),
    ("{}[]~|^\\€\f", "GSM-7"),
    ("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà\r\n", "GSM-7"),
    ("“kutip”", "UCS-2"),
    ("jalan rusak — parah", "UCS-2"),
    (f"terima kasih {EMOJI}", "UCS-2"),
    ("tab\tdi sini", "UCS-2"),
    ("ç", "UCS-2"),  # only the capital Ç is in the table
    ("`", "UCS-2"),  # 0x60 is ¿, not a backtick
    ("\x1b", "UCS-2"),  # ESC is the escape code itself, not a character
]


def test_gsm7_tables() -> None:
    assert len(GSM7_BASIC) == 127 and len(GSM7_EXTENDED) == 10
    assert not GSM7_BASIC & GSM7_EXTENDED
    assert {"\u0394", "\u03a9", "\u00c7", "\u00a4"} <= GSM7_BASIC  # Greek, not look-alikes


@pytest.mark.parametrize(("text", "expected"), ENCODINGS, ids=[repr(t)[:24] for t, _ in ENCODINGS])
def test_encoding(text: str, expected: str) -> None:
    assert encoding(text) == expected
    assert is_gsm7(text) == (expected == "GSM-7")


SEGMENTS = [
    ("empty", "", 1),
    ("gsm-160", "a" * 160, 1),
    ("gsm-161", "a" * 161, 2),
    ("gsm-160-spaces", " " * 160, 1),
    ("gsm-306", "1" * 306, 2),
    ("gsm-307", "1" * 307, 3),
    ("ext-80", "{" * 80, 1),
    ("ext-81", "{" * 81, 2),
    ("formfeed-80", "\f" * 80, 1),
    ("formfeed-81", "\f" * 81, 2),
    ("euro-80", "€" * 80, 1),
    ("euro-81", "€" * 81, 2),
    ("euro-last-fits", "a" * 158 + "€", 1),
    ("euro-last-overflows", "a" * 159 + "€", 2),
    ("ext-never-straddles", "a" * 152 + "{" + "a" * 152, 3),  # 306 septets, yet 3 parts
    ("ucs2-70", "—" * 70, 1),
    ("ucs2-71", "—" * 71, 2),
    ("ucs2-134", "—" * 134, 2),
    ("ucs2-135", "—" * 135, 3),
    ("curly-short", "“ya”", 1),
    ("emoji-35", EMOJI * 35, 1),
    ("emoji-36", EMOJI * 36, 2),
    ("emoji-first-69", EMOJI + "a" * 68, 1),  # 70 units
    ("emoji-first-70", EMOJI + "a" * 69, 2),
    ("emoji-first-134", EMOJI + "a" * 133, 3),  # 135 units
    ("pair-never-straddles", "“" + "a" * 65 + EMOJI + "a" * 66, 3),  # 134 units, yet 3 parts
]


@pytest.mark.parametrize(
    ("text", "expected"), [s[1:] for s in SEGMENTS], ids=[s[0] for s in SEGMENTS]
)
def test_segments(text: str, expected: int) -> None:
    assert segments(text) == expected


def contents(parts: list[str]) -> list[str]:
    """Parts without their markers, checking the markers count 1..n."""
    if len(parts) == 1:
        assert not MARKER.match(parts[0])
        return parts
    found = [MARKER.match(part) for part in parts]
    assert [(m.group(1), m.group(2)) for m in found if m] == [
        (str(i), str(len(parts))) for i in range(1, len(parts) + 1)
    ]
    return [part[m.end() :] for part, m in zip(parts, found, strict=True) if m]


def words(text: str) -> list[str]:
    return text.split()


KATA = "kata " * 100
PAIRS = f"kata {EMOJI} " * 30
SPLITS = [
    # (id, text, number of parts, first part)
    ("gsm-words", KATA, 4, "(1/4) " + " ".join(["kata"] * 31)),
    ("ucs2-words", PAIRS, 4, "(1/4) " + " ".join([f"kata {EMOJI}"] * 8)),
    ("extension-words", "{} " * 60, 2, "(1/2) " + " ".join(["{}"] * 31)),
    ("two-digit-markers", "kata " * 400, 14, "(1/14) " + " ".join(["kata"] * 30)),
    ("long-euro-word", "a" + "€" * 200, 3, "(1/3) a" + "€" * 76),
    ("long-emoji-word", "a" + EMOJI * 100, 4, "(1/4) a" + EMOJI * 31),
    ("long-plain-word", "x" * 400, 3, "(1/3) " + "x" * 154),
]


@pytest.mark.parametrize(
    ("text", "count", "first"), [s[1:] for s in SPLITS], ids=[s[0] for s in SPLITS]
)
def test_split_sms(text: str, count: int, first: str) -> None:
    parts = split_sms(text)
    assert len(parts) == count and parts[0] == first
    assert all(segments(part) == 1 for part in parts)
    body = contents(parts)
    if len(words(text)) == 1:
        assert "".join(body) == text  # a word longer than a part is cut, never altered
    else:
        assert words(" ".join(body)) == words(text)


def test_split_sms_keeps_gsm_parts_gsm() -> None:
    text = "Jalan di depan pasar rusak parah dan berlubang. " * 6 + EMOJI + " mohon segera."
    parts = split_sms(text)
    assert [encoding(part) for part in parts][:2] == ["GSM-7", "GSM-7"]
    assert encoding(parts[-1]) == "UCS-2"
    assert all(segments(part) == 1 for part in parts)
    assert words(" ".join(contents(parts))) == words(text)


def test_split_sms_keeps_lines_inside_a_part() -> None:
    text = "Aduan Anda:\n" + "\n".join(f"48271{i:02d} (DISHUB): sudah dijawab" for i in range(9))
    parts = split_sms(text)
    assert len(parts) == 2 and "\n" in parts[0]
    assert words(" ".join(contents(parts))) == words(text)


@pytest.mark.parametrize(
    "text",
    ["Halo", "a" * 160, f"{EMOJI} " * 22 + "okok", "  spasi di tepi  "],
    ids=["short", "gsm-160", "ucs2-70-units", "spaces-kept"],
)
def test_split_sms_one_segment_is_untouched(text: str) -> None:
    assert split_sms(text) == [text] == split_sms(text, max_parts=1)


TRUNCATIONS = [
    ("gsm-2", KATA, 2, "(2/2) " + " ".join(["kata"] * 30) + "..."),
    ("ucs2-2", PAIRS, 2, "(2/2) " + " ".join([f"kata {EMOJI}"] * 8) + "…"),
    ("gsm-1", KATA, 1, " ".join(["kata"] * 31) + "..."),
    ("markers-10", "kata " * 400, 10, "(10/10) " + " ".join(["kata"] * 30) + "..."),
    ("not-exceeded", KATA, 4, "(4/4) " + " ".join(["kata"] * 7)),
]


@pytest.mark.parametrize(
    ("text", "max_parts", "last"), [t[1:] for t in TRUNCATIONS], ids=[t[0] for t in TRUNCATIONS]
)
def test_split_sms_max_parts(text: str, max_parts: int, last: str) -> None:
    parts = split_sms(text, max_parts=max_parts)
    assert len(parts) == max_parts and parts[-1] == last
    assert all(segments(part) == 1 for part in parts)
    assert contents(parts)[:-1] == contents(split_sms(text))[: max_parts - 1]


def test_whitespace_only_splits_to_one_empty_part() -> None:
    assert split_sms(" " * 200) == [""] == split_sms("\n" * 200, max_parts=2)
    assert split_sms(" " * 200, max_parts=1) == [""]
    assert split_text(" " * 5000) == [""]


def test_split_sms_rejects_zero_parts() -> None:
    with pytest.raises(ValueError, match="max_parts"):
        split_sms(KATA, max_parts=0)


PARAGRAPH = " ".join(["paragraf"] * 333)  # 2996 chars
LINES = "\n".join(["baris " * 16 + "akhir"] * 60)  # one paragraph of 60 lines of 101 chars
TEXTS = [
    # (id, text, limit, expected chunks, or None to check only the invariants)
    ("fits", "pendek", 4096, ["pendek"]),
    ("exactly-limit", "x" * 4096, 4096, ["x" * 4096]),
    (
        "paragraphs",
        f"{PARAGRAPH}\n\n{PARAGRAPH}",
        4096,
        [f"(1/2) {PARAGRAPH}", f"(2/2) {PARAGRAPH}"],
    ),
    (
        "words",
        "satu dua tiga empat lima enam",
        16,
        ["(1/3) satu dua", "(2/3) tiga empat", "(3/3) lima enam"],
    ),
    (
        "paragraph-first",
        "aaaa\nbbbb\n\ncccc dddd eeee",
        20,
        ["(1/2) aaaa\nbbbb", "(2/2) cccc dddd eeee"],
    ),
    ("line-first", "aaaa bbbb\ncccc dddd eeee", 20, ["(1/2) aaaa bbbb", "(2/2) cccc dddd eeee"]),
    (
        "long-word",
        "x" * 10000,
        4096,
        ["(1/3) " + "x" * 4090, "(2/3) " + "x" * 4090, "(3/3) " + "x" * 1820],
    ),
    ("lines", LINES, 4096, None),
    ("many-words", "kata " * 2000, 4096, None),
]


@pytest.mark.parametrize(
    ("text", "limit", "expected"), [t[1:] for t in TEXTS], ids=[t[0] for t in TEXTS]
)
def test_split_text(text: str, limit: int, expected: list[str] | None) -> None:
    chunks = split_text(text, limit)
    if expected is not None:
        assert chunks == expected
    assert all(len(chunk) <= limit for chunk in chunks)
    assert words(" ".join(contents(chunks))) == words(text) or len(words(text)) == 1


def test_split_text_breaks_at_line_ends() -> None:
    chunks = contents(split_text(LINES))
    assert len(chunks) == 2
    assert all(line == "baris " * 16 + "akhir" for chunk in chunks for line in chunk.split("\n"))


def test_split_text_needs_room_for_markers() -> None:
    with pytest.raises(ValueError, match="no room"):
        split_text("kata " * 10, limit=6)


ALPHABET = st.sampled_from(
    ["a", "Z", "7", ".", " ", "\u00a0", "\n", "{", "€", "é", "—", "“", EMOJI, "\t"]
)


@given(text=st.text(alphabet=ALPHABET, max_size=700), max_parts=st.none() | st.integers(1, 4))
def test_split_sms_properties(text: str, max_parts: int | None) -> None:
    parts = split_sms(text, max_parts)
    assert all(segments(part) == 1 for part in parts)
    body = contents(parts)
    if max_parts is None or len(parts) < max_parts:
        assert "".join(words(" ".join(body))) == "".join(words(text))
    else:
        assert len(parts) == max_parts


@given(text=st.text(alphabet=ALPHABET, max_size=400), limit=st.integers(12, 80))
def test_split_text_properties(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(len(chunk) <= limit for chunk in chunks)
    assert "".join(words(" ".join(contents(chunks)))) == "".join(words(text))
