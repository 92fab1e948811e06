"""The safety net: first-person text that comes near risk, read as risk unless a clear frame says
it is ordinary.

The lexicon (lexicon.py) names ways of saying risk; measured on sets written by other people it
missed a quarter of them, because people say risk through a situation ("rope in the garage", "I
know which bridge", "gave my console away"), a euphemism, a hedge or a half sentence. A missed
crisis is the one failure this product must not have, and a false alarm costs a therapist a short
note, so this tier turns the question round: text that mentions what risk is made of (death and
dying said of oneself, a means dwelt on, preparations, ending or not being here, being a burden,
self-injury, not being able to go on) is read as risk, and only a narrow set of frames sets a
mention aside. Its data is ``data/net.toml``; the pattern language is the lexicon's.

A mention (a match of a ``[net.*]`` pattern) is set aside when:

1. it lies inside a safe span: the lexicon's (a clear denial, an idiom, someone else's death,
   work or media about it, an ordinary reason to miss a session) or the net's own
   (``[frames] safe``: everyday uses of the same words, "the train was late", "my phone died");
2. it is history: the lexicon's past and recovery markers, unless the sentence says it is back;
3. it is clearly someone else's: its clause begins with someone else ("my dad keeps a shotgun")
   and holds no "I", "me" or "myself" (except in groups marked ``subject = "any"``, whose
   mentions are risk whoever is the subject: "they'd be better off", "she doesn't know it's
   goodbye");
4. its sentence holds one of its group's ``unless`` patterns (a frame that only that group
   needs: a task named beside "I'll do it tonight", a charity shop beside giving things away).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

from alliance.signals.crisis_language.lexicon import (
    CONSTRUCTS,
    Context,
    Lexicon,
    Match,
    context_of,
    kept,
    lexicon,
    macros,
)
from alliance.signals.crisis_language.normalise import CLAUSE_BREAK, SENTENCE_END, Normalised
from alliance.signals.crisis_language.patterns import (
    Compiled,
    compile_pattern,
    expand_macros,
    parse,
    triggered,
    words_of,
)

NET = Path(__file__).parent / "data" / "net.toml"
LEAD = 2  # the first words of a clause, in which someone else is its subject
# Words between "my" (or "the", "our") and the person it names: "my little brother".
BEFORE_SOMEONE = frozenset(
    [
        "little",
        "big",
        "older",
        "younger",
        "eldest",
        "oldest",
        "youngest",
        "best",
        "baby",
        "twin",
        "step",
        "half",
        "online",
        "new",
        "old",
        "late",
        "dear",
        "other",
        "ex",
    ]
)


@dataclass(frozen=True)
class NetGroup:
    name: str
    construct: str  # the lexicon construct its mentions are shown under
    patterns: tuple[Compiled, ...]
    unless: tuple[Compiled, ...]  # searched in the mention's sentence
    any_subject: bool = False  # someone else as the subject does not set a mention aside


@dataclass(frozen=True, eq=False)
class Net:
    groups: tuple[NetGroup, ...]
    safe: tuple[Compiled, ...]
    someone_else: frozenset[str]
    first_person: frozenset[str]


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"net.toml: {where} must be a list of strings")
    return list(value)


@cache
def _data() -> dict[str, object]:
    with open(NET, "rb") as handle:
        return tomllib.load(handle)


def _group_tables() -> dict[str, dict[str, object]]:
    groups = _data().get("net", {})
    if not isinstance(groups, dict) or not all(isinstance(t, dict) for t in groups.values()):
        raise ValueError("net.toml: [net.*] must be tables")
    return groups


def _frames() -> dict[str, object]:
    frames = _data().get("frames")
    if not isinstance(frames, dict):
        raise ValueError("net.toml: [frames] must be a table")
    return frames


def _compiled(patterns: list[str]) -> tuple[Compiled, ...]:
    table = macros()
    return tuple(compile_pattern(pattern, table) for pattern in patterns)


@cache
def net() -> Net:
    groups = []
    for name, table in _group_tables().items():
        construct = str(table.get("construct"))
        if construct not in CONSTRUCTS:
            raise ValueError(f"net.toml: [net.{name}] construct {construct!r} is not one")
        patterns = _strings(table.get("patterns"), f"net.{name}.patterns")
        unless = _strings(table.get("unless", []), f"net.{name}.unless")
        any_subject = table.get("subject", "me") == "any"
        groups.append(
            NetGroup(name, construct, _compiled(patterns), _compiled(unless), any_subject)
        )
    frames = _frames()
    return Net(
        groups=tuple(groups),
        safe=_compiled(_strings(frames.get("safe"), "frames.safe")),
        someone_else=frozenset(_strings(frames.get("someone_else"), "frames.someone_else")),
        first_person=frozenset(_strings(frames.get("first_person"), "frames.first_person")),
    )


def net_words() -> set[str]:
    """Every whole word the net names: words the normaliser must never 'correct'."""
    frames = _frames()
    patterns = _strings(frames.get("safe"), "frames.safe")
    for name, table in _group_tables().items():
        patterns += _strings(table.get("patterns"), f"net.{name}.patterns")
        patterns += _strings(table.get("unless", []), f"net.{name}.unless")
    found: set[str] = set()
    for pattern in patterns:
        found |= {w for w in words_of(parse(expand_macros(pattern, macros()))) if w[-1] != "*"}
    for key in ("someone_else", "first_person"):
        found |= set(_strings(frames.get(key), f"frames.{key}"))
    return found


def _clause(text: Normalised, word: int, rules: Lexicon) -> tuple[str, ...]:
    """The words of the clause holding word number ``word`` (commas, sentence ends and the
    lexicon's clause words begin a clause)."""
    tokens = text.tokens
    start = word
    while start > 0 and tokens[start - 1] not in (SENTENCE_END, CLAUSE_BREAK):
        if tokens[start - 1] in rules.clause_words:
            break
        start -= 1
    end = word
    while end < len(tokens) and tokens[end] not in (SENTENCE_END, CLAUSE_BREAK):
        if end > word and tokens[end] in rules.clause_words:
            break
        end += 1
    return tokens[start:end]


@dataclass(frozen=True)
class _Frames:
    """The net's own reasons to set a mention aside (the context holds the lexicon's)."""

    text: Normalised
    context: Context
    net: Net

    def someone_elses(self, span: range) -> bool:
        """The clause begins with someone else and says nothing of the client: "my" counts
        as the client's unless it names someone ("my dad keeps a shotgun")."""
        words = self.text.word_range(span.start, span.stop)
        if not words:
            return False
        clause = _clause(self.text, words.start, self.context.rules)
        lead = clause[:LEAD]
        if len(clause) > LEAD and clause[LEAD - 1] in BEFORE_SOMEONE:  # "my little brother"
            lead = clause[: LEAD + 1]
        if self.net.someone_else.isdisjoint(lead):
            return False
        if self.net.first_person.intersection(clause):
            return False
        return all(
            after in self.net.someone_else
            or (after in BEFORE_SOMEONE and then in self.net.someone_else)
            for word, after, then in zip(
                clause, (*clause[1:], ""), (*clause[2:], "", ""), strict=True
            )
            if word == "my"
        )

    def framed(self, span: range, group: NetGroup) -> bool:
        if not group.any_subject and self.someone_elses(span):
            return True
        if not group.unless:
            return False
        sentence = self.context.structure.sentence(span.start + 1, self.text)
        return any(
            compiled.regex.search(self.text.joined, sentence.start, sentence.stop + 1)
            for compiled in group.unless
            if compiled.triggers is None or compiled.triggers.present(self.context.tokens)
        )


def net_context(text: Normalised) -> Context:
    """The text's context for the lexicon, with the net's own safe spans added."""
    return context_of(text, lexicon(), net().safe)


def net_matches(text: Normalised, context: Context | None = None) -> list[Match]:
    """Every mention of what risk is made of that no frame sets aside (``context``: the
    text's, from net_context)."""
    caught = net()
    context = context or net_context(text)
    frames = _Frames(text, context, caught)
    found: list[Match] = []
    for group in caught.groups:
        aside = partial(frames.framed, group=group)
        for index in triggered(group.patterns, context.tokens):
            compiled = group.patterns[index]
            for span in kept(compiled, context, aside):
                wording = text.as_written(span.start, span.stop)
                found.append(
                    Match(group.construct, span.start, span.stop, compiled.source, wording)
                )
    return found
