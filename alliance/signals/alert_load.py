"""Alert load: how many new flags the signals engine gives each therapist a week, per rule, and
how often a flag of each rule led to an action.

A flag nobody acts on costs attention and teaches therapists to ignore the next one, so the
number of flags is a figure the practice watches, with a budget: at most
``BUDGET_PER_THERAPIST_WEEK`` new non-crisis flags per therapist per week at the default
settings (docs/signals.md). Crisis flags are counted apart and never against the budget: a crisis
is raised whatever it costs.

*Led to an action*: the therapist acknowledged the flag with a note of what they did, or, for a
rupture flag, a repair step was recorded on its rupture. Rules are ranked by that share, so a
supervisor sees which rules earn their place.

Two queries for a practice, whatever the number of flags.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from alliance.signals.catalogue import RULES_BY_ID
from alliance.signals.models import Flag, FlagKind

BUDGET_PER_THERAPIST_WEEK = 3.0
PERIOD = timedelta(weeks=8)


@dataclass(frozen=True)
class RuleLoad:
    rule: str
    title: str
    flags: int
    acted: int
    per_therapist_week: float

    @property
    def acted_percent(self) -> int | None:
        return round(100 * self.acted / self.flags) if self.flags else None


@dataclass(frozen=True)
class AlertLoad:
    weeks: int
    therapists: int
    flags: int  # new non-crisis flags in the period
    crises: int  # counted apart, never against the budget
    rules: tuple[RuleLoad, ...]  # most often acted on first
    by_therapist: dict[int, float]  # therapist id -> new non-crisis flags per week

    @property
    def budget(self) -> float:
        return BUDGET_PER_THERAPIST_WEEK

    @property
    def per_therapist_week(self) -> float:
        return self.flags / (self.therapists * self.weeks) if self.therapists else 0.0

    @property
    def over_budget(self) -> bool:
        return self.per_therapist_week > BUDGET_PER_THERAPIST_WEEK

    def of(self, therapist_id: int) -> float:
        return self.by_therapist.get(therapist_id, 0.0)

    def over_budget_for(self, therapist_id: int) -> bool:
        return self.of(therapist_id) > BUDGET_PER_THERAPIST_WEEK


def _acted_on() -> Q:
    return ~Q(note="") | Q(rupture__repairs__isnull=False)


def _title(rule_id: str) -> str:
    rule = RULES_BY_ID.get(rule_id)
    return rule.title if rule is not None else rule_id


def alert_load(
    practice_id: int, therapist_ids: Sequence[int], *, now: datetime | None = None
) -> AlertLoad:
    """The alert load of these therapists of the practice over the last ``PERIOD``."""
    now = now or timezone.now()
    weeks = PERIOD.days // 7
    flags = Flag.objects.filter(
        practice_id=practice_id,
        episode__therapist_id__in=list(therapist_ids),
        raised_at__gte=now - PERIOD,
        raised_at__lte=now,
    )
    crises = flags.filter(kind=FlagKind.CRISIS).count()
    counted = flags.exclude(kind=FlagKind.CRISIS)
    per_rule_and_therapist = counted.values("rule", "episode__therapist_id").annotate(
        flags=Count("id", distinct=True),
        acted=Count("id", distinct=True, filter=_acted_on()),
    )
    totals: dict[str, list[int]] = {}
    by_therapist: dict[int, float] = {}
    for row in per_rule_and_therapist:
        total = totals.setdefault(row["rule"], [0, 0])
        total[0] += row["flags"]
        total[1] += row["acted"]
        therapist_id = row["episode__therapist_id"]
        by_therapist[therapist_id] = by_therapist.get(therapist_id, 0.0) + row["flags"] / weeks
    therapists = len(set(therapist_ids))
    rules = [
        RuleLoad(
            rule=rule_id,
            title=_title(rule_id),
            flags=n,
            acted=acted,
            per_therapist_week=n / (therapists * weeks) if therapists else 0.0,
        )
        for rule_id, (n, acted) in totals.items()
    ]
    rules.sort(key=lambda load: (-(load.acted / load.flags), -load.flags, load.rule))
    return AlertLoad(
        weeks=weeks,
        therapists=therapists,
        flags=sum(load.flags for load in rules),
        crises=crises,
        rules=tuple(rules),
        by_therapist=by_therapist,
    )
