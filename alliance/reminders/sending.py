"""Working out which reminders are due, and sending each once.

Run by the periodic job ``reminders.send_due`` (every 15 minutes, in the background worker):

- **session reminders**: a scheduled session starting within the practice's
  ``session_hours_before``, to a client with an email who has not opted out; keyed by the
  session and its start, so a session moved to another day is reminded again;
- **form reminders**: a client's form still open ``form_hours_after`` hours after it became due
  (one email per client listing how many forms wait, each form reminded once);
- **daily digest**: at the practice's ``digest_hour`` (its time zone) each therapist with an
  email gets today's sessions and who needs attention (``signals.attention``), once a day.

Each reminder is claimed first: one small transaction inserts its ``SentReminder`` row (unique
by kind and key); a claim that fails was sent already. The email is composed and sent after the
claim's transaction, never inside it; if sending fails, the claim is removed so that the next
run tries again. Emails name no clinical detail: initials, times, and where to look.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from alliance.appointments.calendar import local_midnight, practice_zone
from alliance.appointments.models import (
    Appointment,
    AppointmentStatus,
    MoveRequest,
    MoveRequestStatus,
)
from alliance.measures.access import form_link_token
from alliance.measures.models import FormRequest
from alliance.practice.models import CareEpisode, Client, Practice, TherapistProfile
from alliance.reminders.models import (
    ReminderKind,
    ReminderPreference,
    ReminderSettings,
    SentReminder,
)
from alliance.signals.attention import attention_for

logger = logging.getLogger("alliance.reminders")
DEFAULTS = ReminderSettings()


@dataclass(frozen=True)
class Sent:
    sessions: int = 0
    forms: int = 0
    digests: int = 0


def settings_of(practice: Practice) -> ReminderSettings:
    return ReminderSettings.objects.filter(practice=practice).first() or DEFAULTS


def _claim(practice_id: int, kind: ReminderKind, key: str, now: datetime) -> bool:
    try:
        with transaction.atomic():
            SentReminder.objects.create(practice_id=practice_id, kind=kind, key=key, sent_at=now)
    except IntegrityError:
        return False
    return True


def _send_claimed(kind: ReminderKind, keys: list[str], subject: str, body: str, to: str) -> bool:
    """Send an email whose reminders are claimed; on failure give the claims back."""
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[to])
    except Exception:
        SentReminder.objects.filter(kind=kind, key__in=keys).delete()
        logger.exception("A %s email could not be sent; it is tried again next run", kind)
        return False
    return True


def _opted_out(client_ids: set[int], kind: str) -> set[int]:
    return set(
        ReminderPreference.objects.filter(client_id__in=client_ids, **{kind: False}).values_list(
            "client_id", flat=True
        )
    )


def _email_of(client: Client) -> str:
    return client.email or (client.user.email if client.user else "")


def portal_url() -> str:
    return settings.BASE_URL + reverse("portal:home")


def send_session_reminders(practice: Practice, rules: ReminderSettings, now: datetime) -> int:
    if not rules.session_hours_before:
        return 0
    due = list(
        Appointment.objects.filter(
            practice=practice,
            status=AppointmentStatus.SCHEDULED,
            scheduled_start__gt=now,
            scheduled_start__lte=now + timedelta(hours=rules.session_hours_before),
        ).select_related("episode__client__user", "episode__therapist__user")
    )
    out = _opted_out({a.episode.client_id for a in due}, "sessions")
    zone = practice_zone(practice.pk)
    sent = 0
    for appointment in due:
        client = appointment.episode.client
        email = _email_of(client)
        key = f"appointment {appointment.pk} at {appointment.scheduled_start.isoformat()}"
        if client.pk in out or not email or not _claim(practice.pk, ReminderKind.SESSION, key, now):
            continue
        when = timezone.localtime(appointment.scheduled_start, zone)
        body = (
            f"Hello {client.first_name},\n\n"
            f"A reminder of your session with {appointment.episode.therapist} on "
            f"{when:%A %d %B at %H:%M}.\n\nTo cancel or ask to move it, sign in: {portal_url()}\n"
            "You can turn these reminders off there too.\n"
        )
        sent += _send_claimed(ReminderKind.SESSION, [key], "Your next session", body, email)
    return sent


def send_form_reminders(practice: Practice, rules: ReminderSettings, now: datetime) -> int:
    if not rules.form_hours_after:
        return 0
    waiting = list(
        FormRequest.objects.open(now)
        .filter(
            practice=practice,
            respondent_role="client",
            created_at__lte=now - timedelta(hours=rules.form_hours_after),
        )
        .select_related("client__user")
    )
    out = _opted_out({f.client_id for f in waiting}, "forms")
    by_client: dict[Client, list[FormRequest]] = defaultdict(list)
    for form in waiting:
        if form.client_id in out or not _email_of(form.client):
            continue
        if _claim(practice.pk, ReminderKind.FORM, f"form {form.pk}", now):
            by_client[form.client].append(form)
    sent = 0
    for client, forms in by_client.items():
        keys = [f"form {form.pk}" for form in forms]
        sent += _send_claimed(
            ReminderKind.FORM,
            keys,
            "A form is waiting for you",
            form_body(client, forms),
            _email_of(client),
        )
    return sent


def form_body(client: Client, forms: list[FormRequest]) -> str:
    """A sign-in link; a client who prefers links by email (``form_links_by_email``) gets each
    form's own single-use link instead, as when the form was first sent (measures/tasks.py)."""
    count = "A short form is" if len(forms) == 1 else f"{len(forms)} short forms are"
    if client.form_links_by_email:
        where = "\n".join(
            f"- {settings.BASE_URL}{reverse('measures:answer-by-link', args=[form_link_token(f)])}"
            for f in forms
        )
    else:
        where = portal_url()
    return (
        f"Hello {client.first_name},\n\n{count} waiting for you. Each takes a minute or two:\n"
        f"{where}\n\nYou can turn these reminders off in your portal.\n"
    )


def send_digests(practice: Practice, rules: ReminderSettings, now: datetime) -> int:
    zone = practice_zone(practice.pk)
    local = timezone.localtime(now, zone)
    if rules.digest_hour is None or local.hour < rules.digest_hour:
        return 0
    sent = 0
    therapists = TherapistProfile.objects.filter(practice=practice, user__is_active=True)
    for therapist in therapists.select_related("user").order_by("pk"):
        if not therapist.user.email:
            continue
        key = f"therapist {therapist.pk} on {local.date().isoformat()}"
        body = digest_body(therapist, now)
        if body is None or not _claim(practice.pk, ReminderKind.DIGEST, key, now):
            continue
        sent += _send_claimed(
            ReminderKind.DIGEST, [key], "Alliance: your day", body, therapist.user.email
        )
    return sent


def digest_body(therapist: TherapistProfile, now: datetime) -> str | None:
    """Today's sessions and who needs attention (initials only); None when there is neither."""
    zone = practice_zone(therapist.practice_id)
    today = local_midnight(timezone.localtime(now, zone).date(), zone)
    sessions = list(
        Appointment.objects.filter(
            episode__therapist=therapist,
            status=AppointmentStatus.SCHEDULED,
            scheduled_start__gte=today,
            scheduled_start__lt=today + timedelta(days=1),
        ).select_related("episode__client")
    )
    episodes = {
        e.pk: e
        for e in CareEpisode.objects.open().filter(therapist=therapist).select_related("client")
    }
    attention = attention_for(episodes, now)
    moves = MoveRequest.objects.filter(
        appointment__episode__therapist=therapist, status=MoveRequestStatus.PENDING
    ).count()
    if not sessions and not attention and not moves:
        return None
    lines = [f"Hello {therapist.user.first_name or therapist.user.username},", ""]
    lines.append(f"Sessions today: {len(sessions)}")
    lines += [
        f"- {timezone.localtime(a.scheduled_start, zone):%H:%M} {a.episode.client.initials}"
        for a in sessions
    ]
    lines += ["", f"Clients who need your attention: {len(attention)}"]
    for episode_id, found in sorted(attention.items(), key=lambda item: item[1].rank):
        things = len(found.reasons)
        lines.append(f"- {episodes[episode_id].client.initials}: {things} thing(s) to look at")
    if moves:
        week = settings.BASE_URL + reverse("appointments:calendar-week")
        lines += ["", f"Clients asking to move a session: {moves} (answer in your week: {week})"]
    lines += ["", f"Open your caseload: {settings.BASE_URL}{reverse('clinic:dashboard')}"]
    return "\n".join(lines) + "\n"


def send_due(now: datetime | None = None) -> Sent:
    now = now or timezone.now()
    totals = Sent()
    for practice in Practice.objects.order_by("pk"):
        rules = settings_of(practice)
        totals = Sent(
            totals.sessions + send_session_reminders(practice, rules, now),
            totals.forms + send_form_reminders(practice, rules, now),
            totals.digests + send_digests(practice, rules, now),
        )
    return totals
