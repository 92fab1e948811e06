"""The crisis lexicon: expressions of risk grouped by construct, and the spans that are not risk.

``data/lexicon.toml`` holds the expressions as data (the pattern language is in patterns.py).
A reading of a normalised text:

1. **Safe spans**: clear denials ("I'm not suicidal"), idioms ("this job is killing me"),
   someone else's death or self-harm, work or media about it. A safe span does not count when a
   hedge comes just before it ("not SURE I'm not suicidal", "can't PROMISE I won't hurt
   myself") or a breaker just after or inside it ("I don't want to die YET").
2. **Risk matches**, per construct. A match lying wholly inside a safe span is set aside; one
   that reaches beyond it still counts, so a denial suppresses only what it denies.
3. **Past**: a match in the same clause as a marker of the past ("used to", "years ago", "as a
   teenager") is set aside as history, unless the sentence says it is back ("again", "lately").

Everything errs towards flagging: only a clear denial, a known idiom or plain history sets a
match aside.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alliance.signals.crisis_language.normalise import SENTENCE_END, Normalised
from alliance.signals.crisis_language.patterns import (
    Compiled,
    TokenSet,
    compile_pattern,
    expand_macros,
    parse,
    triggered,
    words_of,
)

LEXICON = Path(__file__).parent / "data" / "lexicon.toml"
CONSTRUCTS = (
    "ideation",
    "plan",
    "intent",
    "means",
    "preparation",
    "hopelessness",
    "burdensomeness",
    "self_harm",
    "unsafe",
)
HEDGE_REACH = 3  # words before a safe span in which a hedge voids it
BREAKER_REACH = 2  # words after a safe span in which a breaker voids it


@dataclass(frozen=True)
class RiskPattern:
    construct: str
    compiled: Compiled


@dataclass(frozen=True)
class Match:
    construct: str
    start: int  # in the normalised text
    end: int
    pattern: str
    wording: str  # as the client wrote it


@dataclass(frozen=True, eq=False)
class Lexicon:
    risk: tuple[RiskPattern, ...]
    safe: tuple[Compiled, ...]
    hedges: frozenset[str]
    breakers: frozenset[str]
    past: tuple[Compiled, ...]  # markers of the distant past...
    current: tuple[Compiled, ...]  # ...unless the sentence says it is happening now
    recovery: tuple[Compiled, ...]  # markers of recovery ("a year clean")...
    relapse: tuple[Compiled, ...]  # ...unless the sentence says it came back
    clause_words: frozenset[str]


@dataclass(frozen=True)
class _Source:
    """lexicon.toml, checked: every pattern list a list of strings."""

    macros: dict[str, str]
    risk: dict[str, list[str]]
    safe: dict[str, list[str]]
    lists: dict[str, list[str]]  # hedges.words, past.markers, recovery.relapse...

    def all_patterns(self) -> list[str]:
        found = [p for patterns in (*self.risk.values(), *self.safe.values()) for p in patterns]
        return found + [p for key in PATTERN_LISTS for p in self.lists[key]]


PATTERN_LISTS = ("past.markers", "past.current", "recovery.markers", "recovery.relapse")
WORD_LISTS = ("hedges.words", "hedges.breakers", "past.clause_words")


def _table(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ValueError(f"lexicon.toml: [{where}] must be a table")
    return value


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"lexicon.toml: {where} must be a list of strings")
    return list(value)


def _patterns_by_section(data: dict[str, object], group: str) -> dict[str, list[str]]:
    return {
        name: _strings(_table(section, f"{group}.{name}").get("patterns"), f"{group}.{name}")
        for name, section in _table(data.get(group, {}), group).items()
    }


@cache
def _source() -> _Source:
    with open(LEXICON, "rb") as handle:
        data: dict[str, object] = tomllib.load(handle)
    macros = {key: str(value) for key, value in _table(data["macros"], "macros").items()}
    lists: dict[str, list[str]] = {}
    for key in (*PATTERN_LISTS, *WORD_LISTS):
        section, name = key.split(".")
        lists[key] = _strings(_table(data[section], section).get(name), key)
    risk = _patterns_by_section(data, "risk")
    unknown = set(risk) - set(CONSTRUCTS)
    if unknown:
        raise ValueError(f"lexicon.toml: unknown constructs {sorted(unknown)}")
    return _Source(macros, risk, _patterns_by_section(data, "safe"), lists)


def macros() -> dict[str, str]:
    """The lexicon's macros ({PILLS}, {HIGH}...), which the safety net's patterns use too."""
    return _source().macros


def _compiled(patterns: list[str], macros: dict[str, str]) -> tuple[Compiled, ...]:
    return tuple(compile_pattern(pattern, macros) for pattern in patterns)


@cache
def lexicon() -> Lexicon:
    source = _source()
    macros, lists = source.macros, source.lists
    risk = tuple(
        RiskPattern(construct, compiled)
        for construct in CONSTRUCTS
        for compiled in _compiled(source.risk.get(construct, []), macros)
    )
    safe = tuple(c for patterns in source.safe.values() for c in _compiled(patterns, macros))
    return Lexicon(
        risk=risk,
        safe=safe,
        hedges=frozenset(lists["hedges.words"]),
        breakers=frozenset(lists["hedges.breakers"]),
        past=_compiled(lists["past.markers"], macros),
        current=_compiled(lists["past.current"], macros),
        recovery=_compiled(lists["recovery.markers"], macros),
        relapse=_compiled(lists["recovery.relapse"], macros),
        clause_words=frozenset(lists["past.clause_words"]),
    )


def lexicon_words() -> set[str]:
    """Every whole word the lexicon names: the words the normaliser must never 'correct'."""
    source = _source()
    found: set[str] = set()
    for pattern in source.all_patterns():
        expanded = expand_macros(pattern, source.macros)
        found |= {word for word in words_of(parse(expanded)) if not word.endswith("*")}
    return found | {word for key in WORD_LISTS for word in source.lists[key]}


def _found(compiled: Compiled, text: Normalised, tokens: frozenset[str]) -> Iterator[range]:
    """Every match of one pattern, as ranges of character offsets in the normalised text."""
    if compiled.triggers is not None and not compiled.triggers.present(tokens):
        return
    for match in compiled.regex.finditer(text.joined):
        yield range(match.start(), match.end())


@dataclass(frozen=True)
class _Structure:
    """Where the sentences and clauses of a normalised text begin (character offsets)."""

    sentence_starts: list[int]
    clause_starts: list[int]

    def sentence(self, position: int, text: Normalised) -> range:
        return _around(self.sentence_starts, position, len(text.joined))

    def clause(self, position: int, text: Normalised) -> range:
        return _around(self.clause_starts, position, len(text.joined))


def _around(starts: list[int], position: int, length: int) -> range:
    index = bisect_right(starts, position) - 1
    end = starts[index + 1] if index + 1 < len(starts) else length
    return range(starts[max(index, 0)], end)


def _structure(text: Normalised, clause_words: frozenset[str]) -> _Structure:
    sentences, clauses = [0], [0]
    for word, offset in zip(text.words, text.offsets, strict=True):
        if word.text == SENTENCE_END:
            sentences.append(offset - 1)
            clauses.append(offset - 1)
        elif word.text in clause_words:
            clauses.append(offset - 1)
    return _Structure(sentences, clauses)


def _voided(span: range, text: Normalised, rules: Lexicon) -> bool:
    """A safe span that is not a clear denial: hedged before, or broken inside or after."""
    words = text.word_range(span.start, span.stop)
    before = text.tokens[max(0, words.start - HEDGE_REACH) : words.start]
    if SENTENCE_END in before:
        before = before[len(before) - before[::-1].index(SENTENCE_END) :]
    if rules.hedges.intersection(before):
        return True
    inside_and_after = text.tokens[words.start : words.stop + BREAKER_REACH]
    return not rules.breakers.isdisjoint(inside_and_after)


def safe_spans(text: Normalised, tokens: frozenset[str], rules: Lexicon) -> list[range]:
    spans = [
        span
        for index in triggered(rules.safe, tokens)
        for span in _found(rules.safe[index], text, tokens)
    ]
    return [span for span in spans if not _voided(span, text, rules)]


PAST_REACH = 300  # characters either side of a match in which its clause is read
SETTLED_COVER = 0.75  # the share of a sentence that safe spans cover for it to be settled


@dataclass(frozen=True)
class Context:
    text: Normalised
    tokens: frozenset[str]
    safe: list[range]  # merged, in order
    safe_starts: list[int]
    structure: _Structure
    rules: Lexicon

    def set_aside(self, match: range) -> bool:
        """Inside a safe span, or history."""
        index = bisect_right(self.safe_starts, match.start) - 1
        if index >= 0 and match.stop <= self.safe[index].stop:
            return True
        return self.in_the_past(match)

    def settled(self, sentence: range) -> bool:
        """A sentence that only tells history (its first clause is in the past and nothing
        says it is back), or that safe spans (denials, idioms, someone else) nearly cover: the
        classifier, which knows neither, does not read it."""
        if self.in_the_past(range(sentence.start, sentence.start + 1)):
            return True
        length = max(len(sentence), 1)
        covered = sum(
            len(range(max(span.start, sentence.start), min(span.stop, sentence.stop)))
            for span in self.safe
        )
        return covered >= SETTLED_COVER * length

    def _search(self, patterns: tuple[Compiled, ...], within: range) -> bool:
        start = max(within.start, 0)
        return any(
            compiled.regex.search(self.text.joined, start, within.stop + 1)
            for compiled in patterns
            if compiled.triggers is None or compiled.triggers.present(self.tokens)
        )

    def in_the_past(self, match: range) -> bool:
        """History or recovery, said in the match's clause and not undone in its sentence."""
        near = range(match.start - PAST_REACH, match.stop + PAST_REACH)
        clause = _within(self.structure.clause(match.start + 1, self.text), near)
        sentence = _within(self.structure.sentence(match.start + 1, self.text), near)
        rules = self.rules
        if self._search(rules.past, clause) and not self._search(rules.current, sentence):
            return True
        return self._search(rules.recovery, clause) and not self._search(rules.relapse, sentence)


def _within(span: range, bounds: range) -> range:
    return range(max(span.start, bounds.start), min(span.stop, bounds.stop))


def _merged(spans: list[range]) -> list[range]:
    merged: list[range] = []
    for span in sorted(spans, key=lambda span: span.start):
        if merged and span.start <= merged[-1].stop:
            merged[-1] = range(merged[-1].start, max(merged[-1].stop, span.stop))
        else:
            merged.append(span)
    return merged


def context_of(text: Normalised, rules: Lexicon, more_safe: tuple[Compiled, ...] = ()) -> Context:
    """What sets a match aside in this text: its safe spans (the lexicon's, and ``more_safe``,
    which the safety net adds) and where its sentences and clauses begin."""
    tokens = TokenSet(text.tokens)
    spans = safe_spans(text, tokens, rules)
    spans += [
        span
        for index in triggered(more_safe, tokens)
        for span in _found(more_safe[index], text, tokens)
    ]
    safe = _merged(spans)
    structure = _structure(text, rules.clause_words)
    return Context(text, tokens, safe, [span.start for span in safe], structure, rules)


@cache
def _risk_compiled(rules: Lexicon) -> tuple[Compiled, ...]:
    return tuple(pattern.compiled for pattern in rules.risk)


def risk_matches(
    text: Normalised, rules: Lexicon | None = None, context: Context | None = None
) -> list[Match]:
    """Every risk expression in the text that no clear denial, idiom or history sets aside
    (``context``, when given, is the text's, with the safety net's safe spans added)."""
    rules = rules or lexicon()
    context = context or context_of(text, rules)
    found: list[Match] = []
    for index in triggered(_risk_compiled(rules), context.tokens):
        pattern = rules.risk[index]
        for span in kept(pattern.compiled, context):
            wording = text.as_written(span.start, span.stop)
            found.append(
                Match(pattern.construct, span.start, span.stop, pattern.compiled.source, wording)
            )
    return found


def kept(
    compiled: Compiled, context: Context, also_aside: Callable[[range], bool] | None = None
) -> Iterator[range]:
    """Matches of one risk pattern, trying again just past any that was set aside (by the
    context, or by ``also_aside``: the safety net's own frames)."""
    if compiled.triggers is not None and not compiled.triggers.present(context.tokens):
        return
    position = 0
    while (match := compiled.regex.search(context.text.joined, position)) is not None:
        span = range(match.start(), match.end())
        if context.set_aside(span) or (also_aside is not None and also_aside(span)):
            position = match.start() + 1
        else:
            yield span
            position = max(match.end(), match.start() + 1)
