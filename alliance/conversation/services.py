"""Writes for conversation analysis: upload a transcript, store its report, delete both for good,
and the therapist's consent to show reports to supervisors. The turns and the report are
encrypted by their fields (alliance/lib/encrypted_fields.py). Every change leaves an audit row,
never with a word of the session (nor the file name) in it."""

from __future__ import annotations

import json
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.appointments.models import Appointment
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.conversation.analysis import Analysis
from alliance.conversation.coding import CONFRONTATION, WITHDRAWAL
from alliance.conversation.importers import ParsedTranscript, parse_transcript
from alliance.conversation.models import (
    AnalysisStatus,
    ConversationReport,
    Transcript,
    coded_turn_json,
)
from alliance.lib.errors import DomainError
from alliance.practice.consents import require_consent
from alliance.practice.models import ConsentKind, TherapistProfile


def upload_transcript(
    *,
    actor: Actor,
    appointment: Appointment,
    data: bytes,
    filename: str = "",
    speakers: Mapping[str, str] | None = None,
    queue_analysis: bool = True,
) -> Transcript:
    """Parse and store a transcript (``TranscriptError`` if it cannot be read) and queue its
    analysis once the upload is committed (unless the caller analyses it itself: the demo).

    The same turns uploaded again to the same session (a double submit, a second click while
    the first upload was on its way) return the transcript already stored, once, unchanged.

    Reading the file, encrypting the turns and their digest need no database, and take up to a
    second or two for a 2 MB file: they are done before the write transaction opens, which on
    SQLite (BEGIN IMMEDIATE) takes the database's write lock for every other request."""
    if actor.user is None:
        raise DomainError("Only a signed-in therapist can upload a transcript.")
    require_consent(appointment.episode.client, ConsentKind.TRANSCRIPT_ANALYSIS)
    parsed: ParsedTranscript = parse_transcript(data, filename=filename, speakers=speakers)
    transcript = Transcript(
        appointment=appointment,
        practice_id=appointment.practice_id,
        uploaded_by=actor.user,
        uploaded_at=timezone.now(),
        source_format=parsed.format,
        original_filename=filename[:255],
    )
    transcript.set_turns(parsed.turns)
    return _store_upload(actor, transcript, parsed, queue_analysis=queue_analysis)


@transaction.atomic
def _store_upload(
    actor: Actor, transcript: Transcript, parsed: ParsedTranscript, *, queue_analysis: bool
) -> Transcript:
    """Store the transcript and its audit row in one transaction, or return the same upload
    stored before (asking for another analysis if the last one failed)."""
    existing = _same_upload(transcript) or _save_unless_stored(transcript)
    if existing is not None:
        if existing.status == AnalysisStatus.FAILED and queue_analysis:
            # Uploading it again is how a therapist asks for another try.
            existing.status, existing.failure = AnalysisStatus.PENDING, ""
            existing.save(update_fields=["status", "failure"])
            _queue_analysis(existing.pk)
        return existing
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target="session transcript",
        obj=transcript,
        client_id=transcript.appointment.episode.client_id,
        detail={"format": parsed.format, "turns": len(parsed.turns)},
    )
    if queue_analysis:
        _queue_analysis(transcript.pk)
    return transcript


def _queue_analysis(transcript_id: int) -> None:
    from alliance.conversation.tasks import analyze_transcript

    transaction.on_commit(lambda: analyze_transcript.enqueue(transcript_id))


def _save_unless_stored(transcript: Transcript) -> Transcript | None:
    """Save a new transcript; if the other request of a double submit stored the same one
    after our look-up (the unique constraint refuses the copy), return that one instead."""
    try:
        with transaction.atomic():
            transcript.save()
    except IntegrityError:
        existing = _same_upload(transcript)
        if existing is None:
            raise
        return existing
    return None


def _same_upload(transcript: Transcript) -> Transcript | None:
    return Transcript.objects.filter(
        appointment_id=transcript.appointment_id, content_digest=transcript.content_digest
    ).first()


@transaction.atomic
def store_report(
    *, actor: Actor, transcript_id: int, analysis: Analysis
) -> ConversationReport | None:
    """Save the report of a transcript (replacing an earlier one); ``None`` if the transcript
    was deleted while it was being analysed."""
    transcript = (
        Transcript.objects.select_for_update()
        .select_related("appointment__episode")
        .filter(pk=transcript_id)
        .first()
    )
    if transcript is None:
        return None
    figures = analysis.report.as_json()
    ConversationReport.objects.filter(transcript=transcript).delete()
    report = ConversationReport.objects.create(
        transcript=transcript,
        figures_json=json.dumps(figures, ensure_ascii=False),
        coded_turns_json=json.dumps(
            [coded_turn_json(one) for one in analysis.coded], ensure_ascii=False
        ),
        coder_name=analysis.coder_name[:100],
        coder_version=analysis.coder_version[:50],
        reflection_to_question=figures["reflection_to_question"],
        complex_reflection_pct=figures["complex_reflection_pct"],
        open_question_pct=figures["open_question_pct"],
        therapist_talk_share=figures["therapist_talk_share"],
        client_withdrawal_markers=sum(1 for m, _ in analysis.report.markers if m == WITHDRAWAL),
        client_confrontation_markers=sum(
            1 for m, _ in analysis.report.markers if m == CONFRONTATION
        ),
    )
    transcript.status = AnalysisStatus.DONE
    transcript.failure = ""
    transcript.save(update_fields=["status", "failure"])
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target="conversation report",
        obj=report,
        client_id=transcript.appointment.episode.client_id,
        detail={"coder": analysis.coder_name, "coder_version": analysis.coder_version},
    )
    return report


@transaction.atomic
def mark_analysis_failed(*, transcript_id: int, reason: str) -> None:
    Transcript.objects.filter(pk=transcript_id).update(
        status=AnalysisStatus.FAILED, failure=reason[:200]
    )


@transaction.atomic
def delete_transcript(*, actor: Actor, transcript: Transcript) -> None:
    """Delete a transcript and its report for good (no soft delete, no copy). The audit row says
    that it was deleted, by whom, and when; nothing of what it said."""
    had_report = ConversationReport.objects.filter(transcript=transcript).exists()
    client_id = transcript.appointment.episode.client_id
    transcript_id, appointment_id = transcript.pk, transcript.appointment_id
    ConversationReport.objects.filter(transcript=transcript).delete()
    transcript.delete()
    record(
        actor=actor,
        action=AuditAction.DELETE,
        target="session transcript",
        client_id=client_id,
        detail={
            "transcript": transcript_id,
            "appointment": appointment_id,
            "with_report": had_report,
        },
    )


@transaction.atomic
def set_report_sharing(*, actor: Actor, therapist: TherapistProfile, share: bool) -> None:
    """The therapist's consent: may their supervisors read their conversation reports?"""
    if therapist.share_conversation_reports == share:
        return
    therapist.share_conversation_reports = share
    therapist.save(update_fields=["share_conversation_reports"])
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="conversation report sharing",
        obj=therapist,
        detail={"share_with_supervisors": share},
    )
