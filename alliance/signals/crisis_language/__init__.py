"""Crisis language in a client's free text: a lexicon and a small classifier (docs/signals.md)."""

from alliance.signals.crisis_language.reading import CrisisReading, detect, warm_up

__all__ = ["CrisisReading", "detect", "warm_up"]
