"""Lines and sizes the scenario tests share."""

from __future__ import annotations

# Written for these tests only; the bench passes its own, independently written phrasings.
CRISIS = ("[test crisis line A]", "[test crisis line B]", "[test crisis line C]")
EXTRA = ("[test benign line 1]", "[test benign line 2]")
LARGE = 6000  # episodes: enough that sampling noise sits well inside the target ranges
SEED = 20261122
