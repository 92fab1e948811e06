"""The crisis procedure a client reads: their agreement's crisis section, else the practice's
template, else the default text. Shown on the portal's crisis page and, at once, after a form or
a session preparation that raised a crisis flag (alliance/signals/crisis.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from alliance.agreements.models import Agreement, AgreementVersion
from alliance.agreements.sections import DEFAULT_SECTIONS
from alliance.agreements.services import template_for
from alliance.practice.models import CareEpisode, Practice


@dataclass(frozen=True)
class CrisisProcedure:
    text: str
    agreed: bool  # from the client's own agreement, not (yet) only the practice's template


def crisis_procedure(agreement: Agreement | None, practice: Practice) -> CrisisProcedure:
    """A draft agreement is not the client's yet: until it is shared, the practice's text."""
    shared = agreement if agreement is not None and agreement.is_shared else None
    version = shared.versions.order_by("-number").first() if shared else None
    if version is not None:
        text = version.sections.get("crisis", "")
    else:
        text = template_for(practice).sections.get("crisis", "")
    return CrisisProcedure(text or DEFAULT_SECTIONS["crisis"], agreed=version is not None)


def crisis_procedure_for_episode(episode: CareEpisode) -> CrisisProcedure:
    """The procedure in the episode's own agreement, or the practice's if it has none yet."""
    agreement = Agreement.objects.filter(episode_id=episode.pk).first()
    return crisis_procedure(agreement, episode.practice)


def crisis_texts(episode_ids: list[int]) -> dict[int, str]:
    """The crisis section of each episode's current agreement version, in one query (episodes
    without an agreement are left out)."""
    latest = AgreementVersion.objects.filter(agreement=OuterRef("pk")).order_by("-number")
    rows = (
        Agreement.objects.filter(episode_id__in=episode_ids)
        .annotate(crisis=Subquery(latest.values("sections__crisis")[:1]))
        .values_list("episode_id", "crisis")
    )
    return {episode_id: str(text) for episode_id, text in rows if text}
