"""Coders: what gives each turn of a transcript its codes (see docs/conversation.md).

``active_coder()`` is the one every analysis uses: the shipped coder, unless the practice trained
its own and chose it with ``alliance coder use NAME``. Both run locally, offline, in memory.
"""

from __future__ import annotations

import threading

from alliance.conversation.coder.coder import PRIMARY_ORDER, RuleModelCoder
from alliance.conversation.coder.examples import SHIPPED_EXAMPLES, fingerprint, read_examples
from alliance.conversation.coding import Coder

__all__ = ["PRIMARY_ORDER", "ShippedCoder", "active_coder", "shipped_coder"]

SHIPPED_VERSION = "1.1"  # the rules' version: raise it when a rule changes


class ShippedCoder(RuleModelCoder):
    """Rules plus classifiers trained from the examples written for Alliance
    (``coder/training/examples.csv``). Its version names the examples it was trained from."""

    def __init__(self) -> None:
        super().__init__(
            "shipped",
            f"{SHIPPED_VERSION}+{fingerprint(SHIPPED_EXAMPLES)}",
            lambda: read_examples(SHIPPED_EXAMPLES),
        )


_shipped: ShippedCoder | None = None
_lock = threading.Lock()


def shipped_coder() -> ShippedCoder:
    """The shipped coder, one per process (its first use trains it, in about two seconds)."""
    global _shipped
    if _shipped is None:
        with _lock:
            if _shipped is None:
                _shipped = ShippedCoder()
    return _shipped


def active_coder() -> Coder:
    """The coder chosen with ``alliance coder use`` (the shipped one unless another was chosen)."""
    from alliance.conversation.coder import store

    name = store.active_name()
    if name == store.SHIPPED:
        return shipped_coder()
    return store.load(name)
