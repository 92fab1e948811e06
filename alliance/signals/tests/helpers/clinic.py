"""Signals for the clinician pages' tests: check-ins stored through the real service, and flags and
rupture episodes either found by the engine or made by hand (for the access matrix, quickly)."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from alliance.audit.services import Actor
from alliance.measures.definitions import CHECKIN_ID
from alliance.measures.models import MeasureResponse, ResponseSource
from alliance.measures.registry import get_instrument
from alliance.measures.services import submit_response
from alliance.practice.models import CareEpisode, TherapistProfile
from alliance.practice.services import assign_client, create_client
from alliance.signals.engine import evaluate_episodes
from alliance.signals.models import (
    Flag,
    FlagKind,
    FlagStatus,
    RuptureEpisode,
    RuptureType,
    Severity,
)
from alliance.testing.personas import SETUP, Personas

_numbers = count(1)


def as_user(personas: Personas, name: str) -> Actor:
    user = personas.by_name(name)
    assert user is not None
    return Actor(user=user, ip_address="192.0.2.9", path="/test")


def checkin(
    episode: CareEpisode, total: int, *, at: datetime | None = None, comment: str = ""
) -> MeasureResponse:
    """A client check-in with this total (0–40), stored as the portal stores it."""
    items = ["bond", "goals", "approach", "overall"]
    answers: dict[str, object] = {
        item: total // 4 + (1 if i < total % 4 else 0) for i, item in enumerate(items)
    }
    if comment:
        answers["change"] = comment
    return submit_response(
        actor=SETUP,
        instrument=get_instrument(CHECKIN_ID),
        episode=episode,
        raw_answers=answers,
        source=ResponseSource.PORTAL,
        submitted_at=at,
    ).response


def checkins(
    episode: CareEpisode, totals: list[int], *, days_apart: int = 7
) -> list[MeasureResponse]:
    """Check-ins a week apart, the last one an hour ago."""
    now = timezone.now()
    last = len(totals) - 1
    return [
        checkin(episode, total, at=now - timedelta(days=days_apart * (last - i), hours=1))
        for i, total in enumerate(totals)
    ]


def found_rupture(episode: CareEpisode, totals: list[int] | None = None) -> RuptureEpisode:
    """A rupture found by the engine: steady check-ins, then a sharp drop."""
    checkins(episode, totals or [36, 37, 36, 36, 24])
    evaluate_episodes([episode.pk])
    return RuptureEpisode.objects.filter(episode=episode).latest("began_at")


def made_rupture(
    episode: CareEpisode, *, days_ago: int = 9, recovered: bool = False
) -> RuptureEpisode:
    """A rupture episode with one flag, written directly (no engine), not yet acknowledged."""
    now = timezone.now()
    began = now - timedelta(days=days_ago)
    number = next(_numbers)
    rupture = RuptureEpisode.objects.create(
        practice_id=episode.practice_id,
        episode=episode,
        key=f"test:{number}",
        rupture_type=RuptureType.WITHDRAWAL,
        description="Opened by the signals engine.",
        began_at=began,
        opened_at=began,
        baseline=36,
        recovery_suggested_at=now - timedelta(days=1) if recovered else None,
        recovery_evidence=(
            [
                {
                    "what": "check-in back at baseline",
                    "value": 35,
                    "at": (now - timedelta(days=1)).isoformat(),
                    "ref": "response:0",
                }
            ]
            if recovered
            else []
        ),
    )
    Flag.objects.create(
        practice_id=episode.practice_id,
        episode=episode,
        client_id=episode.client_id,
        kind=FlagKind.RUPTURE,
        rule="rupture.drop_from_previous",
        severity=Severity.WARNING,
        key=f"test:{number}:drop_from_previous",
        subtype=RuptureType.WITHDRAWAL,
        explanation="Check-in dropped 12 points from the previous one (36 → 24)",
        evidence=[{"what": "check-in", "value": 24, "at": began.isoformat(), "ref": "response:0"}],
        parameters={"points": 5},
        observed_at=began,
        rupture=rupture,
    )
    return rupture


SPECS = {
    FlagKind.CRISIS: (
        "crisis.language",
        Severity.URGENT,
        "crisis:response:{n}:language",
        "Crisis language in the client's check-in comment: contact the client today",
        {},
    ),
    FlagKind.LOW_ALLIANCE: (
        "low_alliance.from_start",
        Severity.WARNING,
        "low_alliance:from_start:{n}",
        "Every check-in so far is below the cut-off of 32",
        {"checkins": 3, "cutoff": 32},
    ),
    FlagKind.NOT_ON_TRACK: (
        "not_on_track.reliable_deterioration",
        Severity.WARNING,
        "not_on_track:phq9:deterioration{n}",
        "PHQ-9 has worsened reliably: 12 → 19 (reliable change is 6 points)",
        {"reliable_change": 6},
    ),
}


def made_flag(
    episode: CareEpisode, kind: str = FlagKind.CRISIS, *, status: str = FlagStatus.OPEN
) -> Flag:
    """A flag written directly (no engine): crisis, weak alliance or not on track."""
    number = next(_numbers)
    rule, severity, key, explanation, parameters = SPECS[FlagKind(kind)]
    acknowledged = status == FlagStatus.ACKNOWLEDGED
    return Flag.objects.create(
        practice_id=episode.practice_id,
        episode=episode,
        client_id=episode.client_id,
        kind=kind,
        rule=rule,
        severity=severity,
        status=status,
        key=key.format(n=number),
        explanation=explanation,
        evidence=[{"what": "check-in comment", "value": "…", "at": timezone.now().isoformat()}],
        parameters=parameters,
        observed_at=timezone.now(),
        acknowledged_at=timezone.now() if acknowledged else None,
        note="Called the client." if acknowledged else "",
    )


def feedback(
    episode: CareEpisode, words: str = "I would like more time on my goals"
) -> MeasureResponse:
    return checkin(episode, 34, comment=words)


def new_episode(therapist: TherapistProfile, first: str, last: str) -> CareEpisode:
    """A new client (no sign-in account, no history) in ``therapist``'s caseload."""
    client = create_client(
        actor=SETUP, practice=therapist.practice, first_name=first, last_name=last
    )
    return assign_client(actor=SETUP, client=client, therapist=therapist)


def made_risk(
    episode: CareEpisode, level: str, words: str = "2 no-shows lately", *, percent: float = 0.0
) -> None:
    """A stored dropout risk; ``percent`` 0 stands for a row from before the dropout model."""
    from alliance.signals.models import EpisodeRisk

    EpisodeRisk.objects.create(
        episode=episode,
        practice_id=episode.practice_id,
        percent=percent,
        score={"high": 4.0, "moderate": 2.0}.get(level, 0.0),
        level=level,
        factors=[{"factor": "missed", "points": 2.0, "words": words}],
    )


def made_reestimation(practice_id: int, *, missed: float = 0.9, points: float = 7.0) -> Any:
    """A stored re-estimation (no fitting): the shipped coefficients with ``missed_recent`` set,
    and ``rupture.drop_from_previous`` ``points``."""
    from alliance.signals.dropout_model import default_model
    from alliance.signals.models import Reestimation

    model = default_model().as_dict()
    model["coefficients"]["missed_recent"] = missed
    model["provenance"] = {"fitted_on": "the practice's own ended episodes", "episodes": 80}
    return Reestimation.objects.create(
        practice_id=practice_id,
        episodes=80,
        dropouts=20,
        prior_episodes=200,
        proposal={
            "dropout_model": model,
            "thresholds": {"rupture.drop_from_previous": {"points": points}},
        },
        basis={"wobble": 1.6, "reference_wobble": 1.094},
    )
