"""The demo's session transcript: one conversation report to look at. ``generator.DEMO_STEPS``
runs ``create_transcript`` after the signals, once the sessions exist.

The steady client's therapist (dana and chris, the first plan) uploads the transcript of their
latest attended session (``transcripts/sleep_and_work.txt``, written for the demo) through
``upload_transcript``, and the analysis runs here, synchronously (``analyse`` and
``store_report``) rather than as the background task an upload queues, so the report is there
when the demo loads. The upload and the report are back-dated to the afternoon of that session.
The transcript carries no rupture markers, so the signals engine has nothing new to say.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from alliance.audit.services import Actor
from alliance.conversation.analysis import analyse
from alliance.conversation.models import ConversationReport, Transcript
from alliance.conversation.services import store_report, upload_transcript
from alliance.demo.signals import evaluation_time

if TYPE_CHECKING:
    from collections.abc import Callable

    from alliance.demo.build import DemoBuild
    from alliance.practice.models import Practice

TRANSCRIPT = Path(__file__).resolve().parent / "transcripts" / "sleep_and_work.txt"
UPLOADED_AFTER = timedelta(minutes=30)  # after the session ended
ANALYSED_AFTER = timedelta(minutes=1)  # after the upload

# For ``reset.DEMO_ROWS_IN_DELETE_ORDER``: reports before their transcripts, both before the
# appointments and accounts they point at.
CONVERSATION_ROWS: tuple[Callable[[Practice], QuerySet[Any]], ...] = (
    lambda practice: ConversationReport.objects.filter(transcript__practice=practice),
    lambda practice: Transcript.objects.filter(practice=practice),
)


def transcript_text() -> str:
    """The transcript as a therapist would upload it: without the "#" note at its top."""
    lines = TRANSCRIPT.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("#")) + "\n"


def create_transcript(build: DemoBuild) -> None:
    plan, episode, attended = build.plans[0], build.episodes[0], build.attended[0]
    if not attended:
        return
    session = attended[-1]
    actor = Actor(user=episode.therapist.user)
    transcript = upload_transcript(
        actor=actor,
        appointment=session,
        data=transcript_text().encode("utf-8"),
        filename=TRANSCRIPT.name,
        queue_analysis=False,
    )
    report = store_report(
        actor=actor, transcript_id=transcript.pk, analysis=analyse(transcript.turns())
    )
    assert report is not None
    uploaded_at = min(session.scheduled_end + UPLOADED_AFTER, evaluation_time(build.today))
    Transcript.objects.filter(pk=transcript.pk).update(uploaded_at=uploaded_at)
    ConversationReport.objects.filter(pk=report.pk).update(created_at=uploaded_at + ANALYSED_AFTER)
    build.transcripts = 1
    figures = report.figures()
    day = timezone.localtime(session.scheduled_start).date()
    build.highlights.append(
        f"{plan.full_name} ({plan.username}): the transcript of the session on {day.day} {day:%B}, "
        f"analysed ({figures['open_question_pct']:.0f}% open questions, "
        f"{figures['complex_reflection_pct']:.0f}% complex reflections; sign in as "
        f"{plan.therapist} and open that session to read the report)"
    )
