"""Background work for conversation analysis: code an uploaded transcript and store its report."""

from __future__ import annotations

import logging

from django.tasks import task

from alliance.audit.services import Actor
from alliance.conversation.models import Transcript
from alliance.practice.consents import has_consent
from alliance.practice.models import ConsentKind

logger = logging.getLogger(__name__)


@task
def analyze_transcript(transcript_id: int) -> bool:
    """Code the transcript's turns and store the report; ``False`` if the transcript is gone
    (deleted before its turn in the queue) or the analysis failed (the page then says so)."""
    from alliance.conversation.analysis import analyse
    from alliance.conversation.services import mark_analysis_failed, store_report

    transcript = (
        Transcript.objects.select_related("appointment__episode").filter(pk=transcript_id).first()
    )
    if transcript is None:
        return False
    if not has_consent(transcript.appointment.episode.client_id, ConsentKind.TRANSCRIPT_ANALYSIS):
        mark_analysis_failed(
            transcript_id=transcript_id,
            reason="The client has revoked consent to the analysis of session transcripts.",
        )
        return False
    try:
        analysis = analyse(transcript.turns())
    except Exception as error:
        # Only the kind of problem is logged and kept: an exception's message may quote the
        # session, and logs are not encrypted.
        logger.error(
            "Conversation analysis of transcript %s failed: %s",
            transcript_id,
            type(error).__name__,
        )
        mark_analysis_failed(
            transcript_id=transcript_id,
            reason=f"The analysis stopped with an error ({type(error).__name__}).",
        )
        return False
    report = store_report(
        actor=Actor.system("analyze_transcript"), transcript_id=transcript_id, analysis=analysis
    )
    return report is not None
