from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from io import StringIO
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client as HttpClient

from alliance.accounts.models import Role, User
from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.appointments.selectors import EpisodeAttendance, attendance_of_episodes
from alliance.audit.models import AuditAction, AuditEvent
from alliance.audit.services import Actor, record
from alliance.demo.build import DEMO_SLUG, DemoError
from alliance.demo.episode_planning import SESSION_HOURS, plan_episodes
from alliance.demo.generator import load_demo_practice
from alliance.demo.reset import reset_demo_practice
from alliance.demo.staff_and_clients import DEMO_PASSWORD
from alliance.measures.models import FormRequest, MeasureResponse, MeasureSchedule
from alliance.practice.models import (
    CareEpisode,
    Client,
    EpisodeStatus,
    Phase,
    PhaseChange,
    Practice,
    TherapistProfile,
)

SEED = 2026
# A Wednesday; the history reaches back across the end of summer time and the booked
# appointments run past the start of the next one (29 March 2026 in London).
TODAY = date(2026, 3, 11)


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def demo(db):
    return load_demo_practice(seed=SEED, today=TODAY)


def fingerprint() -> list[tuple[object, ...]]:
    """Everything the demo decided, without database ids or creation stamps."""
    rows: list[tuple[object, ...]] = []
    for profile in TherapistProfile.objects.order_by("user__username"):
        rows.append((profile.user.username, profile.modalities, profile.styles, profile.bio))
    for episode in CareEpisode.objects.select_related("client__user", "therapist__user").order_by(
        "client__user__username"
    ):
        rows.append(
            (
                episode.client.user.username if episode.client.user else None,
                episode.client.full_name,
                episode.therapist.user.username,
                episode.phase,
                episode.status,
                episode.end_reason,
                episode.modality,
                episode.style,
                episode.started_on,
                episode.ended_on,
                *(
                    (a.scheduled_start, a.status, a.actual_start)
                    for a in episode.appointments.all()
                ),
                *(
                    (c.from_phase, c.to_phase, c.changed_at, c.note)
                    for c in episode.phase_changes.all()
                ),
                *(
                    (f.instrument_id, f.respondent_role, f.status, f.created_at, f.expires_at)
                    for f in episode.form_requests.order_by("created_at", "instrument_id")
                ),
                *(
                    (r.instrument_id, r.submitted_at, r.answers, r.total, r.comment)
                    for r in episode.responses.order_by("submitted_at", "instrument_id")
                ),
            )
        )
    return rows


def open_rows() -> list[EpisodeAttendance]:
    return attendance_of_episodes(CareEpisode.objects.open(), now=start_of(TODAY))


# --- Determinism -----------------------------------------------------------------------------


def test_same_seed_and_day_give_the_same_practice(demo):
    first = fingerprint()
    assert reset_demo_practice()
    load_demo_practice(seed=SEED, today=TODAY)
    assert fingerprint() == first


def test_another_seed_gives_another_practice(demo):
    first = fingerprint()
    reset_demo_practice()
    load_demo_practice(seed=SEED + 1, today=TODAY)
    assert fingerprint() != first


def test_planning_uses_only_its_own_random_generator():
    random.seed(1)
    first = plan_episodes(random.Random(SEED), TODAY)
    random.seed(2)
    assert plan_episodes(random.Random(SEED), TODAY) == first


@pytest.mark.parametrize("today", [TODAY, date(2026, 10, 24), date(2027, 1, 1)])
def test_plans_hold_for_any_seed(today):
    for seed in range(40):
        plans = plan_episodes(random.Random(seed), today)
        open_plans = [plan for plan in plans if plan.shape.status != EpisodeStatus.ENDED]
        assert {plan.shape.phase for plan in open_plans} == set(Phase)
        assert [plan.future_days == () for plan in open_plans].count(True) == 1  # the drifter
        for plan in plans:
            assert 8 <= len(plan.past_days) + len(plan.future_days) <= 30
            assert plan.started_on <= plan.past_days[0] and plan.past_days[-1] < today
            assert all(today <= day < today + timedelta(weeks=4) for day in plan.future_days)
            assert plan.ended_on is None or plan.past_days[-1] < plan.ended_on < today
        slots = [(plan.therapist, plan.past_days[0].weekday(), plan.hour) for plan in open_plans]
        assert len(set(slots)) == len(slots)


# --- People and accounts ---------------------------------------------------------------------


def test_named_accounts_have_their_roles_and_the_demo_password(demo):
    expected = {
        "dana": (Role.THERAPIST, "Dana"),
        "miguel": (Role.THERAPIST, "Miguel"),
        "priya": (Role.THERAPIST, "Priya"),
        "chris": (Role.CLIENT, "Chris"),
        "sam": (Role.SUPERVISOR, "Sam"),
        "alex": (Role.ADMIN, "Alex"),
    }
    demo_practice_id = Practice.objects.get(slug=DEMO_SLUG).pk
    for username, (role, first_name) in expected.items():
        user = User.objects.get(username=username)
        assert (user.role, user.first_name, user.practice_id) == (
            role,
            first_name,
            demo_practice_id,
        )
        assert user.check_password(DEMO_PASSWORD)
        assert not user.check_password("wrong-password")


def test_every_demo_client_can_sign_in(demo):
    clients = Client.objects.filter(practice__slug=DEMO_SLUG).select_related("user")
    assert all(client.user is not None for client in clients)
    assert all(client.user.check_password(DEMO_PASSWORD) for client in clients)  # type: ignore[union-attr]
    assert len({client.user_id for client in clients}) == len(clients)


def test_chris_is_danas_client_and_sam_supervises_dana(demo):
    chris_episode = CareEpisode.objects.get(client__user__username="chris")
    assert chris_episode.therapist.user.username == "dana"
    assert chris_episode.is_open
    dana = TherapistProfile.objects.get(user__username="dana")
    assert list(dana.supervisors.values_list("username", flat=True)) == ["sam"]


def test_therapists_have_profiles(demo):
    for profile in TherapistProfile.objects.all():
        assert profile.modalities and profile.styles and profile.languages and profile.bio
    assert TherapistProfile.objects.count() == 3


def test_roughly_forty_clients_each_with_one_episode(demo):
    assert 35 <= Client.objects.count() <= 45
    assert CareEpisode.objects.count() == Client.objects.count()
    assert demo.clients == Client.objects.count()


# --- Episodes, phases and appointments -------------------------------------------------------


def test_episodes_at_every_phase_and_status(demo):
    open_phases = set(CareEpisode.objects.open().values_list("phase", flat=True))
    assert open_phases == set(Phase.values)
    statuses = Counter(CareEpisode.objects.values_list("status", flat=True))
    assert statuses[EpisodeStatus.ACTIVE] >= 0.75 * sum(statuses.values())
    assert statuses[EpisodeStatus.PAUSED] == 2
    assert 3 <= statuses[EpisodeStatus.ENDED] <= 6
    for episode in CareEpisode.objects.filter(status=EpisodeStatus.ENDED):
        assert episode.end_reason and episode.ended_on and episode.ended_on < TODAY


def test_weekly_daytime_appointments_for_eight_to_thirty_weeks(demo):
    local = ZoneInfo(settings.TIME_ZONE)
    for episode in CareEpisode.objects.prefetch_related("appointments"):
        appointments = list(episode.appointments.all())
        assert 8 <= len(appointments) <= 30
        starts = [a.scheduled_start.astimezone(local) for a in appointments]
        assert all(start.weekday() < 5 and start.hour in SESSION_HOURS for start in starts)
        assert all(start.minute == 0 for start in starts)
        assert {a.scheduled_end - a.scheduled_start for a in appointments} == {
            timedelta(minutes=50)
        }
        assert starts[0].date() >= episode.started_on


def test_past_appointments_are_recorded_and_future_ones_are_scheduled(demo):
    now = start_of(TODAY)
    assert not Appointment.objects.filter(scheduled_start__lt=now, status="scheduled").exists()
    assert set(
        Appointment.objects.filter(scheduled_start__gte=now).values_list("status", flat=True)
    ) == {AppointmentStatus.SCHEDULED}
    past = Counter(
        Appointment.objects.filter(scheduled_start__lt=now).values_list("status", flat=True)
    )
    assert set(past) == set(AppointmentStatus.values) - {AppointmentStatus.SCHEDULED}
    assert past[AppointmentStatus.ATTENDED] > 0.75 * sum(past.values())
    latest_booking = Appointment.objects.order_by("-scheduled_start").first()
    assert latest_booking is not None
    assert latest_booking.scheduled_start < now + timedelta(weeks=4)


def test_some_attended_sessions_start_late_and_only_attended_ones_have_a_start(demo):
    attended = Appointment.objects.filter(status=AppointmentStatus.ATTENDED)
    assert not attended.filter(actual_start__isnull=True).exists()
    assert not Appointment.objects.exclude(status="attended").exclude(actual_start=None).exists()
    lateness = [a.minutes_late for a in attended]
    assert lateness.count(0) > len(lateness) / 2
    assert any(minutes is not None and minutes > 5 for minutes in lateness)


def test_phase_history_leads_to_the_current_phase(demo):
    order = [Phase.RAPPORT, Phase.EXPLORING, Phase.LASTING_CHANGE, Phase.ENDING]
    for episode in CareEpisode.objects.prefetch_related("phase_changes"):
        changes = list(episode.phase_changes.all())
        assert changes[0].from_phase == "" and changes[0].to_phase == Phase.RAPPORT
        assert [c.to_phase for c in changes] == order[: order.index(Phase(episode.phase)) + 1]
        assert all(a.to_phase == b.from_phase for a, b in pairwise(changes))
        assert all(change.note for change in changes)
        assert changes[0].changed_at.date() >= episode.started_on - timedelta(days=1)
        assert changes[-1].changed_at < start_of(TODAY)


# --- The special clients ---------------------------------------------------------------------


def test_chris_attends_every_session_on_time(demo):
    chris = CareEpisode.objects.get(client__user__username="chris")
    past = chris.appointments.filter(scheduled_start__lt=start_of(TODAY))
    assert past.count() >= 8
    assert all(a.status == AppointmentStatus.ATTENDED and a.started_on_time for a in past)


def test_one_drifting_client_and_every_other_open_episode_has_a_next_appointment(demo):
    rows = open_rows()
    without_next = [row for row in rows if row.next_appointment is None]
    assert len(without_next) == 1
    drifting = without_next[0]
    assert drifting.episode.status == EpisodeStatus.ACTIVE
    assert drifting.episode.therapist.user.username == "dana"
    assert drifting.missed_recently >= 3
    recent = drifting.episode.appointments.order_by("-scheduled_start")[:4]
    assert {a.status for a in recent} <= {
        AppointmentStatus.NO_SHOW,
        AppointmentStatus.LATE_CANCELLED,
    }


def test_ended_episodes_have_no_appointments_after_they_ended(demo):
    ended = CareEpisode.objects.filter(status=EpisodeStatus.ENDED)
    assert ended.filter(therapist__user__username="dana", end_reason="completed").exists()
    for episode in ended:
        assert episode.ended_on is not None
        assert not episode.appointments.filter(
            scheduled_start__gte=start_of(episode.ended_on)
        ).exists()
        assert not episode.appointments.filter(status=AppointmentStatus.SCHEDULED).exists()


def test_the_summary_names_the_special_clients(demo):
    assert demo.highlights[0].startswith("Chris Marlowe (chris)")
    assert "drifting" in demo.highlights[1]
    assert demo.episodes_by_status["paused"] == 2
    assert demo.appointments == Appointment.objects.count()
    assert demo.phase_changes == PhaseChange.objects.count()


def test_one_audit_row_for_the_load_not_one_per_appointment(demo):
    assert AuditEvent.objects.filter(target="demo practice", path="system:demo").count() == 1
    assert not AuditEvent.objects.filter(target__in=["appointment", "attendance"]).exists()


# --- Loading twice, resetting, production ----------------------------------------------------


def run_demo(*args: str, **options: object) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, **options)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    models = (
        Practice,
        User,
        Client,
        CareEpisode,
        Appointment,
        PhaseChange,
        TherapistProfile,
        MeasureSchedule,
        FormRequest,
        MeasureResponse,
    )
    return tuple(model.objects.count() for model in models)


def test_the_command_loads_and_prints_a_summary(db):
    output = run_demo("--seed", "7", "--today", "2026-03-11")
    assert "40 clients" in output
    assert "alliance-demo" in output
    for username in ("dana", "chris", "sam", "alex", "miguel", "priya"):
        assert f"  {username} " in output
    assert "The demo is for this machine only: `alliance serve` binds to 127.0.0.1." in output


def test_running_the_command_twice_does_not_duplicate(db):
    run_demo(today=TODAY)
    before = counts()
    assert "already loaded" in run_demo(today=TODAY)
    assert counts() == before
    with pytest.raises(DemoError):
        load_demo_practice(seed=SEED, today=TODAY)


def test_reset_reloads_and_leaves_other_practices_alone(db):
    other = Practice.objects.create(name="Real practice", slug="real")
    outsider = User.objects.create_user("outsider", practice=other, role=Role.ADMIN)
    record(actor=Actor(outsider), action=AuditAction.READ, target="something")
    run_demo(today=TODAY)
    HttpClient().force_login(User.objects.get(username="dana"))  # a sign-in row by a demo user
    assert AuditEvent.objects.filter(target="sign-in").exists()
    before = counts()
    output = run_demo("--reset", today=TODAY)
    assert "Deleted the previous demo practice." in output
    assert counts() == before
    assert Practice.objects.filter(slug="real").exists()
    assert AuditEvent.objects.filter(actor=outsider).count() == 1
    assert not AuditEvent.objects.filter(target="sign-in").exists()
    assert AuditEvent.objects.filter(target="demo practice").count() == 1
    assert AuditEvent.objects.filter(target="demo practice reset").count() == 1


def test_reset_removes_every_demo_row(demo):
    assert reset_demo_practice()
    assert counts() == (0,) * len(counts())


def test_reset_without_a_demo_just_loads(db):
    assert not reset_demo_practice()
    assert "Loaded" in run_demo("--reset", today=TODAY)


def test_refuses_in_production_unless_forced(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        run_demo(today=TODAY)
    assert not Practice.objects.filter(slug=DEMO_SLUG).exists()
    assert "Loaded" in run_demo("--force", today=TODAY)


def test_refuses_when_a_demo_username_is_taken(db):
    other = Practice.objects.create(name="Real practice", slug="real")
    User.objects.create_user("Dana", practice=other, role=Role.THERAPIST)
    with pytest.raises(CommandError, match="Dana"):
        run_demo(today=TODAY)
    assert not Practice.objects.filter(slug=DEMO_SLUG).exists()


def test_today_must_be_a_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run_demo("--today", "next tuesday")


def test_ended_episodes_of_every_reason_feed_the_dropout_figures(demo):
    from alliance.practice.models import CHOSEN_END_REASONS, EndReason
    from alliance.signals.reestimate_service import ended_with_reason, endings_count

    ended = CareEpisode.objects.filter(status=EpisodeStatus.ENDED)
    assert set(CHOSEN_END_REASONS) <= set(ended.values_list("end_reason", flat=True))
    practice = Practice.objects.get(slug=DEMO_SLUG)
    planned, dropouts = endings_count(practice.pk)
    assert planned == ended.filter(end_reason=EndReason.COMPLETED).count() >= 2
    assert dropouts == ended.filter(end_reason=EndReason.CLIENT_WITHDREW).count() >= 1
    labelled = {item.episode_id: dropped for item, dropped in ended_with_reason(practice.pk)}
    withdrew = ended.get(end_reason=EndReason.CLIENT_WITHDREW)
    assert labelled[withdrew.pk] is True
    chose = ended.get(end_reason=EndReason.CLIENT_CHOSE_TO_STOP)
    assert chose.pk not in labelled  # neither planned nor a dropout: left out
    assert chose.ending_summary
