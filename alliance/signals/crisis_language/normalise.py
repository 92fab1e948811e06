"""Text as people type it, turned into one spelling that the lexicon and the classifier read.

Clients write in a hurry, on a phone, sometimes to get past a filter: "dont", "i wnat to diiie",
"k1ll myself", "kms". A word list that only knows "don't want to die" misses all of those, so
every reading starts here:

- words are lower case; contractions are written out ("can't", "cant" -> "can not"; "I'm",
  "im" -> "i am"); sentence ends become "." and clause breaks ","; other punctuation goes;
- elongated letters are shortened ("sooo", "diiie"), digits and symbols standing for letters are
  read as letters ("k1ll", "$uicide") and small slips in the words that matter are corrected
  ("sucide", "myslef"), each only when the result is a word Alliance knows;
- words that drop the last letter of "-ing" ("thinkin", "dyin") are read with it, when the
  result is a word Alliance knows, and a few emoji and symbols stand for their words (a pill
  for "pills", " > " for "better than");
- the table in ``data/spelling.toml`` maps casual spellings and slang ("wanna", "kms",
  "unalive", "sewerslide") to plain words.

Each normalised word remembers where it came from in the original text, so that evidence can be
shown as the client wrote it. Only the first ``MAX_CHARS`` characters are read: the product's
own text fields hold at most 2,000 characters each, and the bound keeps a pasted book from
holding a request up.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MAX_CHARS = 50_000
DATA = Path(__file__).parent / "data"

SENTENCE_END = "."
CLAUSE_BREAK = ","

# Emoji that stand for a word of risk, read as that word.
EMOJI_WORDS = {
    "\U0001f48a": "pills",  # pill
    "\U0001f52a": "knife",  # kitchen knife
    "\U0001fa78": "blood",  # drop of blood
    "\u26b0": "coffin",  # coffin
    "\U0001faa6": "grave",  # headstone
    "\U0001f52b": "gun",  # pistol
    "\U0001faa2": "rope",  # knot
    "\U0001fa92": "razor",  # razor
}
# "x > y", typed for "x is better than y".
SYMBOL_WORDS = {">": ("better", "than")}
_RAW = re.compile(
    "(?P<emoji>[" + "".join(EMOJI_WORDS) + "])|"
    r"(?P<symbol>(?<=\s)>(?=\s))|"
    r"(?P<word>[\w$@]+(?:['’‘`!|][\w$@]+)*)"
    r"|(?P<end>[.!?…]+|\n)"
    r"|(?P<comma>[,;:()\[\]–—]|\s-\s)"
)
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a"})
_LEET_MARKS = frozenset("01345 7@$!|".replace(" ", ""))
_NOT_LETTERS = re.compile(r"[^a-z0-9]+")
_ELONGATED = re.compile(r"(.)\1{2,}")

# A contraction's ending, written out. "'s" is "is" after these words and a possessive otherwise.
_ENDINGS = {"m": "am", "re": "are", "ve": "have", "ll": "will", "d": "would"}
_IS_BEFORE_S = frozenset(
    [
        "it",
        "that",
        "there",
        "here",
        "what",
        "who",
        "where",
        "how",
        "he",
        "she",
        "everyone",
        "everything",
        "nothing",
        "nobody",
    ]
)
_NOT_STEMS = {"can": "can", "won": "will", "ain": "am", "shan": "shall"}


@dataclass(frozen=True)
class Word:
    text: str
    start: int  # where it came from in the original text
    end: int


@dataclass(frozen=True)
class Normalised:
    """The words of a text in normal spelling, joined as ``". w1 w2 . w3 . "`` for matching.

    ``joined`` starts with a sentence end and ends with one and a space, so every word is
    preceded and followed by a space and every sentence, the first one included, begins after a
    ".". ``offsets[i]`` is where word ``i`` starts in ``joined``.
    """

    original: str
    words: tuple[Word, ...]
    joined: str
    offsets: tuple[int, ...]
    tokens: tuple[str, ...]  # the words' texts

    def word_range(self, start: int, end: int) -> range:
        """The words that lie in ``joined[start:end]`` (a match, with its leading space)."""
        return range(bisect_left(self.offsets, start), bisect_left(self.offsets, end))

    def as_written(self, start: int, end: int) -> str:
        """The original wording behind ``joined[start:end]``."""
        span = self.word_range(start, end)
        if not span:
            return ""
        first, last = self.words[span.start], self.words[span.stop - 1]
        return " ".join(self.original[first.start : last.end].split())


@dataclass(frozen=True, eq=False)  # hashed by identity: one table per process
class Spelling:
    table: dict[str, tuple[str, ...]]  # "kms" -> ("kill", "myself")
    before: dict[str, tuple[tuple[str, ...], frozenset[str]]]  # "ill" -> "i will" before "be"
    longest: int
    known: frozenset[str]  # words that are never corrected
    fuzzy: dict[str, tuple[str, ...]]  # first letter -> words a slip may stand for


def load_spelling(lexicon_words: Iterable[str]) -> Spelling:
    """The spelling table, with the words of the lexicon as the words Alliance knows."""
    with open(DATA / "spelling.toml", "rb") as handle:
        data = tomllib.load(handle)
    table: dict[str, tuple[str, ...]] = {}
    for section, entries in data.items():
        if section in ("fuzzy", "when_followed"):
            continue
        for key, value in entries.items():
            table[key] = tuple(value.split())
    fuzzy_words: list[str] = data["fuzzy"]["words"]
    known = frozenset(lexicon_words) | {w for v in table.values() for w in v} | set(fuzzy_words)
    known |= set(table) | set(data["fuzzy"]["leave_alone"]) | set(data["when_followed"])
    by_letter: dict[str, list[str]] = {}
    for word in fuzzy_words:
        by_letter.setdefault(word[0], []).append(word)
    before = {
        key: (tuple(entry["as"].split()), frozenset(entry["before"]))
        for key, entry in data["when_followed"].items()
    }
    return Spelling(
        table=table,
        before=before,
        longest=max(len(key.split()) for key in table),
        known=known,
        fuzzy={letter: tuple(words) for letter, words in by_letter.items()},
    )


def _slips(typed: str, word: str) -> int:
    """Optimal-string-alignment distance (letters missing, added, wrong or swapped), capped at 3."""
    if abs(len(typed) - len(word)) > 2:
        return 3
    previous2: list[int] = []
    previous = list(range(len(word) + 1))
    for i, a in enumerate(typed, 1):
        row = [i] + [0] * len(word)
        for j, b in enumerate(word, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a != b))
            if i > 1 and j > 1 and a == word[j - 2] and typed[i - 2] == b:
                row[j] = min(row[j], previous2[j - 2] + 1)
        previous2, previous = previous, row
    return min(previous[-1], 3)


def _slip_allowed(typed: str, word: str, slips: int) -> bool:
    if slips == 1:
        missing_or_swapped = len(typed) == len(word) - 1 or sorted(typed) == sorted(word)
        return missing_or_swapped or len(word) >= 6
    return slips == 2 and len(word) >= 8


def _corrected(typed: str, spelling: Spelling) -> str | None:
    """The word a slip stands for, if one is close enough (see spelling.toml, [fuzzy])."""
    if len(typed) < 3 or not typed.isalpha():
        return None
    for word in spelling.fuzzy.get(typed[0], ()):
        slips = _slips(typed, word)
        if slips < 3 and _slip_allowed(typed, word, slips):
            return word
    return None


def _read_as_known(candidate: str, spelling: Spelling) -> str | None:
    if candidate in spelling.known:
        return candidate
    return _corrected(candidate, spelling)


def _shortened(token: str, spelling: Spelling) -> str:
    """'diiie' -> 'die', 'sooo' -> 'soo' (then 'so'): the first spelling Alliance knows."""
    doubled = _ELONGATED.sub(r"\1\1", token)
    single = _ELONGATED.sub(r"\1", token)
    for candidate in (doubled, single):
        if candidate in spelling.known:
            return candidate
    return doubled


def _de_leeted(token: str, spelling: Spelling) -> str | None:
    """'k1ll' -> 'kill', '$uicide' -> 'suicide', 'd!e' -> 'die': only when that is a known word."""
    if sum(ch.isalpha() for ch in token) < 2 or not _LEET_MARKS.intersection(token):
        return None
    for one in ("i", "l"):
        candidate = token.replace("1", one).translate(_LEET)
        candidate = candidate.replace("$", "s").replace("!", "i").replace("|", "l")
        found = _read_as_known(candidate, spelling)
        if found is not None:
            return found
    return None


@cache
def _plain_word(token: str, spelling: Spelling) -> str:
    """One typed word without an apostrophe, in normal spelling (may still be a table key)."""
    if token in spelling.known:
        return token
    leet = _de_leeted(token, spelling)
    if leet is not None:
        return leet
    plain = _NOT_LETTERS.sub("", token)
    if _ELONGATED.search(plain):
        plain = _shortened(plain, spelling)
    if plain.endswith("in") and plain + "g" in spelling.known:  # "thinkin", "cuttin"
        return plain + "g"
    return _read_as_known(plain, spelling) or plain


def _contraction(token: str) -> tuple[str, ...] | None:
    """ "can't" -> ("can", "not"), "she'll" -> ("she", "will"), "mum's" -> ("mum", "s")."""
    stem, _, ending = token.partition("'")
    if not stem or not ending or "'" in ending:
        return None
    if ending == "t" and stem.endswith("n"):
        return (_NOT_STEMS.get(stem, stem[:-1]), "not")
    if ending == "s":
        return (stem, "is" if stem in _IS_BEFORE_S else "s")
    if ending in _ENDINGS:
        return (stem, _ENDINGS[ending])
    return None


def _typed_words(text: str, spelling: Spelling) -> Iterator[Word]:
    for match in _RAW.finditer(text):
        start, end = match.span()
        if match.lastgroup == "emoji":
            yield Word(EMOJI_WORDS[match.group()], start, end)
        elif match.lastgroup == "symbol":
            yield from (Word(word, start, end) for word in SYMBOL_WORDS[match.group()])
        elif match.lastgroup == "end":
            yield Word(SENTENCE_END, start, end)
        elif match.lastgroup == "comma":
            yield Word(CLAUSE_BREAK, start, end)
        else:
            token = unicodedata.normalize("NFKC", match.group()).lower()
            token = token.replace("’", "'").replace("‘", "'").replace("`", "'")
            parts = _contraction(token) if "'" in token else None
            for part in parts or (token.replace("'", ""),):
                plain = _plain_word(part, spelling)
                if plain:
                    yield Word(plain, start, end)


def _with_table(words: list[Word], spelling: Spelling) -> Iterator[Word]:
    """Casual spellings and slang from the table, longest key first, left to right."""
    i = 0
    while i < len(words):
        conditional = spelling.before.get(words[i].text)
        if conditional and i + 1 < len(words) and words[i + 1].text in conditional[1]:
            yield from (Word(text, words[i].start, words[i].end) for text in conditional[0])
            i += 1
            continue
        for size in range(min(spelling.longest, len(words) - i), 0, -1):
            key = " ".join(word.text for word in words[i : i + size])
            replacement = spelling.table.get(key)
            if replacement is not None:
                start, end = words[i].start, words[i + size - 1].end
                yield from (Word(text, start, end) for text in replacement)
                i += size
                break
        else:
            yield words[i]
            i += 1


def normalise(text: str, spelling: Spelling) -> Normalised:
    text = text[:MAX_CHARS]
    words = tuple(_with_table(list(_typed_words(text, spelling)), spelling))
    offsets: list[int] = []
    position = 1  # after the leading "."
    for word in words:
        offsets.append(position + 1)
        position += 1 + len(word.text)
    joined = SENTENCE_END + "".join(" " + word.text for word in words) + " . "
    return Normalised(text, words, joined, tuple(offsets), tuple(word.text for word in words))
