"""The demo's measures: check-ins, self-ratings, reviews and outcome series for every client."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import StringIO
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client as HttpClient
from django.urls import reverse

from alliance.accounts.models import User
from alliance.appointments.models import AppointmentStatus
from alliance.audit.models import AuditEvent
from alliance.demo.answers import answers_for
from alliance.demo.episode_planning import past_outcomes, plan_episodes
from alliance.demo.generator import load_demo_practice
from alliance.demo.measure_planning import AllianceCourse, OutcomeCourse, plan_measures
from alliance.demo.notes import CHECKIN_COMMENTS, DIP_COMMENTS
from alliance.measures.definitions import CHECKIN_ID, REVIEW_ID, SELF_RATING_ID
from alliance.measures.models import (
    FormRequest,
    FormRequestStatus,
    MeasureResponse,
    MeasureSchedule,
    ResponseSource,
)
from alliance.measures.registry import get_instrument
from alliance.measures.scoring import clean_answers, score
from alliance.practice.models import CareEpisode

SEED = 2026
TODAY = date(2026, 3, 11)
DIP = 8  # points below the median of the three check-ins before
RECOVERED = 3  # back to within this many points of that median


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def demo(db):
    return load_demo_practice(seed=SEED, today=TODAY)


def series(episode: CareEpisode, instrument_id: str) -> list[float]:
    return [
        response.total
        for response in episode.responses.filter(instrument_id=instrument_id).chronological()
        if response.total is not None
    ]


@dataclass(frozen=True)
class Dip:
    at: int  # index among the episode's check-ins
    baseline: float  # median of the three check-ins before
    recovered: bool  # one of the next three check-ins is back within RECOVERED points
    followed_by: int  # how many check-ins (up to three) came after it


def dips(totals: list[float]) -> list[Dip]:
    """Check-ins at least DIP points below the median of the three before them.

    A dip recovers (a V) when one of the next three check-ins is back within RECOVERED points
    of that median; the scan goes on from there. It lasts when at least two check-ins follow
    and none of them is.
    """
    found: list[Dip] = []
    index = 3
    while index < len(totals):
        baseline = statistics.median(totals[index - 3 : index])
        if totals[index] > baseline - DIP:
            index += 1
            continue
        after = totals[index + 1 : index + 4]
        back = next((i for i, total in enumerate(after) if total >= baseline - RECOVERED), None)
        found.append(Dip(index, baseline, back is not None, len(after)))
        index += 1 + (len(after) if back is None else back)
    return found


def test_the_dip_definition():
    assert dips([38, 37, 38, 27, 31, 37, 38]) == [Dip(3, 38, True, 3)]
    assert dips([38, 37, 38, 28, 27, 27]) == [Dip(3, 38, False, 2)]
    assert dips([38, 37, 38, 31, 33]) == []  # 7 below: not a dip
    assert dips([30, 31, 32, 33, 34, 35]) == []


# --- Check-ins and self-ratings ----------------------------------------------------------------


def test_every_open_episode_with_attended_sessions_has_check_ins(demo):
    for episode in CareEpisode.objects.open():
        attended = episode.appointments.filter(status=AppointmentStatus.ATTENDED).count()
        requests = episode.form_requests.filter(instrument_id=CHECKIN_ID)
        assert requests.count() == attended  # one check-in due after every attended session
        if attended >= 2:
            assert series(episode, CHECKIN_ID), episode


def test_most_check_ins_are_answered_and_self_ratings_differ_from_them(demo):
    statuses = Counter(
        FormRequest.objects.filter(instrument_id=CHECKIN_ID).values_list("status", flat=True)
    )
    answered = statuses[FormRequestStatus.COMPLETED]
    assert 0.75 < answered / (answered + statuses[FormRequestStatus.EXPIRED]) < 0.95
    differences = []
    for response in MeasureResponse.objects.filter(instrument_id=CHECKIN_ID):
        own = MeasureResponse.objects.filter(
            appointment=response.appointment, instrument_id=SELF_RATING_ID
        ).first()
        if own is not None and own.total is not None and response.total is not None:
            differences.append(own.total - response.total)
    assert len(differences) > 200
    assert sum(d != 0 for d in differences) > 0.6 * len(differences)
    assert statistics.mean(differences) < 0  # therapists rate a little lower, on the whole


def test_many_clients_give_near_top_scores_every_time(demo):
    near_top = [
        episode
        for episode in CareEpisode.objects.all()
        if len(totals := series(episode, CHECKIN_ID)) >= 3 and min(totals) >= 36
    ]
    assert len(near_top) >= 8


def test_v_shaped_dips_recover_and_exactly_one_does_not(demo):
    found = {
        episode: episode_dips
        for episode in CareEpisode.objects.select_related("client", "therapist__user")
        if (episode_dips := dips(series(episode, CHECKIN_ID)))
    }
    recovered = [e for e, ds in found.items() for d in ds if d.recovered]
    lasting = [e for e, ds in found.items() for d in ds if not d.recovered and d.followed_by >= 2]
    assert len(recovered) >= 2
    assert any(e.therapist.user.username == "dana" for e in recovered)
    assert len(lasting) == 1
    assert lasting[0].therapist.user.username == "dana"
    # Every dip is one or the other: none trails off at the end of a series undecided.
    assert sum(len(ds) for ds in found.values()) == len(recovered) + len(lasting)


def test_the_therapist_missed_the_dip_that_did_not_recover(demo):
    (episode,) = [
        e
        for e in CareEpisode.objects.all()
        if any(not d.recovered for d in dips(series(e, CHECKIN_ID)))
    ]
    dip = next(d for d in dips(series(episode, CHECKIN_ID)) if not d.recovered)
    after_the_dip = list(episode.responses.filter(instrument_id=CHECKIN_ID).chronological())[
        dip.at :
    ]
    assert after_the_dip[0].comment in DIP_COMMENTS
    compared = 0
    for checkin in after_the_dip:
        own = episode.responses.filter(
            appointment=checkin.appointment, instrument_id=SELF_RATING_ID
        ).first()
        if own is None:
            continue  # the therapist skipped that one
        assert own.total is not None and checkin.total is not None
        assert own.total > checkin.total  # the therapist rated the session higher
        compared += 1
    assert compared >= 2


def test_some_comments_and_every_dip_comes_with_one(demo):
    comments = list(
        MeasureResponse.objects.filter(instrument_id=CHECKIN_ID)
        .exclude(comment="")
        .values_list("comment", flat=True)
    )
    assert 8 <= len(comments) <= 60
    assert set(comments) <= set(CHECKIN_COMMENTS) | set(DIP_COMMENTS)
    assert len(set(comments)) >= 8
    for episode in CareEpisode.objects.all():
        checkins = list(episode.responses.filter(instrument_id=CHECKIN_ID).chronological())
        for dip in dips([r.total for r in checkins if r.total is not None]):
            assert checkins[dip.at].comment in DIP_COMMENTS


# --- Outcomes -----------------------------------------------------------------------------------


def test_outcome_measures_at_intake_and_every_fourth_session(demo):
    for episode in CareEpisode.objects.all():
        for instrument_id in ("phq9", "gad7"):
            intake = episode.form_requests.get(instrument_id=instrument_id, appointment=None)
            assert intake.status == FormRequestStatus.COMPLETED
            assert (
                intake.response.submitted_at.date()
                <= episode.appointments.earliest("scheduled_start").scheduled_start.date()
            )
        attended = list(episode.appointments.filter(status=AppointmentStatus.ATTENDED))
        for number, appointment in enumerate(attended, start=1):
            due = set(appointment.form_requests.values_list("instrument_id", flat=True))
            expected = {CHECKIN_ID, SELF_RATING_ID}
            if number % 4 == 0:
                expected |= {REVIEW_ID, "phq9", "gad7"}
            assert due == expected


def test_most_outcome_series_improve_and_a_few_deteriorate(demo):
    changes = []
    for episode in CareEpisode.objects.all():
        totals = series(episode, "phq9")
        if len(totals) >= 2:
            changes.append(totals[-1] - totals[0])
    assert len(changes) >= 30
    assert sum(change < 0 for change in changes) > 0.6 * len(changes)
    assert sum(change > 0 for change in changes) >= 2
    assert sum(change >= 4 for change in changes) >= 2  # clearly worse, not noise


def test_intake_severity_ranges_from_mild_to_severe(demo):
    bands = Counter(
        MeasureResponse.objects.filter(instrument_id="phq9", appointment=None).values_list(
            "band", flat=True
        )
    )
    assert {"Mild", "Moderate", "Moderately severe", "Severe"} <= set(bands)


def test_chris_improves_steadily_with_a_high_stable_alliance(demo):
    chris = CareEpisode.objects.get(client__user__username="chris")
    phq9 = series(chris, "phq9")
    assert len(phq9) >= 4
    assert all(later <= earlier for earlier, later in pairwise(phq9))
    assert phq9[-1] <= phq9[0] - 6  # a reliable improvement
    checkins = series(chris, CHECKIN_ID)
    assert min(checkins) >= 32 and statistics.median(checkins) >= 35
    assert not dips(checkins)


def test_exactly_one_phq9_item_9_answer_above_zero(demo):
    phq9 = get_instrument("phq9")
    (item_9,) = [item.link_id for item in phq9.items if item.safety_threshold is not None]
    flagged = list(MeasureResponse.objects.exclude(safety_items=[]))
    assert len(flagged) == 1
    (response,) = flagged
    assert response.instrument_id == "phq9"
    assert response.safety_items == [item_9]
    assert response.answers[item_9] == 1
    assert response.episode.therapist.user.username == "dana"
    others = MeasureResponse.objects.filter(instrument_id="phq9").exclude(pk=response.pk)
    assert all(other.answers[item_9] == 0 for other in others)


# --- Stored the way the product stores them ---------------------------------------------------


def test_every_response_scores_again_to_what_was_stored(demo):
    responses = list(MeasureResponse.objects.all())
    assert len(responses) > 600
    for response in responses:
        result = score(get_instrument(response.instrument_id), response.answers)
        assert result.total == response.total
        assert (result.band or "") == response.band
        assert list(result.safety_items) == response.safety_items
        assert result.comment == response.comment
        assert response.source == ResponseSource.DEMO


def test_answered_forms_are_completed_and_linked_to_their_session(demo):
    for response in MeasureResponse.objects.select_related("form_request", "appointment"):
        form = response.form_request
        assert form is not None
        assert form.status == FormRequestStatus.COMPLETED
        assert form.completed_at == response.submitted_at
        assert form.appointment_id == response.appointment_id
        assert form.created_at <= response.submitted_at < form.expires_at
        assert response.respondent_id == form.respondent_id is not None
        if response.appointment is not None and response.respondent_role == "client":
            assert response.submitted_at == response.appointment.scheduled_end + timedelta(hours=1)
    unanswered = FormRequest.objects.exclude(status=FormRequestStatus.COMPLETED)
    assert not MeasureResponse.objects.filter(form_request__in=unanswered).exists()
    assert set(unanswered.values_list("status", flat=True)) == {"pending", "expired"}


def test_a_practice_schedule_with_phq9_and_gad7(demo):
    (schedule,) = MeasureSchedule.objects.all()
    assert schedule.episode is None
    assert schedule.outcome_instruments == ["phq9", "gad7"]
    assert (schedule.review_every_sessions, schedule.outcome_every_sessions) == (4, 4)


def test_no_audit_row_per_response(demo):
    assert not AuditEvent.objects.filter(target__endswith="response").exists()


# --- Waiting forms -----------------------------------------------------------------------------


def test_the_latest_session_of_open_episodes_has_forms_waiting(demo):
    chris = User.objects.get(username="chris")
    dana = User.objects.get(username="dana")
    waiting = FormRequest.objects.filter(
        status=FormRequestStatus.PENDING, expires_at__gt=start_of(TODAY) + timedelta(days=6)
    )
    assert waiting.filter(instrument_id=CHECKIN_ID, respondent=chris).count() == 1
    assert waiting.filter(instrument_id=SELF_RATING_ID, respondent=dana).exists()
    assert not MeasureResponse.objects.filter(form_request__in=waiting).exists()
    for form in waiting.select_related("appointment", "episode"):
        assert form.episode.is_open
        assert form.appointment == form.episode.appointments.filter(
            status=AppointmentStatus.ATTENDED
        ).latest("scheduled_start")
    assert waiting.filter(instrument_id=CHECKIN_ID).count() >= 25


def test_chris_sees_his_check_in_waiting_and_dana_her_self_rating(demo):
    with time_machine.travel(start_of(TODAY) + timedelta(hours=12), tick=False):
        browser = HttpClient()
        browser.force_login(User.objects.get(username="chris"))
        page = browser.get(reverse("portal:home")).content.decode()
        assert "Waiting for you" in page
        assert "Session check-in" in page
        browser.force_login(User.objects.get(username="dana"))
        chris = CareEpisode.objects.get(client__user__username="chris").client
        page = browser.get(reverse("clinic:client", args=[chris.pk])).content.decode()
        assert "Your self-rating is due" in page


def test_the_demo_data_draws_charts_with_table_fallbacks_for_therapist_and_client(demo):
    with time_machine.travel(start_of(TODAY) + timedelta(hours=12), tick=False):
        browser = HttpClient()
        browser.force_login(User.objects.get(username="dana"))
        chris = CareEpisode.objects.get(client__user__username="chris").client
        page = browser.get(reverse("clinic:client", args=[chris.pk])).content.decode()
        assert page.count("<svg") >= 3  # alliance, PHQ-9, GAD-7
        assert 'class="cutoff"' in page and "Your self-rating" in page
        assert "Show as a table" in page and "reliable improvement" in page
        browser.force_login(User.objects.get(username="chris"))
        portal = browser.get(reverse("portal:home")).content.decode()
        assert portal.count("<svg") >= 2  # his PHQ-9 and GAD-7
        assert "Show as a table" in portal
        assert "real improvement" in portal
        assert "Your self-rating" not in portal


# --- The summary ----------------------------------------------------------------------------------


def test_the_summary_names_the_dip_that_lasts_and_the_item_9_answer(db):
    out = StringIO()
    call_command("demo", today=TODAY, stdout=out)
    output = out.getvalue()
    assert "answered forms" in output and "forms waiting" in output
    flagged = MeasureResponse.objects.exclude(safety_items=[]).get()
    assert f"({flagged.client.user.username}): answered PHQ-9 item 9" in output  # type: ignore[union-attr]
    assert "has not recovered" in output


# --- Item answers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("instrument_id", [CHECKIN_ID, SELF_RATING_ID, REVIEW_ID, "phq9", "gad7"])
def test_item_answers_add_up_to_every_possible_total(instrument_id):
    instrument = get_instrument(instrument_id)
    items = instrument.scored_items
    lowest, highest = sum(i.lowest for i in items), sum(i.highest for i in items)
    rng = random.Random(1)
    for total in range(lowest, highest + 1):
        answers = answers_for(rng, instrument, total)
        assert clean_answers(instrument, answers) == answers  # valid as a form would send them
        keyed = score(instrument, answers).total
        assert keyed == (
            total if instrument.scoring.aggregation == "sum" else round(total / len(items), 2)
        )


def test_pinned_answers_and_reverse_keyed_items():
    phq9 = get_instrument("phq9")
    answers = answers_for(random.Random(2), phq9, 12, pinned={"PHQ9_9": 1})
    assert answers["PHQ9_9"] == 1 and score(phq9, answers).total == 12
    review = get_instrument(REVIEW_ID)
    answers = answers_for(random.Random(3), review, 60)  # the best possible review
    reverse = {item.link_id for item in review.scored_items if item.reverse_keyed}
    assert reverse and all(answers[link_id] == 1 for link_id in reverse)
    assert all(answers[i.link_id] == 5 for i in review.scored_items if i.link_id not in reverse)


# --- Planning, for any seed ---------------------------------------------------------------------


@pytest.mark.parametrize("today", [TODAY, date(2026, 10, 24)])
def test_measure_plans_hold_for_any_seed(today):
    for seed in range(30):
        rng = random.Random(seed)
        plans = plan_episodes(rng, today)
        attended = [
            [
                status for status, _ in past_outcomes(rng, p.shape.attendance, len(p.past_days))
            ].count(AppointmentStatus.ATTENDED)
            for p in plans
        ]
        measures = plan_measures(rng, plans, attended)
        courses = Counter(m.outcome for m in measures)
        assert 2 <= courses[OutcomeCourse.DETERIORATING] <= 3
        assert courses[OutcomeCourse.IMPROVING] > len(plans) / 2
        lasting = [
            p
            for p, m in zip(plans, measures, strict=True)
            if m.alliance == AllianceCourse.DIP_LASTS
        ]
        assert len(lasting) == 1 and lasting[0].therapist == "dana"
        recovering = [
            p
            for p, m in zip(plans, measures, strict=True)
            if m.alliance == AllianceCourse.DIP_RECOVERS
        ]
        assert 3 <= len(recovering) <= 4 and any(p.therapist == "dana" for p in recovering)
        flagged = [p for p, m in zip(plans, measures, strict=True) if m.safety_answer]
        assert len(flagged) == 1 and flagged[0].therapist == "dana"
        assert sum(s.phq9_item_9 for m in measures for s in m.sessions) == 1
