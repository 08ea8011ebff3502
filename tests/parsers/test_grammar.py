"""The `KODE #teks` grammar, table-driven: (raw message, expected Parsed)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.parsers import Keyword, Kind, Parsed, UnitRef, normalize_text, parse_message

UNITS = (
    UnitRef("DISHUB", ("PERHUBUNGAN", "DINAS PERHUBUNGAN")),
    UnitRef("DINKES", ("KESEHATAN", "PUSKESMAS")),
    UnitRef("DISDIK", ("PENDIDIKAN",)),
    UnitRef("DPUPR", ("PUPR", "PU")),
    UnitRef("DISDUKCAPIL", ("CAPIL", "DUKCAPIL")),
    UnitRef("DLH", ("LINGKUNGAN",)),
    UnitRef("DINSOS", ("SOSIAL",)),
    UnitRef("PDAM", ("AIR",)),
    UnitRef("SATPOLPP", ("SATPOL", "SATPOL PP")),
)
CODES = frozenset(unit.code for unit in UNITS)
LONG = "jalan rusak parah " * 111 + "tolong"  # 2,004 characters


def complaint(code: str, text: str) -> Parsed:
    return Parsed(Kind.COMPLAINT, code=code, text=text)


def near(suggestion: str, text: str = "") -> Parsed:
    return Parsed(Kind.NEAR_MISS, suggestion=suggestion, text=text)


def kw(keyword: Keyword, arg: str = "") -> Parsed:
    return Parsed(Kind.KEYWORD, keyword=keyword, arg=arg)


CASES = [
    # --- the complaint forms
    ("hash-spaced", "DISHUB #lampu jalan mati", complaint("DISHUB", "lampu jalan mati")),
    ("hash-no-space", "DISHUB#lampu", complaint("DISHUB", "lampu")),
    ("hash-wide-spaces", "dishub  #  lampu mati", complaint("DISHUB", "lampu mati")),
    ("colon", "DISHUB: lampu mati", complaint("DISHUB", "lampu mati")),
    ("colon-glued", "dinkes:obat habis", complaint("DINKES", "obat habis")),
    ("space-only", "DISHUB lampu mati", complaint("DISHUB", "lampu mati")),
    ("leading-hash", "#DISHUB lampu mati", complaint("DISHUB", "lampu mati")),
    ("dash", "DISHUB - lampu mati", complaint("DISHUB", "lampu mati")),
    ("lower-case-code", "pdam #air keruh", complaint("PDAM", "air keruh")),
    ("mixed-case-code", "DinKes #antrian lama", complaint("DINKES", "antrian lama")),
    ("full-width-hash", "DISHUB＃lampu mati", complaint("DISHUB", "lampu mati")),
    ("full-width-letters", "ＤＩＳＨＵＢ ＃lampu", complaint("DISHUB", "lampu")),
    ("nbsp", "DISHUB\u00a0#\u00a0lampu", complaint("DISHUB", "lampu")),
    # --- aliases: the canonical code is returned
    ("alias-single", "PERHUBUNGAN #lampu", complaint("DISHUB", "lampu")),
    ("alias-lower", "puskesmas #dokter tidak ada", complaint("DINKES", "dokter tidak ada")),
    ("alias-multi-word", "Dinas Perhubungan #parkir liar", complaint("DISHUB", "parkir liar")),
    ("alias-multi-longest", "SATPOL PP: pedagang liar", complaint("SATPOLPP", "pedagang liar")),
    ("alias-multi-dash", "satpol-pp #ribut", complaint("SATPOLPP", "ribut")),
    ("alias-prefix-word", "SATPOL #ribut malam", complaint("SATPOLPP", "ribut malam")),
    ("alias-two-letters", "PU #jembatan putus", complaint("DPUPR", "jembatan putus")),
    ("alias-not-a-prefix", "PUSKESMAS tutup", complaint("DINKES", "tutup")),
    # Spec rule "first word is a code or alias": a plain sentence starting with an alias is coded.
    ("alias-first-word-plain", "air mati 3 hari", complaint("PDAM", "mati 3 hari")),
    ("code-with-digits-after", "DPUPR 2 jalan", complaint("DPUPR", "2 jalan")),
    # --- several lines, emoji, control characters
    (
        "code-then-next-line",
        "DISHUB\nlampu mati\ndi jl. merdeka",
        complaint("DISHUB", "lampu mati\ndi jl. merdeka"),
    ),
    ("hash-then-next-line", "DISHUB #\n\n  lampu mati  ", complaint("DISHUB", "lampu mati")),
    ("crlf-lines", "DINSOS #bansos\r\nbelum cair\r\n", complaint("DINSOS", "bansos\nbelum cair")),
    ("emoji-kept", "DISHUB #lampu mati 😡🙏", complaint("DISHUB", "lampu mati 😡🙏")),
    ("emoji-zwj-kept", "DLH #sampah 👨‍👩‍👧", complaint("DLH", "sampah 👨‍👩‍👧")),
    ("emoji-glued", "DISHUB🙏lampu", complaint("DISHUB", "🙏lampu")),
    ("whatsapp-bold", "*DISHUB* #lampu", complaint("DISHUB", "lampu")),
    ("nul", "DIS\x00HUB #lampu\x00 mati", complaint("DISHUB", "lampu mati")),
    ("bell", "\x07DISHUB #lampu", complaint("DISHUB", "lampu")),
    ("zero-width-space", "DIS\u200bHUB\u200b #\u200blampu", complaint("DISHUB", "lampu")),
    ("bom", "\ufeffDISHUB #lampu", complaint("DISHUB", "lampu")),
    ("tab", "DISHUB\t#lampu\tmati", complaint("DISHUB", "lampu mati")),
    ("long-2000", f"DISHUB #{LONG}", complaint("DISHUB", LONG)),
    # --- code with no text
    ("only-code", "DISHUB", Parsed(Kind.CODE_ONLY, code="DISHUB")),
    ("code-hash", "dishub #", Parsed(Kind.CODE_ONLY, code="DISHUB")),
    ("code-colon", "DISHUB:", Parsed(Kind.CODE_ONLY, code="DISHUB")),
    ("code-punctuation", "DISHUB # ...", Parsed(Kind.CODE_ONLY, code="DISHUB")),
    ("alias-only", "satpol pp", Parsed(Kind.CODE_ONLY, code="SATPOLPP")),
    # --- near misses: the suggestion is the canonical code
    ("near-explicit-lower", "dishb #jalan", near("DISHUB", "jalan")),
    ("near-explicit-caps", "DINKS #obat habis", near("DINKES", "obat habis")),
    ("near-colon", "Dinsoss: bansos", near("DINSOS", "bansos")),
    ("near-shouting", "DISHB LAMPU MATI", near("DISHUB", "LAMPU MATI")),
    ("near-shouting-alone", "DISHB", near("DISHUB")),
    ("near-leading-hash", "#dishb lampu", near("DISHUB", "lampu")),
    ("near-alias", "KAPIL #ktp hilang", near("DISDUKCAPIL", "ktp hilang")),
    ("near-multi-word-alias", "Dinas Perhubungn #lampu", near("DISHUB", "lampu")),
    ("near-next-line", "PDM #\nair keruh", near("PDAM", "air keruh")),
    # --- unknown codes (explicit form, nothing close)
    ("unknown-far", "XYZ #lampu", Parsed(Kind.UNKNOWN_CODE, code="XYZ", text="lampu")),
    (
        "unknown-colon",
        "bappeda: rencana",
        Parsed(Kind.UNKNOWN_CODE, code="BAPPEDA", text="rencana"),
    ),
    ("unknown-empty-text", "XYZ #", Parsed(Kind.UNKNOWN_CODE, code="XYZ")),
    # Two letters leave no room for a typo: "AI" is not taken for AIR.
    ("unknown-two-letters", "AI #x", Parsed(Kind.UNKNOWN_CODE, code="AI", text="x")),
    # --- no code: free text is never guessed at
    ("greeting-is-help", "halo", Parsed(Kind.KEYWORD, keyword=Keyword.HELP)),
    ("no-code-word", "lampu", Parsed(Kind.NO_CODE, text="lampu")),
    ("no-code-sentence", "jalan rusak di desa", Parsed(Kind.NO_CODE, text="jalan rusak di desa")),
    ("no-code-typo-lower", "dishb jalan", Parsed(Kind.NO_CODE, text="dishb jalan")),
    ("no-code-short-caps", "JLN RUSAK", Parsed(Kind.NO_CODE, text="JLN RUSAK")),
    ("no-code-shouting", "LAMPU MATI", Parsed(Kind.NO_CODE, text="LAMPU MATI")),
    # Judgement: "tolong" is a keyword word, not a code, so "tolong #..." is free text (routing
    # reads the whole message) rather than UNKNOWN_CODE "TOLONG".
    (
        "no-code-keyword-hash",
        "tolong #jalan rusak",
        Parsed(Kind.NO_CODE, text="tolong #jalan rusak"),
    ),
    ("no-code-keyword-colon", "KODE: apa saja", Parsed(Kind.NO_CODE, text="KODE: apa saja")),
    # A word of a multi-word alias ("DINAS") is never a typo of another code.
    (
        "no-code-dinas",
        "DINAS SOSIAL tidak datang",
        Parsed(Kind.NO_CODE, text="DINAS SOSIAL tidak datang"),
    ),
    # A citizen who forgot the code typed "#isi saran": the leading '#' is dropped from the text.
    ("no-code-hash-text", "#lampu mati", Parsed(Kind.NO_CODE, text="lampu mati")),
    ("no-code-url", "https://x.id/foto", Parsed(Kind.NO_CODE, text="https://x.id/foto")),
    (
        "no-code-greeting-first",
        "Selamat pagi\nDISHUB #lampu",
        Parsed(Kind.NO_CODE, text="Selamat pagi\nDISHUB #lampu"),
    ),
    ("no-code-emoji-only", "👍", Parsed(Kind.NO_CODE, text="👍")),
    ("no-code-long", LONG, Parsed(Kind.NO_CODE, text=LONG)),
    # --- keywords, and codes winning over them
    ("kw-help", "BANTUAN", kw(Keyword.HELP)),
    ("kw-question-mark", "?", kw(Keyword.HELP)),
    ("kw-codes", "kode", kw(Keyword.CODES)),
    ("kw-ya-dot", "ya.", kw(Keyword.YES)),
    ("kw-ya-bang", "Ya!", kw(Keyword.YES)),
    ("kw-tidak", "TIDAK", kw(Keyword.NO)),
    ("kw-gak", "gak", kw(Keyword.NO)),
    ("kw-stop", "STOP!!", kw(Keyword.STOP)),
    ("kw-status-number", "STATUS 1234567", kw(Keyword.STATUS, "1234567")),
    ("kw-status-hash", "status #1234567", kw(Keyword.STATUS, "1234567")),
    ("kw-number", "2", kw(Keyword.NUMBER, "2")),
    ("kw-then-code-is-text", "ya dishub", Parsed(Kind.NO_CODE, text="ya dishub")),
    ("code-then-keyword", "DISHUB STATUS", complaint("DISHUB", "STATUS")),
    ("code-then-ya", "DINKES ya", complaint("DINKES", "ya")),
    # --- nothing to read
    ("empty", "", Parsed(Kind.EMPTY)),
    ("whitespace", " \t\n\r\n ", Parsed(Kind.EMPTY)),
    ("only-hash", "#", Parsed(Kind.EMPTY)),
    ("only-full-width-hash", "＃＃", Parsed(Kind.EMPTY)),
    ("only-punctuation", "... !!", Parsed(Kind.EMPTY)),
    ("only-controls", "\x00\x07\u200b\ufeff", Parsed(Kind.EMPTY)),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_parse_message(raw: str, expected: Parsed) -> None:
    assert parse_message(raw, UNITS) == expected


KEYWORD_UNITS = (*UNITS, UnitRef("DISKOMINFO", ("KOMINFO", "INFO")))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("INFO", Parsed(Kind.CODE_ONLY, code="DISKOMINFO")),
        ("info #wifi taman mati", complaint("DISKOMINFO", "wifi taman mati")),
        ("BANTUAN", kw(Keyword.HELP)),
    ],
    ids=["alias-beats-keyword", "alias-keyword-with-text", "other-keywords-unchanged"],
)
def test_known_code_wins_over_keyword(raw: str, expected: Parsed) -> None:
    assert parse_message(raw, KEYWORD_UNITS) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  a  \t b  ", "a b"),
        ("＃", "#"),
        ("a\n\n\n b \n", "a\nb"),
        ("a\rb\u2028c", "a\nb\nc"),
        ("x\x00y\x07z\u200b\u2060!", "xyz!"),
        ("\u3000a\u2003b", "a b"),
        ("👩🏽‍💻 a\u200db", "👩🏽‍💻 ab"),
    ],
    ids=[
        "spaces",
        "full-width",
        "blank-lines",
        "line-separators",
        "controls",
        "wide-spaces",
        "zwj",
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_unit_without_aliases_and_no_units() -> None:
    assert parse_message("ABC #x", [UnitRef("ABC")]) == complaint("ABC", "x")
    assert parse_message("ABC #x", []) == Parsed(Kind.UNKNOWN_CODE, code="ABC", text="x")


MESSAGE_PARTS = st.sampled_from(
    ["DISHUB", "dishb", "#", "＃", ":", " ", "\n", "\x00", "ya", "PU", "🙏"]
)
MESSAGES = st.one_of(
    st.text(), st.lists(st.one_of(MESSAGE_PARTS, st.text(max_size=5))).map("".join)
)


@settings(database=None, max_examples=300)
@given(raw=MESSAGES)
def test_parse_message_never_fails(raw: str) -> None:
    parsed = parse_message(raw, UNITS)
    assert isinstance(parsed, Parsed)
    if parsed.kind in (Kind.COMPLAINT, Kind.CODE_ONLY):
        assert parsed.code in CODES
    elif parsed.kind is Kind.UNKNOWN_CODE:  # the code as typed, never a known one
        assert parsed.code not in CODES
    else:
        assert parsed.code is None
    assert parsed.suggestion is None or parsed.suggestion in CODES
    if parsed.kind in (Kind.COMPLAINT, Kind.NO_CODE):
        assert parsed.text
    elif parsed.kind in (Kind.CODE_ONLY, Kind.EMPTY, Kind.KEYWORD):
        assert parsed.text == ""
    assert parse_message(normalize_text(raw), UNITS) == parsed


@settings(database=None)
@given(raw=st.text())
def test_normalize_text_is_idempotent(raw: str) -> None:
    once = normalize_text(raw)
    assert normalize_text(once) == once
    assert once == once.strip()
    assert "\n\n" not in once and "  " not in once and "\t" not in once
