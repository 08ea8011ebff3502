"""Normalising informal Indonesian (SMS, WhatsApp) before matching and routing.

Pipeline per word: lower-case -> split reduplication (`anak2`) -> digits used as letters (`s4y4`)
-> repeated letters (`bangettt`) -> slang/abbreviation/Javanese/Sundanese dictionary -> stop words
(negations and question words are kept) -> Sastrawi stem. Every per-word step is cached, so a
message costs a few dictionary look-ups once the common words have been seen.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib.resources import files

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
RUN3 = re.compile(r"([a-z])\1{2,}")
RUN2 = re.compile(r"([a-z])\1+")
LEET = str.maketrans(
    {"4": "a", "3": "e", "1": "i", "0": "o", "5": "s", "7": "t", "6": "g", "9": "g"}
)
# Codes mix letters and digits on purpose (RT 04, B 1234 XY, COVID19): a run of two or more
# digits, or a known code prefix, means the word is a code and keeps its digits.
CODE_PREFIXES = ("rt", "rw", "no", "km", "kk", "nik", "jl", "covid")
DIGIT_RUN = re.compile(r"[0-9]{2}")

# Words that must survive stop-word removal: they change what a message means or asks.
KEEP = frozenset(
    "tidak belum bukan jangan tanpa kurang belum apa apakah bagaimana kapan kenapa mengapa "
    "dimana mana berapa siapa mengapa bisakah".split()
)
# Hand-written stop words: function words, greetings and politeness that carry no topic.
STOP = (
    frozenset(
        """
    yang di ke dari dan atau ini itu tersebut saya aku kami kita anda kamu dia mereka beliau ada
    dengan untuk pada dalam oleh sama juga saja lagi sudah akan telah sedang masih pun lah kah
    nya sih kok dong deh ya iya yah nih tuh loh lho kan mah wah ah oh eh hai halo salam selamat
    pagi siang sore malam mohon tolong terima kasih maaf permisi bapak ibu kakak mbak mas admin
    pak bu bang om tante saudara para sangat sekali banget sih agar supaya karena sebab jadi
    maka kalau jika bila tetapi tapi namun serta lalu kemudian setelah sebelum sejak hingga sampai
    bahwa adalah ialah yaitu yakni seperti sebagai secara begitu begini demikian hal sini situ
    sana tadi nanti sekarang kemarin besok ini-itu semua setiap para beberapa banyak sedikit satu
    dua tiga per se an lain lainnya sebagainya seterusnya dll dsb mau ingin bisa dapat harus
    perlu boleh tahu mengerti kasih sehingga terhadap tentang antara
    oleh-oleh saat waktu ketika selama masa amin assalamualaikum wr wb warahmatullahi
    wabarakatuh
    """.split()
    )
    - KEEP
)


@cache
def _tables() -> tuple[dict[str, str], dict[tuple[str, ...], tuple[str, ...]]]:
    words: dict[str, str] = {}
    phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
    text = files("bot.answers").joinpath("data/slang.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        informal, _, standard = line.partition("\t")
        informal, standard = informal.strip(), standard.strip()
        if " " in informal:
            phrases[tuple(informal.split())] = tuple(standard.split())
        else:
            words[informal] = standard
    return words, phrases


def slang() -> dict[str, str]:
    """The curated word dictionary shipped in bot/answers/data/slang.tsv (informal -> standard)."""
    return _tables()[0]


def phrases() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Multi-word entries of the dictionary (`kartu keluarga` -> `kk`), applied after words."""
    return _tables()[1]


@cache
def _stemmer():  # noqa: ANN202 - Sastrawi has no type hints
    return StemmerFactory().create_stemmer()


@cache
def known_words() -> frozenset[str]:
    """Words we accept as real: Sastrawi's root words, the dictionary's both sides, stop words."""
    words = set(StemmerFactory().get_words())
    for informal, standard in slang().items():
        words.add(informal)
        words.update(standard.split())
    return frozenset(words | STOP | KEEP)


def _deleet(word: str) -> str:
    """`s4y4` -> `saya`, but only when the result is a known word; codes stay as written."""
    if word.isalpha() or word.isdigit() or word.startswith(CODE_PREFIXES) or DIGIT_RUN.search(word):
        return word
    letters = sum(c.isalpha() for c in word)
    if letters < len(word) / 2:
        return word
    candidate = word.translate(LEET)
    if candidate.isalpha() and (candidate in known_words() or candidate in slang()):
        return candidate
    return word


def _squeeze(word: str) -> str:
    """`bangettt` -> `banget`, `maaaf` -> `maaf`: shorten runs of three or more letters."""
    if not RUN3.search(word):
        return word
    double = RUN3.sub(r"\1\1", word)
    if double in known_words() or double in slang():
        return double
    return RUN3.sub(r"\1", word)


@lru_cache(maxsize=200_000)
def normalize_word(word: str) -> tuple[str, ...]:
    """One lower-case word in, its standard form(s) out (the dictionary may give several)."""
    if word.endswith("2") and word[:-1].isalpha() and len(word) > 2:
        word = word[:-1]  # reduplication: "anak2" means "anak-anak"
    if "-" in word:
        head, _, tail = word.partition("-")
        if head == tail:
            word = head
    word = _squeeze(_deleet(word))
    if word not in slang() and len(word) > 3 and RUN2.search(word):
        single = RUN2.sub(r"\1", word)
        if single in slang():
            word = single
    return tuple(slang().get(word, word).split())


def normalize(text: str) -> list[str]:
    """Words of a message in standard Indonesian, in order, stop words included."""
    words: list[str] = []
    for raw in WORD.findall(text.lower()):
        words.extend(normalize_word(raw))
    return _join_phrases(words)


def _join_phrases(words: list[str]) -> list[str]:
    table = phrases()
    out: list[str] = []
    i = 0
    while i < len(words):
        for size in (3, 2):
            replacement = table.get(tuple(words[i : i + size]))
            if replacement is not None:
                out.extend(replacement)
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Sastrawi stem of one word (cached: stemming is the slow step)."""
    if word.isdigit() or len(word) <= 3:
        return word
    return _stemmer().stem(word) or word


def tokens(text: str, *, stemmed: bool = True) -> list[str]:
    """Content words of a message: normalised, stop words removed (negations kept), stemmed."""
    words = [w for w in normalize(text) if w not in STOP and (len(w) > 1 or w.isdigit())]
    return [stem(w) for w in words] if stemmed else words
