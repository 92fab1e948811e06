"""Background work for signals: evaluate an episode when new evidence arrives; tell the therapist
about a crisis flag by email (console by default, SMTP when configured)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse

from alliance.signals.models import Flag


@task
def evaluate_episode(episode_id: int) -> int:
    """Run every rule on one episode; returns how many flags were raised."""
    from alliance.signals.engine import evaluate_episodes

    outcome = evaluate_episodes([episode_id])
    if outcome.new_crisis_flags:
        notify_crisis(outcome.new_crisis_flags)
    return outcome.flags_raised


@task
def reevaluate_open_episodes() -> int:
    """Periodic: evaluate every open episode again, because time itself is evidence (a week
    without a session raises the dropout risk even when nothing is submitted). Returns how many
    flags were raised."""
    from alliance.practice.models import CareEpisode
    from alliance.signals.engine import evaluate_episodes

    ids = CareEpisode.objects.open().order_by("pk").values_list("pk", flat=True)
    outcome = evaluate_episodes(list(ids))
    if outcome.new_crisis_flags:
        notify_crisis(outcome.new_crisis_flags)
    return outcome.flags_raised


@task
def evaluate_practice_task(practice_id: int) -> dict[str, int]:
    """Run every rule on every care episode of one practice (the admin's "re-evaluate" button,
    e.g. after changing the rules); returns what changed. A rerun with nothing new changes nothing."""
    from alliance.signals.engine import evaluate_practice

    outcome = evaluate_practice(practice_id)
    if outcome.new_crisis_flags:
        notify_crisis(outcome.new_crisis_flags)
    return {
        "episodes": outcome.episodes,
        "flags_raised": outcome.flags_raised,
        "flags_cleared": outcome.flags_cleared,
        "ruptures_opened": outcome.ruptures_opened,
        "recoveries_suggested": outcome.recoveries_suggested,
        "risks_changed": outcome.risks_changed,
        "crisis_flags": len(outcome.new_crisis_flags),
    }


def notify_crisis(flag_ids: list[int]) -> int:
    """One email to the therapist per crisis flag. It names no clinical detail, only where to
    look: the flag itself is read in Alliance, behind sign-in and audit."""
    sent = 0
    for flag in Flag.objects.select_related("episode__therapist__user", "client").filter(
        pk__in=flag_ids
    ):
        therapist = flag.episode.therapist.user
        if not therapist.email:
            continue
        url = settings.BASE_URL + reverse("clinic:client", args=[flag.client_id])
        send_mail(
            subject="Alliance: urgent flag for one of your clients",
            message=(
                f"Hello {therapist.first_name or therapist.username},\n\n"
                f"A crisis flag was raised for client {flag.client.initials} at "
                f"{flag.raised_at:%d %B %Y %H:%M}. Please open Alliance today:\n{url}\n\n"
                "The flag stays on your dashboard until you acknowledge it with a note.\n"
            ),
            from_email=None,
            recipient_list=[therapist.email],
        )
        sent += 1
    return sent
