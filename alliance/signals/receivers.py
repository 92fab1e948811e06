"""New evidence starts an evaluation: a stored answer, a changed appointment, a preparation.

Ordinary evidence queues the background task once the transaction commits. Evidence of a crisis
(a safety item answered, crisis language in free text) is evaluated at once, in the same
transaction, so the client can be shown the crisis procedure on the spot; the therapist's email
follows the commit.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from alliance.appointments.models import Appointment
from alliance.lib.errors import DomainError
from alliance.measures.models import MeasureResponse
from alliance.practice.events import episode_ending
from alliance.practice.models import CareEpisode, EndReason
from alliance.sessions.models import SessionPreparation
from alliance.signals.crisis import preparation_text
from alliance.signals.crisis_language import detect
from alliance.signals.models import Flag, FlagKind, FlagStatus

logger = logging.getLogger(__name__)


def queue_evaluation(episode_id: int) -> None:
    from alliance.signals.tasks import evaluate_episode

    transaction.on_commit(lambda: evaluate_episode.enqueue(episode_id))


def evaluate_now(episode_id: int) -> None:
    """Evaluate at once, inside the caller's transaction. A fault in the engine must never cost
    the client their answer: it is logged, the savepoint rolled back and the background task
    queued to try again."""
    from alliance.signals.engine import evaluate_episodes
    from alliance.signals.tasks import notify_crisis

    try:
        with transaction.atomic():
            outcome = evaluate_episodes([episode_id])
    except Exception:
        logger.exception("Immediate evaluation of episode %s failed; queued instead", episode_id)
        queue_evaluation(episode_id)
        return
    if outcome.new_crisis_flags:
        ids = list(outcome.new_crisis_flags)
        transaction.on_commit(lambda: notify_crisis(ids))


@receiver(post_save, sender=MeasureResponse, dispatch_uid="signals-response")
def response_stored(sender: Any, instance: MeasureResponse, created: bool, **kwargs: Any) -> None:
    if not created or instance.respondent_role != "client":
        return
    if instance.safety_items or detect(instance.comment or "").crisis:
        evaluate_now(instance.episode_id)
    else:
        queue_evaluation(instance.episode_id)


@receiver(post_save, sender=SessionPreparation, dispatch_uid="signals-preparation")
def preparation_saved(sender: Any, instance: SessionPreparation, **kwargs: Any) -> None:
    episode_id = Appointment.objects.values_list("episode_id", flat=True).get(
        pk=instance.appointment_id
    )
    if detect(preparation_text(instance)).crisis:
        evaluate_now(episode_id)
    else:
        queue_evaluation(episode_id)


@receiver(post_save, sender="conversation.ConversationReport", dispatch_uid="signals-transcript")
def transcript_analysed(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created and (instance.client_withdrawal_markers or instance.client_confrontation_markers):
        episode_id = Appointment.objects.values_list("episode_id", flat=True).get(
            pk=instance.transcript.appointment_id
        )
        queue_evaluation(episode_id)


@receiver(post_save, sender=Appointment, dispatch_uid="signals-appointment")
def appointment_saved(sender: Any, instance: Appointment, created: bool, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if created or (update_fields is not None and "status" not in update_fields):
        return
    queue_evaluation(instance.episode_id)


@receiver(episode_ending, dispatch_uid="signals-episode-ending")
def refuse_to_end_over_a_crisis(
    sender: Any, episode: CareEpisode, reason: str, **kwargs: Any
) -> None:
    """An episode whose crisis flag nobody acknowledged ends only by transfer: the therapist
    acknowledges the flag with a note first."""
    if reason == EndReason.TRANSFERRED:
        return
    if Flag.objects.filter(episode=episode, kind=FlagKind.CRISIS, status=FlagStatus.OPEN).exists():
        raise DomainError(
            "This client has a crisis flag that has not been acknowledged. The therapist "
            "acknowledges it with a note before the episode ends."
        )
