"""What therapists do with signals: acknowledge, repair, resolve, open by hand, reply to feedback.

Every function is atomic and writes its audit row; a request the rules do not allow raises
``DomainError`` with a sentence the page shows.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.errors import DomainError
from alliance.measures.models import MeasureResponse
from alliance.practice.models import CareEpisode
from alliance.signals.models import (
    FeedbackReply,
    Flag,
    FlagKind,
    FlagStatus,
    RepairStep,
    RepairStrategy,
    RuptureEpisode,
    RuptureStatus,
    RuptureType,
)

MAX_TEXT = 4000
# Two identical submissions this close together are one submission sent twice.
DOUBLE_SUBMIT_WINDOW = timedelta(seconds=30)


def _text(value: str, *, field: str, what: str, required: bool = True) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise DomainError(f"Please write {what}.", field=field)
    if len(cleaned) > MAX_TEXT:
        raise DomainError(f"Please keep it under {MAX_TEXT} characters.", field=field)
    return cleaned


@transaction.atomic
def acknowledge_flag(*, actor: Actor, flag: Flag, note: str = "") -> Flag:
    """A therapist has seen the flag. A crisis flag needs a note of what was done."""
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    required = flag.kind == FlagKind.CRISIS
    cleaned = _text(note, field="note", what="what you did (a note is needed)", required=required)
    if flag.status == FlagStatus.ACKNOWLEDGED:
        return flag
    if flag.status == FlagStatus.CLEARED:
        raise DomainError("This flag has cleared: what raised it no longer holds.")
    flag.status = FlagStatus.ACKNOWLEDGED
    flag.acknowledged_at = timezone.now()
    flag.acknowledged_by = actor.user
    flag.note = cleaned
    flag.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "note"])
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=f"{flag.get_kind_display()} flag acknowledged",
        obj=flag,
        client_id=flag.client_id,
        detail={"rule": flag.rule},
    )
    return flag


def _require_open(rupture: RuptureEpisode) -> None:
    if rupture.is_closed:
        raise DomainError("This rupture is already closed.")


@transaction.atomic
def open_rupture(
    *, actor: Actor, episode: CareEpisode, rupture_type: str, description: str
) -> RuptureEpisode:
    """A therapist opens a rupture episode by hand (they noticed it in the room)."""
    if not episode.is_open:
        raise DomainError("This care episode has ended.")
    if rupture_type not in RuptureType.values:
        raise DomainError(
            "Choose withdrawal, confrontation or not yet clear.", field="rupture_type"
        )
    now = timezone.now()
    described = _text(description, field="description", what="what you noticed")
    if actor.user is not None:
        # The same form sent twice (a double click, a retried request) opens one rupture: the
        # lock on the episode makes the second request wait for the first and find its rupture.
        CareEpisode.objects.select_for_update().filter(pk=episode.pk).first()
        # The text is encrypted (no lookup by content): the few recent ones are compared here.
        recent_ruptures = RuptureEpisode.objects.filter(
            episode=episode,
            opened_by=actor.user,
            rupture_type=rupture_type,
            opened_at__gte=now - DOUBLE_SUBMIT_WINDOW,
        )
        same = next((r for r in recent_ruptures if r.description == described), None)
        if same is not None:
            return same
    rupture = RuptureEpisode.objects.create(
        practice_id=episode.practice_id,
        episode=episode,
        key=f"manual:{now.isoformat()}",
        rupture_type=rupture_type,
        description=described,
        began_at=now,
        opened_at=now,
        opened_by=actor.user,
        acknowledged_at=now,
        acknowledged_by=actor.user,
        status=RuptureStatus.ACKNOWLEDGED,
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target="rupture opened by hand",
        obj=rupture,
        client_id=episode.client_id,
    )
    return rupture


def _acknowledge(actor: Actor, rupture: RuptureEpisode) -> None:
    if rupture.acknowledged_at is None:
        rupture.acknowledged_at = timezone.now()
        rupture.acknowledged_by = actor.user
        rupture.status = RuptureStatus.ACKNOWLEDGED
        rupture.save(update_fields=["acknowledged_at", "acknowledged_by", "status"])
        rupture.flags.filter(status=FlagStatus.OPEN).update(
            status=FlagStatus.ACKNOWLEDGED,
            acknowledged_at=rupture.acknowledged_at,
            acknowledged_by=actor.user,
        )


@transaction.atomic
def acknowledge_rupture(*, actor: Actor, rupture: RuptureEpisode) -> RuptureEpisode:
    rupture = RuptureEpisode.objects.select_for_update().get(pk=rupture.pk)
    _require_open(rupture)
    if rupture.acknowledged_at is None:
        _acknowledge(actor, rupture)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            target="rupture acknowledged",
            obj=rupture,
            client_id=rupture.episode.client_id,
        )
    return rupture


@transaction.atomic
def record_repair(
    *, actor: Actor, rupture: RuptureEpisode, strategies: list[str], what_was_said: str
) -> RepairStep:
    rupture = RuptureEpisode.objects.select_for_update().get(pk=rupture.pk)
    _require_open(rupture)
    chosen = [s for s in RepairStrategy.values if s in set(strategies)]
    if not chosen or len(chosen) != len(set(strategies)):
        raise DomainError("Choose at least one repair strategy from the list.", field="strategies")
    said = _text(what_was_said, field="what_was_said", what="what was said")
    if actor.user is None:
        raise DomainError("A repair is recorded by the therapist.")
    # The same step sent twice (a double click, a retried request) is stored once: the lock on
    # the rupture above makes the second request wait for the first and then find its step.
    recent = RepairStep.objects.filter(
        rupture=rupture,
        recorded_by=actor.user,
        recorded_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
    )
    # The text is encrypted (no lookup by content): compared here, on the few recent steps.
    same = next(
        (step for step in recent if step.strategies == chosen and step.what_was_said == said),
        None,
    )
    if same is not None:
        return same
    _acknowledge(actor, rupture)
    step = RepairStep.objects.create(
        rupture=rupture, strategies=chosen, what_was_said=said, recorded_by=actor.user
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target="rupture repair",
        obj=step,
        client_id=rupture.episode.client_id,
        detail={"strategies": chosen},
    )
    return step


@transaction.atomic
def close_rupture(
    *, actor: Actor, rupture: RuptureEpisode, resolved: bool, note: str = ""
) -> RuptureEpisode:
    """Resolved only once the client's check-ins are back at their baseline (the engine suggests
    it); otherwise a therapist may close it as not recovered, with a note. Closing it the same way
    twice (a double click, a resent form) changes nothing."""
    rupture = RuptureEpisode.objects.select_for_update().get(pk=rupture.pk)
    wanted = RuptureStatus.RESOLVED if resolved else RuptureStatus.UNRESOLVED
    if rupture.status == wanted:
        return rupture
    _require_open(rupture)
    if resolved and rupture.recovery_suggested_at is None:
        raise DomainError(
            "A rupture is resolved when the client's check-ins are back at their baseline; "
            "that has not happened yet."
        )
    cleaned = _text(note, field="note", what="why it is closed", required=not resolved)
    _acknowledge(actor, rupture)
    rupture.status = wanted
    rupture.closed_at = timezone.now()
    rupture.closed_by = actor.user
    rupture.closing_note = cleaned
    rupture.save(update_fields=["status", "closed_at", "closed_by", "closing_note"])
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="rupture resolved" if resolved else "rupture closed without recovery",
        obj=rupture,
        client_id=rupture.episode.client_id,
    )
    return rupture


@transaction.atomic
def reply_to_feedback(
    *, actor: Actor, response: MeasureResponse, what_we_changed: str
) -> FeedbackReply:
    """Answer a client's free-text feedback; the portal shows it beside their words."""
    if not response.comment.strip():
        raise DomainError("This answer has no written feedback to reply to.")
    if actor.user is None:
        raise DomainError("A reply is written by the therapist.")
    text = _text(what_we_changed, field="what_we_changed", what="what you changed")
    reply, created = FeedbackReply.objects.update_or_create(
        response=response,
        defaults={
            "practice_id": response.practice_id,
            "client_id": response.client_id,
            "what_we_changed": text,
            "written_by": actor.user,
            "written_at": timezone.now(),
        },
    )
    record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.CHANGE,
        target="reply to feedback",
        obj=reply,
        client_id=response.client_id,
    )
    return reply
