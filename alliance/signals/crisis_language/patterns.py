"""The small pattern language of ``data/lexicon.toml``, compiled to regular expressions.

Patterns are read on normalised text (normalise.py): words in normal spelling with one space
between them, "." at every sentence end and "," at every clause break::

    word      a whole word;  word*  any word starting so ("suicid*")
    a b       a sequence: b right after a
    (a|b c)   one of;  [a b]  optional
    ~  ~N     a gap of up to 3 (or N, at most 8) words, inside the sentence
    <  >      the start / the end of a sentence
    !(a|b)    not followed by
    #  #y     a number, a year (1900-2099);  ,  .   a clause break, a sentence end
    {NAME}    a macro (from the [macros] table), written like any pattern

Why a language of our own rather than regular expressions in the data file: every construct
compiles to a bounded piece (a word, a bounded gap, a possessive run of letters), so no pattern
can backtrack without limit on hostile input, and the file stays readable by a clinician. Each
pattern also knows which words a match must contain, so it is not even tried on a text without
one of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

MAX_GAP = 8
DEFAULT_GAP = 3

_LEXEME = re.compile(r"\s*(?:(!\()|([()\[\]|<>,.]|#y?)|(~\d*)|([a-z0-9]+\*?))")
_MACRO = re.compile(r"\{([A-Z_]+)\}")

WORD_END = "(?= )"
GAP_WORD = r" [^ .]++"  # one word (possessive: never given back), never a sentence end


class PatternError(ValueError):
    pass


class _Index:
    """Every pattern's trigger words, by word: which patterns a text can match is worked out
    once per text from its words, not by asking each of a thousand patterns in turn."""

    def __init__(self) -> None:
        self.by_word: dict[str, list[int]] = {}
        self.by_beginning: dict[str, list[int]] = {}
        self.kept: list[Triggers] = []  # keeps each registered id alive, so never reused
        self.longest_beginning = 0
        self.version = 0

    def register(self, triggers: Triggers) -> None:
        for word in triggers.words:
            self.by_word.setdefault(word, []).append(id(triggers))
        for beginning in triggers.prefixes:
            self.by_beginning.setdefault(beginning, []).append(id(triggers))
            self.longest_beginning = max(self.longest_beginning, len(beginning))
        self.kept.append(triggers)
        self.version += 1

    def present(self, tokens: frozenset[str]) -> set[int]:
        found: set[int] = set()
        for token in tokens:
            found.update(self.by_word.get(token, ()))
            for end in range(1, min(len(token), self.longest_beginning) + 1):
                found.update(self.by_beginning.get(token[:end], ()))
        return found


_INDEX = _Index()


class TokenSet(frozenset[str]):
    """The words of one text, which also know which patterns' trigger words they hold."""

    _present: set[int]
    _version: int = -1

    def triggered(self) -> set[int]:
        if self._version != _INDEX.version:
            self._present = _INDEX.present(self)
            self._version = _INDEX.version
        return self._present


@dataclass(frozen=True, eq=False)
class Triggers:
    """Words at least one of which any match contains: exact words and word beginnings."""

    words: frozenset[str]
    prefixes: tuple[str, ...]

    def __post_init__(self) -> None:
        _INDEX.register(self)

    def present(self, tokens: frozenset[str]) -> bool:
        if isinstance(tokens, TokenSet):
            return id(self) in tokens.triggered()
        if not self.words.isdisjoint(tokens):
            return True
        return any(token.startswith(self.prefixes) for token in tokens) if self.prefixes else False


def _always_and_by_trigger(
    patterns: tuple[Compiled, ...],
) -> tuple[list[int], dict[int, list[int]]]:
    always: list[int] = []
    by_trigger: dict[int, list[int]] = {}
    for index, compiled in enumerate(patterns):
        if compiled.triggers is None:
            always.append(index)
        else:
            by_trigger.setdefault(id(compiled.triggers), []).append(index)
    return always, by_trigger


# A sequence of patterns -> (the sequence, kept alive so its id is never reused; its index).
MAX_SEQUENCES = 256
_SEQUENCES: dict[int, tuple[tuple[Compiled, ...], list[int], dict[int, list[int]]]] = {}


def triggered(patterns: tuple[Compiled, ...], tokens: frozenset[str]) -> list[int]:
    """The positions in ``patterns``, in order, of the patterns whose trigger words the text
    holds (all the others cannot match it)."""
    if not isinstance(tokens, TokenSet):
        return [
            index
            for index, compiled in enumerate(patterns)
            if compiled.triggers is None or compiled.triggers.present(tokens)
        ]
    entry = _SEQUENCES.get(id(patterns))
    if entry is None or entry[0] is not patterns:
        if len(_SEQUENCES) > MAX_SEQUENCES:  # only long-lived sequences are expected here
            _SEQUENCES.clear()
        entry = (patterns, *_always_and_by_trigger(patterns))
        _SEQUENCES[id(patterns)] = entry
    _, always, by_trigger = entry
    present = tokens.triggered()
    found = list(always)
    if len(by_trigger) < len(present):
        for trigger, indices in by_trigger.items():
            if trigger in present:
                found.extend(indices)
    else:
        for trigger in present:
            found.extend(by_trigger.get(trigger, ()))
    found.sort()
    return found


@dataclass(frozen=True)
class Compiled:
    """A pattern ready to match. The regular expression is compiled the first time it is
    needed: most patterns never are for a given text (their trigger words are absent), and
    compiling all of them up front would cost the first request a third of a second."""

    source: str
    expression: str
    triggers: Triggers | None  # None: no word is required, so the pattern is always tried

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.expression)


def expand_macros(pattern: str, macros: dict[str, str]) -> str:
    for _ in range(5):  # macros may use macros; five levels are plenty
        if "{" not in pattern:
            return pattern
        try:
            pattern = _MACRO.sub(lambda m: macros[m.group(1)], pattern)
        except KeyError as error:
            raise PatternError(f"unknown macro {error} in {pattern!r}") from None
    raise PatternError(f"macros nested too deep in {pattern!r}")


def lexemes(pattern: str) -> list[str]:
    found: list[str] = []
    position = 0
    stripped = pattern.rstrip()
    while position < len(stripped):
        match = _LEXEME.match(stripped, position)
        if match is None:
            raise PatternError(f"cannot read {stripped[position:]!r} in {pattern!r}")
        found.append(next(group for group in match.groups() if group is not None))
        position = match.end()
    return found


# The parsed form: a sequence is a list of items; an item is one of these tuples.
Item = tuple[str, object]


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.items = lexemes(pattern)
        self.at = 0

    def fail(self, what: str) -> PatternError:
        return PatternError(f"{what} in {self.pattern!r}")

    def parse(self) -> list[Item]:
        sequence = self.sequence()
        if self.at != len(self.items):
            raise self.fail(f"unexpected {self.items[self.at]!r}")
        if not sequence:
            raise self.fail("empty pattern")
        return sequence

    def sequence(self) -> list[Item]:
        items: list[Item] = []
        while self.at < len(self.items) and self.items[self.at] not in (")", "]", "|"):
            items.append(self.item())
        return items

    def options(self, closing: str) -> list[list[Item]]:
        options = [self.sequence()]
        while self.at < len(self.items) and self.items[self.at] == "|":
            self.at += 1
            options.append(self.sequence())
        if self.at >= len(self.items) or self.items[self.at] != closing:
            raise self.fail(f"missing {closing!r}")
        self.at += 1
        if any(not option for option in options):
            raise self.fail("an empty choice")
        return options

    def item(self) -> Item:
        lexeme = self.items[self.at]
        self.at += 1
        if lexeme == "(":
            return ("choice", self.options(")"))
        if lexeme == "[":
            return ("optional", self.options("]"))
        if lexeme == "!(":
            return ("not", self.options(")"))
        if lexeme.startswith("~"):
            size = int(lexeme[1:]) if len(lexeme) > 1 else DEFAULT_GAP
            if not 1 <= size <= MAX_GAP:
                raise self.fail(f"a gap of {size} words (1 to {MAX_GAP})")
            return ("gap", size)
        if lexeme in ("<", ">", ",", ".", "#", "#y"):
            return (lexeme, None)
        return ("word", lexeme)


def parse(pattern: str) -> list[Item]:
    return _Parser(pattern).parse()


def _regex(sequence: list[Item]) -> str:
    return "".join(_item_regex(item) for item in sequence)


def _choice_regex(options: object) -> str:
    assert isinstance(options, list)
    return "(?:" + "|".join(_regex(option) for option in options) + ")"


_FIXED = {
    "<": r"(?<=\.)",
    ">": r"(?= \.)",
    ",": " ," + WORD_END,
    ".": r" \.",
    "#": " [0-9]++" + WORD_END,
    "#y": " (?:19|20)[0-9][0-9]" + WORD_END,
}


def _item_regex(item: Item) -> str:
    kind, value = item
    if kind == "word":
        assert isinstance(value, str)
        if value.endswith("*"):
            return " " + re.escape(value[:-1]) + "[^ ]*+"
        return " " + re.escape(value) + WORD_END
    if kind == "gap":
        return f"(?:{GAP_WORD}){{0,{value}}}"
    if kind in _FIXED:
        return _FIXED[kind]
    if kind == "choice":
        return _choice_regex(value)
    if kind == "optional":
        return _choice_regex(value) + "?"
    if kind == "not":
        return "(?!" + _choice_regex(value)[3:]
    raise AssertionError(kind)


def _item_triggers(item: Item) -> set[str] | None:
    kind, value = item
    if kind == "word":
        assert isinstance(value, str)
        return {value}
    if kind == "choice":
        assert isinstance(value, list)
        found: set[str] = set()
        for option in value:
            required = _sequence_triggers(option)
            if required is None:
                return None
            found |= required
        return found
    return None


# Words in nearly every comment: a pattern whose trigger words include one of these is tried on
# nearly every text, so any other set of words a match must contain is preferred.
COMMON = frozenset(
    [
        "i",
        "me",
        "my",
        "myself",
        "a",
        "an",
        "the",
        "to",
        "and",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "is",
        "am",
        "are",
        "was",
        "be",
        "been",
        "it",
        "this",
        "that",
        "so",
        "not",
        "do",
        "will",
        "would",
        "have",
        "just",
        "you",
    ]
)


def _sequence_triggers(sequence: list[Item]) -> set[str] | None:
    candidates = [found for item in sequence if (found := _item_triggers(item)) is not None]
    if not candidates:
        return None
    return min(candidates, key=lambda found: (not COMMON.isdisjoint(found), len(found)))


def triggers(sequence: list[Item]) -> Triggers | None:
    found = _sequence_triggers(sequence)
    if found is None:
        return None
    words = frozenset(word for word in found if not word.endswith("*"))
    prefixes = tuple(sorted(word[:-1] for word in found if word.endswith("*")))
    return Triggers(words, prefixes)


def words_of(sequence: list[Item]) -> set[str]:
    """Every word a pattern names (word beginnings with their "*")."""
    found: set[str] = set()
    for kind, value in sequence:
        if kind == "word":
            assert isinstance(value, str)
            found.add(value)
        elif kind in ("choice", "optional", "not"):
            assert isinstance(value, list)
            for option in value:
                found |= words_of(option)
    return found


def compile_pattern(pattern: str, macros: dict[str, str]) -> Compiled:
    sequence = parse(expand_macros(pattern, macros))
    return Compiled(pattern, _regex(sequence), triggers(sequence))
