"""Did this submission raise a crisis flag? Asked by the pages a client submits (a form, a
session preparation) so that the practice's crisis procedure is shown on the spot.

The receivers (``alliance.signals.receivers``) evaluate a safety answer or crisis language at once,
inside the submitting transaction, so the flag exists by the time the page is rendered. A flag's
key names the evidence it rests on: ``crisis:response:<id>:safety``,
``crisis:response:<id>:language``, ``crisis:preparation:<id>:language``.
"""

from __future__ import annotations

from django.db import models

from alliance.measures.models import MeasureResponse
from alliance.sessions.models import SessionPreparation
from alliance.signals.crisis_language import detect
from alliance.signals.models import Flag, FlagKind


def preparation_text(preparation: SessionPreparation) -> str:
    """A session preparation's free text as it is read for crisis language: both answers, as
    separate sentences."""
    return f"{preparation.talk_about}\n{preparation.since_last_time}"


def raised_crisis_for_response(response: MeasureResponse) -> bool:
    """A client's answered form that raised a crisis flag (a safety item or crisis words)."""
    return Flag.objects.filter(
        episode_id=response.episode_id,
        kind=FlagKind.CRISIS,
        key__startswith=f"crisis:response:{response.pk}:",
    ).exists()


def raised_crisis_for_preparation(preparation: SessionPreparation) -> bool:
    """A session preparation whose words, as they stand now, raised a crisis flag.

    A preparation can be changed until the session; its flag stays (crisis flags are never
    cleared), so the current text must still read as crisis language for the procedure to be shown.
    """
    if not detect(preparation_text(preparation)).crisis:
        return False
    return Flag.objects.filter(
        kind=FlagKind.CRISIS, key__startswith=f"crisis:preparation:{preparation.pk}:"
    ).exists()


def raised_crisis_for(submission: models.Model) -> bool:
    """What the pages that thank a client ask (alliance/lib/crisis_checks.py): a form or a
    session preparation that raised a crisis flag."""
    if isinstance(submission, MeasureResponse):
        return raised_crisis_for_response(submission)
    if isinstance(submission, SessionPreparation):
        return raised_crisis_for_preparation(submission)
    return False
