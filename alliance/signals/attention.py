"""Which clients need attention first, and why, in words a therapist reads at a glance.

Order: an unacknowledged crisis flag first, then open rupture episodes (not yet acknowledged before
those under way, oldest first), then not on track, weak alliance, high and then moderate dropout
risk; everyone else keeps the page's own order. ``attention_for`` answers for any number of care
episodes in three queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count
from django.utils import timezone

from alliance.measures.registry import all_instruments
from alliance.practice.models import Client, EpisodeStatus, TherapistProfile
from alliance.signals.catalogue import RULES_BY_ID
from alliance.signals.models import (
    EpisodeRisk,
    Flag,
    FlagKind,
    FlagStatus,
    RiskLevel,
    RuptureEpisode,
    RuptureStatus,
)

CRISIS = 0
RUPTURE_NOT_ACKNOWLEDGED = 1
RUPTURE_UNDER_WAY = 2
NOT_ON_TRACK = 3
WEAK_ALLIANCE = 4
HIGH_RISK = 5
MODERATE_RISK = 6
NOTHING_TO_SEE = 9


@dataclass(frozen=True)
class Attention:
    rank: int = NOTHING_TO_SEE  # lower comes first
    reasons: list[str] = field(default_factory=list)
    crisis_flags: int = 0  # unacknowledged crisis flags

    @property
    def needed(self) -> bool:
        return self.rank < NOTHING_TO_SEE

    @property
    def urgent(self) -> bool:
        return self.rank == CRISIS


NOTHING = Attention()


@dataclass(frozen=True)
class CrisisLink:
    """One line of the urgent banner: whose crisis flag waits for acknowledgement."""

    client: Client
    episode_id: int
    therapist: TherapistProfile | None = None  # named on the supervisor's pages


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def _rupture_reason(rupture: RuptureEpisode, repairs: int, now: datetime) -> str:
    age = f"Rupture open {_days(max(0, (now - rupture.began_at).days))}"
    back = rupture.recovery_suggested_at is not None
    if rupture.status == RuptureStatus.OPEN:
        return f"{age}, not acknowledged" + ("; check-ins back at baseline" if back else "")
    if back:
        return f"{age}, check-ins back at baseline: confirm it resolved"
    if repairs:
        return f"{age}, repair under way"
    return f"{age}, acknowledged, no repair step yet"


def _flag_reason(flag: Flag, titles: dict[str, str]) -> str:
    rule = RULES_BY_ID.get(flag.rule)
    what = rule.title.lower() if rule is not None else ""
    if flag.kind == FlagKind.NOT_ON_TRACK:
        parts = flag.key.split(":")
        instrument = titles.get(parts[1], "") if len(parts) > 2 else ""
        where = f" on {instrument}" if instrument else ""
        return f"Not on track{where}" + (f": {what}" if what else "")
    return rule.title if rule is not None else flag.get_kind_display()


def attention_for(episode_ids: Iterable[int], now: datetime | None = None) -> dict[int, Attention]:
    """Per episode: a rank and the reasons in words. Episodes with nothing to see are left out."""
    ids = list(episode_ids)
    if not ids:
        return {}
    now = now or timezone.now()
    titles = {instrument.id: instrument.title for instrument in all_instruments()}
    found: dict[int, list[tuple[int, str]]] = {}
    crisis: dict[int, int] = {}

    def add(episode_id: int, rank: int, reason: str) -> None:
        found.setdefault(episode_id, []).append((rank, reason))

    flags = Flag.objects.filter(
        episode_id__in=ids,
        status=FlagStatus.OPEN,
        kind__in=[FlagKind.CRISIS, FlagKind.NOT_ON_TRACK, FlagKind.LOW_ALLIANCE],
    ).order_by("observed_at", "id")
    for flag in flags:
        if flag.kind == FlagKind.CRISIS:
            crisis[flag.episode_id] = crisis.get(flag.episode_id, 0) + 1
        elif flag.kind == FlagKind.NOT_ON_TRACK:
            add(flag.episode_id, NOT_ON_TRACK, _flag_reason(flag, titles))
        else:
            add(flag.episode_id, WEAK_ALLIANCE, _flag_reason(flag, titles))
    for episode_id, count in crisis.items():
        add(
            episode_id,
            CRISIS,
            "Crisis flag, not yet acknowledged"
            if count == 1
            else f"{count} crisis flags, not yet acknowledged",
        )
    ruptures = (
        RuptureEpisode.objects.filter(
            episode_id__in=ids, status__in=[RuptureStatus.OPEN, RuptureStatus.ACKNOWLEDGED]
        )
        .annotate(repair_count=Count("repairs"))
        .order_by("began_at", "id")
    )
    for rupture in ruptures:
        rank = (
            RUPTURE_NOT_ACKNOWLEDGED if rupture.status == RuptureStatus.OPEN else RUPTURE_UNDER_WAY
        )
        repairs: int = rupture.repair_count
        add(rupture.episode_id, rank, _rupture_reason(rupture, repairs, now))
    risks = EpisodeRisk.objects.filter(
        episode_id__in=ids, level__in=[RiskLevel.HIGH, RiskLevel.MODERATE]
    ).exclude(episode__status=EpisodeStatus.ENDED)
    for risk in risks:
        words = [str(f.get("words", "")) for f in risk.factors if isinstance(f, dict)]
        because = f" ({words[0]})" if words and words[0] else ""
        if risk.level == RiskLevel.HIGH:
            add(risk.episode_id, HIGH_RISK, f"High dropout risk{because}")
        else:
            add(risk.episode_id, MODERATE_RISK, f"Moderate dropout risk{because}")
    out = {}
    for episode_id, reasons in found.items():
        reasons.sort(key=lambda pair: pair[0])  # stable: oldest rupture first within a rank
        out[episode_id] = Attention(
            rank=reasons[0][0],
            reasons=[reason for _, reason in reasons],
            crisis_flags=crisis.get(episode_id, 0),
        )
    return out


def by_attention[T](
    items: Sequence[T], attention: dict[int, Attention], episode_id: Callable[[T], int]
) -> list[T]:
    """``items`` with those needing attention first; the rest keep their order."""
    return sorted(items, key=lambda item: attention.get(episode_id(item), NOTHING).rank)
