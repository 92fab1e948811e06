"""Building agreements for tests, lazily, so any test (or access-matrix case) can ask for one."""

from __future__ import annotations

from alliance.agreements.models import Agreement, AgreementVersion
from alliance.agreements.services import current_version, draft_agreement
from alliance.audit.services import Actor
from alliance.practice.models import CareEpisode
from alliance.testing.personas import Personas

SETUP = Actor.system("test-setup")


def agreement_for(episode: CareEpisode) -> Agreement:
    """The episode's agreement, drafted from the template if it has none yet."""
    existing = Agreement.objects.filter(episode=episode).first()
    return existing or draft_agreement(actor=SETUP, episode=episode)


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
