"""Consistency figures on a small, hand-computed history.

Olga's client Robin, weekly sessions agreed; B is 60 days ago:

    #  scheduled  status          started     on time?  gap to previous attended
    1  B          attended        on time     yes       —
    2  B+7d       attended        10 min late no        7 days  (within 7+2)
    3  B+14d      no-show
    4  B+21d      attended        5 min late  yes       14 days (too long)
    5  B+28d      late cancelled
    6  B+30d      cancelled
    7  B+37d      attended        on time     yes       16 days (too long)
    8  B+46d      attended        3 min late  yes       9 days  (within 7+2)
    9  B+50d      scheduled, never recorded (ignored)
   10  tomorrow   scheduled (future, ignored)

Attendance 5 / (5 + 1 late cancellation + 1 no-show) = 5/7; started on time 4/5; held at the
agreed frequency 2 of 4 consecutive pairs.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.agreements.terms import SessionTerms
from alliance.appointments.consistency import (
    Consistency,
    consistency_by_therapist,
    episode_consistency,
    therapist_consistency,
)
from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.appointments.tests.helpers import HELPER
from alliance.practice.services import assign_client, create_client

A, NS, LC, C, S = (
    AppointmentStatus.ATTENDED,
    AppointmentStatus.NO_SHOW,
    AppointmentStatus.LATE_CANCELLED,
    AppointmentStatus.CANCELLED,
    AppointmentStatus.SCHEDULED,
)
# (days after B, status, minutes late)
HISTORY = [
    (0, A, 0),
    (7, A, 10),
    (14, NS, None),
    (21, A, 5),
    (28, LC, None),
    (30, C, None),
    (37, A, 0),
    (46, A, 3),
    (50, S, None),
]


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def robin(personas, now):
    client = create_client(
        actor=HELPER, practice=personas.practice, first_name="Robin", last_name="Hale"
    )
    episode = assign_client(actor=HELPER, client=client, therapist=personas.olga_profile)
    base = now - timedelta(days=60)
    rows = [(base + timedelta(days=days), status, late) for days, status, late in HISTORY]
    rows.append((now + timedelta(days=1), S, None))
    for start, status, late in rows:
        Appointment.objects.create(
            practice=personas.practice,
            episode=episode,
            scheduled_start=start,
            scheduled_end=start + timedelta(minutes=50),
            status=status,
            actual_start=None if late is None else start + timedelta(minutes=late),
        )
    return episode


def test_the_episode_figures_match_the_hand_computed_ones(robin, now):
    figures = episode_consistency(robin, now)

    assert figures == Consistency(
        attended=5,
        late_cancelled=1,
        no_shows=1,
        cancelled=1,
        on_time=4,
        timed=5,
        at_frequency=2,
        pairs=4,
    )
    assert figures.attendance_rate == pytest.approx(5 / 7)
    assert figures.on_time_rate == pytest.approx(4 / 5)
    assert figures.at_frequency_rate == pytest.approx(0.5)
    assert (figures.attendance_percent, figures.on_time_percent) == (71, 80)


def test_the_frequency_figure_uses_the_agreed_frequency(robin, now, monkeypatch):
    monkeypatch.setattr(
        "alliance.appointments.consistency.terms_by_episode",
        lambda ids: dict.fromkeys(ids, SessionTerms(frequency_days=14)),
    )
    # Gaps 7, 14, 16 and 9 days are all within 14 + 2.
    assert episode_consistency(robin, now).at_frequency_rate == 1.0


def test_the_therapist_figures_add_up_her_episodes_since_a_date(robin, personas, now):
    # Casey's two sessions were never recorded, so olga's figures are Robin's.
    assert therapist_consistency(personas.olga_profile, now, now - timedelta(days=90)) == (
        episode_consistency(robin, now)
    )
    # From B+20d: sessions 4 to 8 (pairs 4-7 too long, 7-8 within).
    recent = therapist_consistency(personas.olga_profile, now, now - timedelta(days=40))
    assert (recent.attended, recent.late_cancelled, recent.no_shows, recent.cancelled) == (
        3,
        1,
        0,
        1,
    )
    assert recent.attendance_rate == pytest.approx(3 / 4)
    assert (recent.on_time, recent.timed, recent.at_frequency, recent.pairs) == (3, 3, 1, 2)


def test_pairs_never_span_two_episodes(robin, personas, now):
    dana = therapist_consistency(personas.dana_profile, now, now - timedelta(days=90))
    # Chris attended three weekly sessions, on time: two pairs, both at the agreed frequency.
    assert (dana.attended, dana.on_time, dana.at_frequency, dana.pairs) == (3, 3, 2, 2)
    assert dana.attendance_rate == 1.0


def test_no_history_gives_no_rates(personas, now):
    figures = therapist_consistency(personas.olga_profile, now, now - timedelta(days=90))
    assert figures.attendance_rate is None
    assert figures.on_time_percent is None
    assert figures.at_frequency_percent is None


def test_all_therapists_figures_take_two_queries(robin, personas, now, django_assert_num_queries):
    therapists = [personas.dana_profile, personas.olga_profile]
    with django_assert_num_queries(2):  # appointments, then the terms of their episodes
        figures = consistency_by_therapist(therapists, now, now - timedelta(days=90))
    assert figures[personas.olga_profile.pk].attended == 5
    assert figures[personas.dana_profile.pk].attended == 3
