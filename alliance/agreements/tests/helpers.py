"""Building agreements for tests, lazily, so any test (or access-matrix case) can ask for one."""

from __future__ import annotations

from django.utils import timezone

from alliance.agreements.models import Agreement, AgreementVersion
from alliance.agreements.sections import UNFILLED
from alliance.agreements.services import (
    current_version,
    draft_agreement,
    save_version,
    share_agreement,
)
from alliance.agreements.terms import terms_of
from alliance.audit.services import Actor
from alliance.practice.models import CareEpisode
from alliance.testing.personas import Personas

SETUP = Actor.system("test-setup")


def agreement_for(episode: CareEpisode, *, shared: bool = True) -> Agreement:
    """The episode's agreement, drafted from the template if it has none yet, and (unless
    ``shared=False``) already shared with the client, placeholders and all, as agreements from
    before drafts existed were (alliance/agreements/migrations/0002_agreement_shared.py)."""
    existing = Agreement.objects.filter(episode=episode).first()
    if existing is not None:
        return existing
    agreement = draft_agreement(actor=SETUP, episode=episode)
    if shared:
        agreement.shared_at = timezone.now()
        agreement.save(update_fields=["shared_at"])
    return agreement


def chris_agreement(p: Personas) -> Agreement:
    return agreement_for(p.chris_episode)


def chris_current_version(p: Personas) -> AgreementVersion:
    return current_version(chris_agreement(p))


def edit_data(version: AgreementVersion, **changes: object) -> dict[str, object]:
    """POST data for the edit form: ``version`` as it is, with ``changes``."""
    return {
        **version.sections,
        "frequency_days": version.frequency_days,
        "session_minutes": version.session_minutes,
        "late_cancellation_hours": version.late_cancellation_hours,
        "note": "",
        **changes,
    }


def filled_in(sections: dict[str, str]) -> dict[str, str]:
    """``sections`` with every placeholder replaced by words of the therapist's."""
    return {key: UNFILLED.sub("(agreed together)", text) for key, text in sections.items()}


def fill_in_and_share(agreement: Agreement, actor: Actor = SETUP) -> Agreement:
    """Replace the placeholders (a new version, if there were any) and share the agreement."""
    current = current_version(agreement)
    if filled_in(current.sections) != current.sections:
        save_version(
            actor=actor,
            agreement=agreement,
            sections=filled_in(current.sections),
            terms=terms_of(current),
        )
    return share_agreement(actor=actor, agreement=agreement)
