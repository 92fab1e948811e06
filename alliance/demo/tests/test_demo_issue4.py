"""The demo's agreements, goals, session records, notes, preparation and calendar feed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from alliance.agreements.models import (
    Acknowledgement,
    Agreement,
    AgreementReview,
    AgreementTemplate,
    AgreementVersion,
)
from alliance.agreements.services import review_due
from alliance.appointments.models import CalendarFeed
from alliance.demo.generator import load_demo_practice
from alliance.demo.reset import reset_demo_practice
from alliance.demo.tests.test_demo_practice import SEED, TODAY
from alliance.goals.models import Goal, GoalRating, GoalRole, GoalStatus
from alliance.goals.selectors import goals_due_for_review
from alliance.practice.models import CareEpisode
from alliance.sessions.models import PrivateNote, SessionPreparation, SessionRecord


def client_username(episode: CareEpisode) -> str:
    user = episode.client.user
    assert user is not None
    return user.username


@pytest.fixture
def demo(db):
    return load_demo_practice(seed=SEED, today=TODAY)


def test_every_open_episode_has_an_agreement_all_but_one_acknowledged(demo):
    open_episodes = CareEpisode.objects.open()
    assert Agreement.objects.count() == open_episodes.count() == demo.agreements
    unacknowledged = Agreement.objects.exclude(versions__acknowledgements__isnull=False)
    assert unacknowledged.count() == 1 == demo.agreements - demo.acknowledged
    assert unacknowledged.get().episode.therapist.user.username == "dana"
    assert client_username(unacknowledged.get().episode) != "chris"
    for agreement in Agreement.objects.all():
        purpose = agreement.versions.order_by("-number")[0].sections["purpose"]
        assert "[" not in purpose and "“" in purpose
    template = AgreementTemplate.objects.get()
    assert "0300 000 0000 (demo)" in template.sections["crisis"]
    # The purpose stays for each agreement to fill in with the client.
    assert not any("[" in text for key, text in template.sections.items() if key != "purpose")


def test_exactly_one_agreement_is_due_for_review_and_it_is_danas(demo):
    due = [a for a in Agreement.objects.select_related("episode") if review_due(a, TODAY)]
    assert len(due) == 1
    assert due[0].episode.therapist.user.username == "dana"
    assert any(
        f"({client_username(due[0].episode)}): their therapy agreement is due" in line
        for line in demo.highlights
    )


def test_goals_in_every_status(demo):
    assert Goal.objects.filter(status=GoalStatus.ACHIEVED).exists()
    revised = Goal.objects.get(status=GoalStatus.REVISED)
    assert revised.revisions.get().status == GoalStatus.ACTIVE
    assert revised.revisions.get().client_words != revised.client_words
    dropped = Goal.objects.get(status=GoalStatus.DROPPED)
    assert dropped.drop_reason
    proposed = Goal.objects.get(status=GoalStatus.PROPOSED)
    assert proposed.proposed_by == GoalRole.CLIENT
    assert client_username(proposed.episode) == "chris"
    for episode in CareEpisode.objects.open():
        assert 1 <= episode.goals.exclude(status=GoalStatus.PROPOSED).count() <= 5


def test_ratings_rise_and_one_goal_is_due_for_review(demo):
    assert GoalRating.objects.filter(rated_by_role=GoalRole.THERAPIST).exists()
    rising = 0
    for goal in Goal.objects.filter(status=GoalStatus.ACHIEVED):
        scores = [r.score for r in goal.ratings.filter(rated_by_role=GoalRole.CLIENT)]
        rising += scores[-1] > scores[0]
    assert rising >= 1
    assert all(r.rated_at.date() < TODAY for r in GoalRating.objects.all())
    due = [goal for episode in CareEpisode.objects.open() for goal in goals_due_for_review(episode)]
    assert len(due) == 1


def test_session_records_notes_and_preparation(demo):
    records = SessionRecord.objects.all()
    assert records.count() == demo.session_records
    assert records.filter(summary_shared_at__isnull=False).count() == demo.shared_summaries
    assert records.filter(summary_shared_at__isnull=True).count() == 1
    assert all(2 <= len(r.agenda) <= 4 and r.summary and r.next_steps for r in records)
    for episode in CareEpisode.objects.open():
        assert 2 <= SessionRecord.objects.filter(appointment__episode=episode).count() <= 3
    notes = list(PrivateNote.objects.all())
    assert notes and len(notes) == demo.private_notes
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body_token FROM {PrivateNote._meta.db_table}")  # noqa: S608
        raw = [row[0] for row in cursor.fetchall()]
    for note, token in zip(notes, raw, strict=False):
        text = note.body
        assert text and text not in token
    assert all(" " not in token for token in raw)
    preparation = SessionPreparation.objects.get()
    assert client_username(preparation.appointment.episode) == "chris"
    assert preparation.appointment.scheduled_start.date() >= TODAY


def test_calendar_feed_for_dana(demo):
    feed = CalendarFeed.objects.get()
    assert feed.therapist.user.username == "dana"
    token = demo.calendar_feed_url.rsplit("/", 1)[1].removesuffix(".ics")
    assert demo.calendar_feed_url == (
        "http://127.0.0.1:8000" + reverse("appointments:calendar-feed-ics", kwargs={"token": token})
    )


def test_reset_removes_every_new_row(demo):
    assert reset_demo_practice()
    for model in (
        Acknowledgement,
        AgreementReview,
        AgreementVersion,
        Agreement,
        AgreementTemplate,
        GoalRating,
        Goal,
        SessionRecord,
        SessionPreparation,
        PrivateNote,
        CalendarFeed,
    ):
        assert not model.objects.exists(), model


def test_summary_is_printed(db):
    out = StringIO()
    call_command("demo", seed=SEED, today=TODAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "therapy agreements" in text and "session records" in text
    assert "Calendar feed for dana: http://127.0.0.1:8000/appointments/calendar/" in text
    assert "waiting for them to acknowledge" in text
    assert "due for review" in text and "waiting for dana to confirm" in text


def fingerprint() -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for version in AgreementVersion.objects.order_by(
        "agreement__episode__client__user__username", "number"
    ):
        rows.append(
            (
                client_username(version.agreement.episode),
                version.number,
                version.sections,
                version.created_at,
                version.acknowledgements.exists(),
            )
        )
    # client_words is encrypted (its token differs each time): ordered by it in Python.
    goals = Goal.objects.select_related("episode__client__user")
    for goal in sorted(
        goals,
        key=lambda g: (client_username(g.episode), g.created_at, g.client_words),
    ):
        rows.append(
            (
                goal.client_words,
                goal.status,
                goal.created_at,
                goal.drop_reason,
                *((r.rated_by_role, r.score, r.rated_at) for r in goal.ratings.all()),
            )
        )
    for record in SessionRecord.objects.order_by(
        "appointment__scheduled_start", "appointment__episode__client__user__username"
    ):
        rows.append((record.agenda, record.summary, record.next_steps, record.summary_shared_at))
    return rows


def test_same_seed_and_day_give_the_same_new_rows(demo):
    first = fingerprint()
    reset_demo_practice()
    load_demo_practice(seed=SEED, today=TODAY)
    assert fingerprint() == first
