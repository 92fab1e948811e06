"""The calendar feed: a secret, revocable URL with upcoming sessions named by initials only."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from alliance.appointments.models import Appointment, CalendarFeed
from alliance.appointments.services import create_feed, revoke_feed, schedule_appointment
from alliance.appointments.tests.helpers import HELPER
from alliance.audit.models import AuditAction, AuditEvent


def feed_url(token: str) -> str:
    return reverse("appointments:calendar-feed-ics", kwargs={"token": token})


def events(response: HttpResponse) -> list[Any]:
    return Calendar.from_ical(response.content).walk("VEVENT")


@pytest.fixture
def token(personas) -> str:
    return create_feed(actor=HELPER, therapist=personas.dana_profile)[1]


def test_the_feed_lists_the_therapists_upcoming_sessions_in_utc(client, personas, token):
    response = client.get(feed_url(token))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    expected = Appointment.objects.filter(
        episode__therapist=personas.dana_profile, scheduled_start__gte=midnight
    )
    found = {str(event["UID"]): event for event in events(response)}
    assert set(found) == {f"appointment-{a.pk}@alliance" for a in expected}
    nxt = found[f"appointment-{personas.chris_next_appointment.pk}@alliance"]
    assert nxt.decoded("DTSTART") == personas.chris_next_appointment.scheduled_start
    assert nxt.decoded("DTSTART").utcoffset() == timedelta(0)
    assert b"DTSTART:" in response.content and b"DTSTART;TZID" not in response.content
    assert nxt.decoded("DTEND") == personas.chris_next_appointment.scheduled_end
    assert str(nxt["SUMMARY"]) == "Session with C.M."


def test_the_feed_names_no_client_and_no_therapist(client, personas, token):
    body = client.get(feed_url(token)).content.decode()

    for person in (personas.chris_client, personas.casey_client):
        assert person.first_name not in body
        assert person.last_name not in body
    assert personas.dana.last_name not in body
    assert "DESCRIPTION" not in body and "ATTENDEE" not in body


def test_the_feed_leaves_out_far_off_and_other_therapists_sessions(client, personas, token):
    far = timezone.now() + timedelta(days=100)
    schedule_appointment(
        actor=HELPER, episode=personas.chris_episode, start=far, end=far + timedelta(hours=1)
    )

    uids = {str(event["UID"]) for event in events(client.get(feed_url(token)))}

    casey = Appointment.objects.filter(episode=personas.casey_episode)
    assert not uids & {f"appointment-{a.pk}@alliance" for a in casey}
    assert all(
        Appointment.objects.get(pk=int(re.findall(r"\d+", uid)[0])).scheduled_start
        < timezone.now() + timedelta(days=90)
        for uid in uids
    )


def test_event_uids_are_stable_between_fetches(client, token):
    first = [str(event["UID"]) for event in events(client.get(feed_url(token)))]
    again = [str(event["UID"]) for event in events(client.get(feed_url(token)))]
    assert first == again and first


def test_only_a_hash_and_a_prefix_of_the_token_are_stored(personas, token):
    feed = CalendarFeed.objects.get(therapist=personas.dana_profile)
    assert token not in feed.token_hash
    assert feed.token_prefix == token[:6]
    assert len(token) >= 43  # 32 random bytes, URL-safe base64


def test_a_revoked_or_unknown_token_is_not_found(client, personas, token):
    revoke_feed(actor=HELPER, feed=CalendarFeed.objects.get(therapist=personas.dana_profile))
    assert client.get(feed_url(token)).status_code == 404
    assert client.get(feed_url("not-a-real-token")).status_code == 404


def test_a_new_feed_replaces_the_old_one(client, personas, token):
    _, newer = create_feed(actor=HELPER, therapist=personas.dana_profile)
    assert client.get(feed_url(token)).status_code == 404
    assert client.get(feed_url(newer)).status_code == 200


def test_reading_the_feed_is_audited_without_a_person_or_the_secret(client, personas, token):
    client.get(feed_url(token))

    event = AuditEvent.objects.filter(target="calendar feed", action=AuditAction.READ).get()
    assert event.actor is None
    assert event.actor_role == "calendar feed"
    assert event.client_id is None
    assert token not in event.path
    assert event.practice_id == personas.practice.pk


def test_creating_shows_the_url_once_and_revoking_is_audited(signed_in, personas):
    dana = signed_in("dana")

    created = dana.post(reverse("appointments:calendar-feed-create"), follow=True)
    page = dana.get(reverse("appointments:calendar-feed"))

    url = re.search(rb"https?://[^<\s]+\.ics", created.content)
    assert url is not None
    assert "no-store" in created["Cache-Control"].split(", ")
    assert url.group(0) in page.content  # the address can be seen again
    assert "no-store" in page["Cache-Control"].split(", ")
    assert dana.get(url.group(0).decode()).status_code == 200
    feed = CalendarFeed.objects.active().get(therapist=personas.dana_profile)
    response = dana.post(reverse("appointments:calendar-feed-revoke", args=[feed.pk]))
    assert response.status_code == 302
    assert dana.get(url.group(0).decode()).status_code == 404
    targets = set(
        AuditEvent.objects.filter(object_id=str(feed.pk), actor=personas.dana).values_list(
            "target", flat=True
        )
    )
    assert targets == {"calendar feed", "calendar feed revoked"}


def test_another_therapist_cannot_revoke_danas_feed(signed_in, personas, token):
    feed = CalendarFeed.objects.get(therapist=personas.dana_profile)
    response = signed_in("olga").post(reverse("appointments:calendar-feed-revoke", args=[feed.pk]))
    assert response.status_code == 404
    assert CalendarFeed.objects.get(pk=feed.pk).is_active


def test_the_same_submission_sent_twice_makes_one_feed_and_shows_the_same_url(signed_in, personas):
    dana = signed_in("dana")
    form = {"once": str(uuid.uuid4())}

    first = dana.post(reverse("appointments:calendar-feed-create"), form, follow=True)
    second = dana.post(reverse("appointments:calendar-feed-create"), form, follow=True)

    urls = [re.search(rb"https?://[^<\s]+\.ics", page.content) for page in (first, second)]
    assert urls[0] is not None and urls[1] is not None
    assert urls[0].group(0) == urls[1].group(0)
    assert CalendarFeed.objects.filter(therapist=personas.dana_profile).count() == 1


def test_the_url_is_not_shown_to_another_therapist_and_shown_again_to_its_owner(
    signed_in, personas
):
    dana = signed_in("dana")
    created = dana.post(reverse("appointments:calendar-feed-create"))
    shown_at = created["Location"]

    assert b".ics" not in signed_in("olga").get(shown_at).content
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        later = dana.get(reverse("appointments:calendar-feed")).content
    token = CalendarFeed.objects.active().get(therapist=personas.dana_profile).token
    assert f"{token}.ics".encode() in later
