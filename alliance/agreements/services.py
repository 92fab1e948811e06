"""Writes to therapy agreements: the practice's template, drafting from it, new versions, the
client's acknowledgement and reviews. Each writes its audit row in the same transaction."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from alliance.agreements.models import (
    Acknowledgement,
    Agreement,
    AgreementReview,
    AgreementTemplate,
    AgreementVersion,
)
from alliance.agreements.sections import (
    DEFAULT_SECTIONS,
    SECTION_KEYS,
    SECTION_TITLES,
    fill,
    unfilled_message,
)
from alliance.agreements.terms import SessionTerms, terms_of
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.errors import DomainError
from alliance.practice.models import CareEpisode, PhaseChange, Practice

MAX_SECTION_CHARS = 10_000
MAX_REVIEW_WEEKS = 104


def template_for(practice: Practice) -> AgreementTemplate:
    """The practice's template, created with the default text on first use."""
    template, _ = AgreementTemplate.objects.get_or_create(
        practice=practice, defaults={"sections": dict(DEFAULT_SECTIONS)}
    )
    return template


def current_version(agreement: Agreement) -> AgreementVersion:
    version = agreement.versions.order_by("-number").first()
    assert version is not None, "an agreement always has its first version"
    return version


@transaction.atomic
def draft_agreement(*, actor: Actor, episode: CareEpisode) -> Agreement:
    """Start the episode's agreement as version 1 of the practice's template."""
    if Agreement.objects.filter(episode=episode).exists():
        raise DomainError("This care episode already has an agreement.")
    if not episode.is_open:
        raise DomainError("This care episode has ended.")
    template = template_for(episode.practice)
    terms = SessionTerms(
        frequency_days=template.frequency_days,
        session_minutes=template.session_minutes,
        late_cancellation_hours=template.late_cancellation_hours,
    )
    values = asdict(terms)
    sections = {
        key: fill(template.sections.get(key) or DEFAULT_SECTIONS[key], values)
        for key in SECTION_KEYS
    }
    agreement = Agreement.objects.create(
        episode=episode, review_every_weeks=template.review_every_weeks
    )
    _create_version(actor, agreement, 1, sections, terms, "Drafted from the practice template.")
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target="therapy agreement",
        obj=agreement,
        client_id=episode.client_id,
    )
    return agreement


def _create_version(
    actor: Actor,
    agreement: Agreement,
    number: int,
    sections: dict[str, str],
    terms: SessionTerms,
    note: str,
) -> AgreementVersion:
    return AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        sections=sections,
        frequency_days=terms.frequency_days,
        session_minutes=terms.session_minutes,
        late_cancellation_hours=terms.late_cancellation_hours,
        created_by=actor.user,
        note=note,
    )


def _check(sections: dict[str, str], terms: SessionTerms) -> dict[str, str]:
    cleaned = {key: (sections.get(key) or "").strip() for key in SECTION_KEYS}
    for key, text in cleaned.items():
        if not text:
            raise DomainError(f"“{SECTION_TITLES[key]}” cannot be empty.", field=key)
        if len(text) > MAX_SECTION_CHARS:
            raise DomainError(f"“{SECTION_TITLES[key]}” is too long.", field=key)
    if terms.frequency_days < 1 or terms.session_minutes < 1:
        raise DomainError("Sessions need a frequency and a length above zero.")
    if terms.late_cancellation_hours < 0:
        raise DomainError(
            "The late-cancellation window cannot be negative.", field="late_cancellation_hours"
        )
    return cleaned


@transaction.atomic
def save_version(
    *,
    actor: Actor,
    agreement: Agreement,
    sections: dict[str, str],
    terms: SessionTerms,
    note: str = "",
) -> AgreementVersion:
    """A new version, which also counts as a review. A version identical to the current one is
    refused: it would ask the client to acknowledge nothing new."""
    cleaned = _check(sections, terms)
    # Lock the agreement so two editors cannot both create the same version number.
    Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
    current = current_version(agreement)
    if cleaned == current.sections and terms == terms_of(current):
        raise DomainError("Nothing has changed since the current version.")
    # A shared agreement shows every new version to the client at once: no new placeholders
    # there (one shared before drafts existed may still hold some of its own; they may stay).
    if agreement.is_shared and (
        problem := unfilled_message(cleaned, doing="shown to the client", besides=current.sections)
    ):
        raise DomainError(problem)
    version = _create_version(actor, agreement, current.number + 1, cleaned, terms, note.strip())
    agreement.reviewed_at = version.created_at
    agreement.save(update_fields=["reviewed_at"])
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="therapy agreement",
        obj=agreement,
        client_id=agreement.episode.client_id,
        detail={"version": version.number},
    )
    return version


@transaction.atomic
def share_agreement(*, actor: Actor, agreement: Agreement) -> Agreement:
    """Show the drafted agreement to the client, who can then read and acknowledge it. Refused
    while the current version still has placeholders. Sharing twice changes nothing."""
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.is_shared:
        return locked
    if not agreement.episode.is_open:
        raise DomainError("This care episode has ended.")
    current = current_version(locked)
    if problem := unfilled_message(current.sections, doing="shared with the client yet"):
        raise DomainError(problem)
    locked.shared_at = timezone.now()
    locked.shared_by = actor.user
    locked.save(update_fields=["shared_at", "shared_by"])
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="agreement shared",
        obj=locked,
        client_id=agreement.episode.client_id,
        detail={"version": current.number},
    )
    agreement.shared_at, agreement.shared_by = locked.shared_at, locked.shared_by
    return locked


@transaction.atomic
def update_template(
    *,
    actor: Actor,
    practice: Practice,
    sections: dict[str, str],
    terms: SessionTerms,
    review_every_weeks: int,
) -> list[str]:
    """Save the practice's template, the starting text and terms of every agreement drafted from
    now on (agreements already drafted keep theirs). Returns what changed, in form order: section
    keys, then term names; nothing changed writes nothing."""
    cleaned = _check(sections, terms)
    if not 1 <= review_every_weeks <= MAX_REVIEW_WEEKS:
        raise DomainError(
            f"Review agreements every 1 to {MAX_REVIEW_WEEKS} weeks.", field="review_every_weeks"
        )
    template_for(practice)  # exists from here on
    template = AgreementTemplate.objects.select_for_update().get(practice=practice)
    changed = [
        key
        for key in SECTION_KEYS
        if cleaned[key] != (template.sections.get(key) or DEFAULT_SECTIONS[key])
    ]
    numbers = {**asdict(terms), "review_every_weeks": review_every_weeks}
    changed += [name for name, value in numbers.items() if getattr(template, name) != value]
    if not changed:
        return []
    template.sections = cleaned
    for name, value in numbers.items():
        setattr(template, name, value)
    template.save()
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="agreement template",
        obj=template,
        detail={"changed": changed},
    )
    return changed


@transaction.atomic
def acknowledge(*, actor: Actor, version: AgreementVersion) -> Acknowledgement:
    """The client's acknowledgement of ``version``. A second one of the same version returns the
    first and stores nothing new."""
    user = actor.user
    episode = version.agreement.episode
    if user is None or episode.client.user_id != user.pk:
        raise DomainError("Only the client can acknowledge their agreement.")
    if not version.agreement.is_shared:
        raise DomainError("Your therapist has not shared this agreement with you yet.")
    existing = Acknowledgement.objects.filter(version=version, user=user).first()
    if existing is not None:
        return existing
    if current_version(version.agreement).pk != version.pk:
        raise DomainError("There is a newer version of this agreement: please read that one.")
    acknowledgement = Acknowledgement.objects.create(
        version=version, user=user, ip_address=actor.ip_address
    )
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="agreement acknowledged",
        obj=version.agreement,
        client_id=episode.client_id,
        detail={"version": version.number},
    )
    return acknowledgement


@transaction.atomic
def mark_reviewed(*, actor: Actor, agreement: Agreement, note: str = "") -> AgreementReview:
    """Record a review that kept the agreement as it is."""
    review = AgreementReview.objects.create(
        agreement=agreement,
        version=current_version(agreement),
        reviewed_by=actor.user,
        note=note.strip(),
    )
    agreement.reviewed_at = review.reviewed_at
    agreement.save(update_fields=["reviewed_at"])
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="agreement reviewed",
        obj=agreement,
        client_id=agreement.episode.client_id,
    )
    return review


def is_due(
    *, reviewed_at: datetime, every_weeks: int, last_phase_change: datetime | None, today: date
) -> bool:
    """Due ``every_weeks`` after the last review, and after any phase change since then."""
    if last_phase_change is not None and last_phase_change > reviewed_at:
        return True
    return today >= timezone.localdate(reviewed_at) + timedelta(weeks=every_weeks)


def review_due(agreement: Agreement, today: date) -> bool:
    if not agreement.episode.is_open:
        return False
    last_change = (
        PhaseChange.objects.filter(episode_id=agreement.episode_id)
        .exclude(from_phase="")
        .order_by("-changed_at")
        .values_list("changed_at", flat=True)
        .first()
    )
    return is_due(
        reviewed_at=agreement.reviewed_at,
        every_weeks=agreement.review_every_weeks,
        last_phase_change=last_change,
        today=today,
    )
