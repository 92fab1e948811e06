"""The only ways to fetch transcripts and conversation reports for a signed-in person.

- The session's therapist (the therapist of its care episode) sees, analyses and deletes them.
- Their supervisors read them only while the therapist's "let my supervisors see my conversation
  reports" setting is on; never change or delete them.
- Everyone else (other therapists, clients, admins, other practices) gets 404.
"""

from __future__ import annotations

from django.http import Http404

from alliance.accounts.models import Role, User
from alliance.conversation.models import Transcript, TranscriptQuerySet
from alliance.practice.access import episodes_for_user


def transcripts_for_user(user: User, *, for_change: bool = False) -> TranscriptQuerySet:
    practice_id = user.practice_id
    if practice_id is None or not user.is_active:
        return Transcript.objects.none()
    if user.role == Role.THERAPIST:
        episodes = episodes_for_user(user, for_change=True)
    elif user.role == Role.SUPERVISOR and not for_change:
        episodes = episodes_for_user(user).filter(therapist__share_conversation_reports=True)
    else:
        return Transcript.objects.none()
    return Transcript.objects.filter(practice_id=practice_id, appointment__episode__in=episodes)


def get_transcript_for_user(
    user: User, transcript_id: int, *, for_change: bool = False
) -> Transcript:
    transcript = (
        transcripts_for_user(user, for_change=for_change)
        .select_related(
            "appointment__episode__client", "appointment__episode__therapist__user", "report"
        )
        .filter(pk=transcript_id)
        .first()
    )
    if transcript is None:
        raise Http404("No such transcript.")
    return transcript


def can_read_reports_of_session(user: User, *, therapist_shares: bool) -> bool:
    """Whether the session page shows its transcripts to ``user`` (who may see the session)."""
    return user.role == Role.THERAPIST or (user.role == Role.SUPERVISOR and therapist_shares)
