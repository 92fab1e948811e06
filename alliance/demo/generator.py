"""The demo practice: three therapists, about forty clients and months of history, from one seed.

``load_demo_practice`` runs ``DEMO_STEPS`` in order inside one transaction: first the plans
(pure data drawn from one ``random.Random(seed)``, see ``planning``), then the rows: people,
episodes, appointments, phase history, then the measures (intake outcome measures, and the
check-ins, self-ratings, reviews and outcome measures due after each attended session), then the
agreements, goals, session records and calendar feed (``together``), and last the signals
engine's flags over all of it, with what the therapists did about some of them (``signals``),
then one analysed session transcript (``conversation``). A later feature that adds data adds a
step to ``DEMO_STEPS`` and the query for its rows to ``DEMO_ROWS_IN_DELETE_ORDER``, so that
``reset_demo_practice`` removes them again.

The same seed and the same ``today`` give the same practice, row for row (database ids and
creation stamps aside). Every name is synthetic.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models.functions import Lower

from alliance.accounts.models import User
from alliance.accounts.services import create_account
from alliance.agreements.models import (
    Acknowledgement,
    Agreement,
    AgreementReview,
    AgreementTemplate,
    AgreementVersion,
)
from alliance.appointments.models import (
    Appointment,
    AppointmentStatus,
    PrivateNote,
    SessionPreparation,
    SessionRecord,
)
from alliance.audit.models import AuditAction, AuditEvent
from alliance.audit.services import Actor, record
from alliance.demo import notes
from alliance.demo.answers import answers_for
from alliance.demo.conversation import CONVERSATION_ROWS, create_transcript
from alliance.demo.planning import (
    ADMIN,
    OUTCOME_EVERY,
    PHASE_ORDER,
    REVIEW_EVERY,
    STAFF_USERNAMES,
    SUPERVISED_BY_SAM,
    SUPERVISOR,
    THERAPISTS,
    AllianceCourse,
    EpisodePlan,
    MeasurePlan,
    SessionMeasures,
    StaffSpec,
    past_outcomes,
    plan_episodes,
    plan_measures,
    transition_sessions,
)
from alliance.demo.signals import create_signals
from alliance.demo.together import (
    create_agreements,
    create_calendar_feed,
    create_goals,
    create_session_records,
)
from alliance.goals.models import Goal, GoalRating, GoalStatus
from alliance.measures.definitions import CHECKIN_ID, REVIEW_ID, SELF_RATING_ID, Respondent
from alliance.measures.models import (
    FormRequest,
    FormRequestStatus,
    MeasureResponse,
    MeasureSchedule,
    ResponseSource,
)
from alliance.measures.registry import get_instrument
from alliance.measures.schedules import DEFAULT_OUTCOME_INSTRUMENTS
from alliance.measures.scoring import clean_answers, score
from alliance.practice.models import (
    CareEpisode,
    Client,
    EpisodeStatus,
    Phase,
    PhaseChange,
    Practice,
    TherapistProfile,
)
from alliance.practice.services import create_client, create_therapist
from alliance.scheduling.models import CalendarFeed
from alliance.signals.models import (
    EpisodeRisk,
    FeedbackReply,
    Flag,
    FlagKind,
    RepairStep,
    RuptureEpisode,
    RuptureStatus,
    SignalSettings,
)

DEMO_SLUG = "demo"
DEMO_PRACTICE_NAME = "Harbour Lane Therapy (demo)"
DEMO_PASSWORD = "alliance-demo"  # noqa: S105 - published: the demo is synthetic and local
DEMO_ACTOR = Actor.system("demo")
SESSION_LENGTH = timedelta(minutes=50)


class DemoError(Exception):
    """The demo cannot be loaded as asked: it is already loaded, or a username it needs is taken."""


@dataclass(frozen=True)
class DemoAccount:
    username: str
    description: str


@dataclass(frozen=True)
class DemoSummary:
    practice_name: str
    seed: int
    today: date
    therapists: int
    clients: int
    episodes_by_status: dict[str, int]
    appointments: int
    phase_changes: int
    responses: dict[str, int]  # instrument title: how many answered forms
    forms_waiting: int
    accounts: tuple[DemoAccount, ...]
    highlights: tuple[str, ...]
    example_client_usernames: tuple[str, ...]
    agreements: int = 0
    acknowledged: int = 0
    goals: dict[str, int] = field(default_factory=dict)  # by status
    goal_ratings: int = 0
    session_records: int = 0
    shared_summaries: int = 0
    private_notes: int = 0
    preparations: int = 0
    calendar_feed_url: str = ""
    flags: dict[str, int] = field(default_factory=dict)  # by kind
    ruptures: dict[str, int] = field(default_factory=dict)  # by status
    transcripts: int = 0  # analysed, each with its conversation report


@dataclass
class DemoBuild:
    """What the steps share while the demo is written."""

    rng: random.Random
    today: date
    practice: Practice
    plans: list[EpisodePlan] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    therapists: dict[str, TherapistProfile] = field(default_factory=dict)
    episodes: list[CareEpisode] = field(default_factory=list)  # in the order of ``plans``
    # Each episode's attended past sessions, oldest first, in the order of ``plans``.
    attended: list[list[Appointment]] = field(default_factory=list)
    measure_plans: list[MeasurePlan] = field(default_factory=list)
    appointments: int = 0
    phase_changes: int = 0
    responses: Counter[str] = field(default_factory=Counter)  # by instrument id
    forms_waiting: int = 0
    agreements: int = 0
    acknowledged: int = 0
    goals: Counter[str] = field(default_factory=Counter)  # by status
    goal_ratings: int = 0
    session_records: int = 0
    shared_summaries: int = 0
    private_notes: int = 0
    preparations: int = 0
    calendar_feed_url: str = ""
    flags: Counter[str] = field(default_factory=Counter)  # by kind
    ruptures: Counter[str] = field(default_factory=Counter)  # by status
    transcripts: int = 0
    highlights: list[str] = field(default_factory=list)  # "worth a look", from the later steps

    def session_start(self, day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))


# --- Loading -------------------------------------------------------------------------------


def demo_practice_exists() -> bool:
    return Practice.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def load_demo_practice(*, seed: int, today: date) -> DemoSummary:
    if demo_practice_exists():
        raise DemoError("The demo practice is already loaded.")
    practice = Practice.objects.create(name=DEMO_PRACTICE_NAME, slug=DEMO_SLUG)
    build = DemoBuild(rng=random.Random(seed), today=today, practice=practice)
    for step in DEMO_STEPS:
        step(build)
    return _summarise(build, seed)


def plan_the_episodes(build: DemoBuild) -> None:
    build.plans = plan_episodes(build.rng, build.today)


def check_usernames_are_free(build: DemoBuild) -> None:
    wanted = [*STAFF_USERNAMES, *(plan.username for plan in build.plans)]
    taken = sorted(
        User.objects.annotate(lowered=Lower("username"))
        .filter(lowered__in=[username.lower() for username in wanted])
        .values_list("username", flat=True)
    )
    if taken:
        raise DemoError(
            "These usernames are already taken by accounts outside the demo, and the demo needs "
            f"them: {', '.join(taken)}. Load the demo into an empty database instead."
        )


def create_staff(build: DemoBuild) -> None:
    for spec in THERAPISTS:
        profile = create_therapist(
            actor=DEMO_ACTOR,
            practice=build.practice,
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@example.org",
            modalities=list(spec.modalities),
            styles=list(spec.styles),
            languages=list(spec.languages),
            bio=spec.bio,
        )
        build.therapists[spec.username] = profile
        build.users[spec.username] = profile.user
    for staff in (SUPERVISOR, ADMIN):
        build.users[staff.username] = _create_staff_account(build.practice, staff)
    for username in SUPERVISED_BY_SAM:
        build.therapists[username].supervisors.add(build.users[SUPERVISOR.username])


def create_clients(build: DemoBuild) -> None:
    for plan in build.plans:
        client = create_client(
            actor=DEMO_ACTOR,
            practice=build.practice,
            first_name=plan.first_name,
            last_name=plan.last_name,
            email=f"{plan.username}@example.org",
            username=plan.username,
        )
        assert client.user is not None
        build.users[plan.username] = client.user


def create_episodes(build: DemoBuild) -> None:
    # Setup data with a back-dated history: assign_client and change_phase stamp "now" and write
    # one audit row each, so the episodes go in in bulk and the load gets one audit row.
    episodes = [
        CareEpisode(
            practice=build.practice,
            client=build.users[plan.username].client_record,
            therapist=build.therapists[plan.therapist],
            phase=plan.shape.phase,
            modality=plan.modality,
            style=plan.style,
            status=plan.shape.status,
            end_reason=plan.shape.end_reason or "",
            started_on=plan.started_on,
            ended_on=plan.ended_on,
        )
        for plan in build.plans
    ]
    build.episodes = CareEpisode.objects.bulk_create(episodes)


def create_appointments(build: DemoBuild) -> None:
    # Hundreds of rows of setup data: one bulk insert instead of a schedule_appointment and a
    # record_attendance call (two audit rows) per appointment. The load's audit row covers them.
    rows: list[Appointment] = []
    for plan, episode in zip(build.plans, build.episodes, strict=True):
        mine = _appointments_for(build, plan, episode)
        build.attended.append([a for a in mine if a.status == AppointmentStatus.ATTENDED])
        rows += mine
    build.appointments = len(Appointment.objects.bulk_create(rows))


def create_phase_history(build: DemoBuild) -> None:
    # Back-dated history, written in bulk for the same reason as the appointments.
    rows: list[PhaseChange] = []
    for plan, episode in zip(build.plans, build.episodes, strict=True):
        rows += _phase_history_for(build, plan, episode)
    build.phase_changes = len(PhaseChange.objects.bulk_create(rows))


def share_demo_password(build: DemoBuild) -> None:
    # Hash once: the product's hasher (Argon2) is deliberately slow, and every account shares it.
    password_hash = make_password(DEMO_PASSWORD)
    User.objects.filter(practice=build.practice).update(password=password_hash)


def record_demo_loaded(build: DemoBuild) -> None:
    record(
        actor=DEMO_ACTOR,
        action=AuditAction.CREATE,
        target="demo practice",
        obj=build.practice,
        detail={
            "today": build.today.isoformat(),
            "clients": len(build.plans),
            "appointments": build.appointments,
            "phase_changes": build.phase_changes,
            "measure_responses": build.responses.total(),
        },
    )


def plan_the_measures(build: DemoBuild) -> None:
    build.measure_plans = plan_measures(
        build.rng, build.plans, [len(attended) for attended in build.attended]
    )


def create_measure_schedule(build: DemoBuild) -> None:
    MeasureSchedule.objects.create(
        practice=build.practice, outcome_instruments=list(DEFAULT_OUTCOME_INSTRUMENTS)
    )


def create_measures(build: DemoBuild) -> None:
    """The forms each episode had: outcome measures at intake, then those due after each attended
    session by the practice schedule, answered as planned, skipped now and then, and for an open
    episode's latest session still waiting (or, weeks later, expired).
    """
    # About a thousand answers of back-dated setup data. Written through ``submit_response`` (a
    # handful of queries and an audit row each) they took the whole load from about 2 seconds
    # to 7 or more, so they go in bulk instead, checked and scored by the same functions it uses
    # (``clean_answers``, ``score``). The load's one audit row covers them.
    schedule = MeasureSchedule.objects.get(practice=build.practice, episode=None)
    valid = timedelta(days=schedule.link_valid_days)
    forms: list[_DemoForm] = []
    for plan, episode, attended, measures in zip(
        build.plans, build.episodes, build.attended, build.measure_plans, strict=True
    ):
        forms += _forms_for(build, plan, episode, attended, measures, valid)
    FormRequest.objects.bulk_create([form.request for form in forms])
    responses = [_response(form.request, form.answer) for form in forms if form.answer is not None]
    MeasureResponse.objects.bulk_create(sorted(responses, key=lambda r: r.submitted_at))
    build.responses.update(response.instrument_id for response in responses)
    build.forms_waiting = sum(form.request.status == FormRequestStatus.PENDING for form in forms)


DemoStep = Callable[[DemoBuild], None]
# The demo, in the order it is written. A feature that adds data to the demo adds a step here.
DEMO_STEPS: tuple[DemoStep, ...] = (
    plan_the_episodes,
    check_usernames_are_free,
    create_staff,
    create_clients,
    create_episodes,
    create_appointments,
    create_phase_history,
    plan_the_measures,
    create_measure_schedule,
    create_measures,
    create_agreements,
    create_goals,
    create_session_records,
    create_calendar_feed,
    create_signals,
    create_transcript,
    share_demo_password,
    record_demo_loaded,
)


# --- Rows -----------------------------------------------------------------------------------


def _create_staff_account(practice: Practice, spec: StaffSpec) -> User:
    return create_account(
        actor=DEMO_ACTOR,
        practice=practice,
        role=spec.role,
        username=spec.username,
        first_name=spec.first_name,
        last_name=spec.last_name,
        email=f"{spec.username}@example.org",
        password=None,  # replaced by the shared demo password hash
        validate=False,
    )


def _appointments_for(
    build: DemoBuild, plan: EpisodePlan, episode: CareEpisode
) -> list[Appointment]:
    outcomes = past_outcomes(build.rng, plan.shape.attendance, len(plan.past_days))
    past = [
        _appointment(episode, build.session_start(day, plan.hour), status, minutes_late)
        for day, (status, minutes_late) in zip(plan.past_days, outcomes, strict=True)
    ]
    booked = [
        _appointment(episode, build.session_start(day, plan.hour), AppointmentStatus.SCHEDULED)
        for day in plan.future_days
    ]
    return past + booked


def _appointment(
    episode: CareEpisode,
    start: datetime,
    status: AppointmentStatus,
    minutes_late: int | None = None,
) -> Appointment:
    return Appointment(
        practice_id=episode.practice_id,
        episode=episode,
        scheduled_start=start,
        scheduled_end=start + SESSION_LENGTH,
        status=status,
        actual_start=None if minutes_late is None else start + timedelta(minutes=minutes_late),
        created_at=start - timedelta(weeks=1),  # booked a week ahead
    )


def _phase_history_for(
    build: DemoBuild, plan: EpisodePlan, episode: CareEpisode
) -> list[PhaseChange]:
    """The starting row, then one row per move along the phases up to the current one."""
    rng = build.rng
    path = PHASE_ORDER[: PHASE_ORDER.index(plan.shape.phase) + 1]
    rows = [
        PhaseChange(
            episode=episode,
            from_phase="",
            to_phase=Phase.RAPPORT,
            changed_at=build.session_start(plan.started_on, 8) + timedelta(minutes=30),
            changed_by=build.users[ADMIN.username],  # the admin who assigned the client
            note=rng.choice(notes.STARTING),
        )
    ]
    sessions = transition_sessions(rng, len(plan.past_days), len(path) - 1)
    for (previous, phase), session in zip(pairwise(path), sessions, strict=True):
        session_end = build.session_start(plan.past_days[session], plan.hour) + SESSION_LENGTH
        rows.append(
            PhaseChange(
                episode=episode,
                from_phase=previous,
                to_phase=phase,
                changed_at=session_end + timedelta(minutes=rng.randint(5, 40)),
                changed_by=build.users[plan.therapist],
                note=rng.choice(notes.ENTERING[phase]),
            )
        )
    return rows


PHQ9_ID = "phq9"
GAD7_ID = "gad7"
# How long ago an open episode's latest session may be for its forms to be still waiting; older
# ones (a paused episode, the drifting client) expired unanswered.
STILL_WAITING = timedelta(days=14)


@dataclass(frozen=True)
class _Answer:
    answers: dict[str, int | str]
    submitted_at: datetime


@dataclass(frozen=True)
class _DemoForm:
    request: FormRequest
    answer: _Answer | None = None  # None: not answered


def _forms_for(
    build: DemoBuild,
    plan: EpisodePlan,
    episode: CareEpisode,
    attended: list[Appointment],
    measures: MeasurePlan,
    valid: timedelta,
) -> list[_DemoForm]:
    rng = build.rng
    # Intake: sent when the admin assigned the client, answered before the first session.
    assigned = build.session_start(plan.started_on, 8) + timedelta(minutes=35)
    before_first = build.session_start(plan.past_days[0], plan.hour) - timedelta(minutes=20)
    forms = []
    for instrument_id, total in ((PHQ9_ID, measures.intake_phq9), (GAD7_ID, measures.intake_gad7)):
        request = _form_request(episode, instrument_id, None, assigned, valid)
        request.status, request.completed_at = FormRequestStatus.COMPLETED, before_first
        forms.append(_DemoForm(request, _Answer(_answers(rng, instrument_id, total), before_first)))
    still_waiting = build.session_start(build.today, 0) - STILL_WAITING
    for number, (appointment, planned) in enumerate(
        zip(attended, measures.sessions, strict=True), start=1
    ):
        latest_of_open = episode.is_open and number == len(attended)
        for instrument_id, answers, delay in _session_forms(rng, number, planned):
            request = _form_request(
                episode, instrument_id, appointment, appointment.scheduled_end, valid
            )
            if answers is not None:
                answer = _Answer(answers, appointment.scheduled_end + delay)
                request.status = FormRequestStatus.COMPLETED
                request.completed_at = answer.submitted_at
                forms.append(_DemoForm(request, answer))
                continue
            if latest_of_open and appointment.scheduled_start >= still_waiting:
                # Waiting for the client (or the therapist), for a week from the day the demo
                # is loaded whatever the hour.
                request.status = FormRequestStatus.PENDING
                request.expires_at = max(
                    request.expires_at, build.session_start(build.today, 0) + valid
                )
            forms.append(_DemoForm(request))
    return forms


def _session_forms(
    rng: random.Random, number: int, planned: SessionMeasures
) -> list[tuple[str, dict[str, int | str] | None, timedelta]]:
    """The forms due after attended session ``number`` (as ``create_forms_after_session`` has
    them), each with its answers (None: not answered) and how long after the session."""
    client, therapist = timedelta(hours=1), timedelta(minutes=15)
    due: list[tuple[str, int | None, timedelta, str, dict[str, int]]] = [
        (CHECKIN_ID, planned.checkin, client, planned.comment, {}),
        (SELF_RATING_ID, planned.self_rating, therapist, planned.note, {}),
    ]
    if number % REVIEW_EVERY == 0:
        items = len(get_instrument(REVIEW_ID).scored_items)
        total = None if planned.review is None else round(planned.review * items)
        due.append((REVIEW_ID, total, client, "", {}))
    if number % OUTCOME_EVERY == 0:
        item_9 = {_safety_item(PHQ9_ID): planned.phq9_item_9}
        due += [
            (PHQ9_ID, planned.phq9, client, "", item_9),
            (GAD7_ID, planned.gad7, client, "", {}),
        ]
    return [
        (
            instrument_id,
            None
            if total is None
            else _answers(rng, instrument_id, total, pinned=pinned, text=text),
            delay,
        )
        for instrument_id, total, delay, text, pinned in due
    ]


def _answers(
    rng: random.Random,
    instrument_id: str,
    total: int,
    *,
    pinned: Mapping[str, int] | None = None,
    text: str = "",
) -> dict[str, int | str]:
    """Item answers adding up to the planned total, with the free-text answer if there is one.

    PHQ-9 item 9 is never drawn: it is 0 unless the plan pins it higher.
    """
    instrument = get_instrument(instrument_id)
    if instrument.id == PHQ9_ID:
        pinned = {_safety_item(PHQ9_ID): 0, **(pinned or {})}
    texts = {item.link_id: text for item in instrument.text_items[:1]} if text else None
    return answers_for(rng, instrument, total, pinned=pinned, text=texts)


def _response(request: FormRequest, answer: _Answer) -> MeasureResponse:
    """The stored response to an answered form, as ``submit_response`` would store it."""
    instrument = get_instrument(request.instrument_id)
    answers = clean_answers(instrument, answer.answers)
    result = score(instrument, answers)
    return MeasureResponse(
        practice_id=request.practice_id,
        episode=request.episode,
        client_id=request.episode.client_id,
        form_request=request,
        appointment=request.appointment,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        respondent_id=request.respondent_id,
        respondent_role=instrument.respondent.value,
        source=ResponseSource.DEMO,
        answers=answers,
        submitted_at=answer.submitted_at,
        total=result.total,
        subscale_scores=result.subscales,
        band=result.band or "",
        concern=result.concern,
        safety_items=list(result.safety_items),
        comment=result.comment,
    )


def _safety_item(instrument_id: str) -> str:
    instrument = get_instrument(instrument_id)
    return next(item.link_id for item in instrument.items if item.safety_threshold is not None)


def _form_request(
    episode: CareEpisode,
    instrument_id: str,
    appointment: Appointment | None,
    created_at: datetime,
    valid: timedelta,
) -> FormRequest:
    respondent = get_instrument(instrument_id).respondent
    return FormRequest(
        practice_id=episode.practice_id,
        episode=episode,
        client_id=episode.client_id,
        instrument_id=instrument_id,
        respondent_role=respondent.value,
        respondent_id=(
            episode.client.user_id if respondent == Respondent.CLIENT else episode.therapist.user_id
        ),
        appointment=appointment,
        status=FormRequestStatus.EXPIRED,  # unless answered or still waiting
        created_at=created_at,
        expires_at=created_at + valid,
    )


def _summarise(build: DemoBuild, seed: int) -> DemoSummary:
    statuses = Counter(plan.shape.status for plan in build.plans)
    steady, drifting, ended = build.plans[:3]
    people = list(zip(build.plans, build.measure_plans, strict=True))
    lasting = next(plan for plan, m in people if m.alliance == AllianceCourse.DIP_LASTS)
    recovered = sorted(
        (plan for plan, m in people if m.alliance == AllianceCourse.DIP_RECOVERS),
        key=lambda plan: plan.therapist != "dana",  # one of dana's, when she has one
    )[0]
    flagged = next(plan for plan, m in people if m.safety_answer)
    not_recovered = (
        f"the alliance dipped and has not recovered ({lasting.therapist}'s own ratings missed it)"
    )
    drifting_line = (
        f"{drifting.full_name} ({drifting.username}): drifting away, recent late "
        "cancellations and no-shows, nothing booked"
    )
    if lasting is drifting:
        drifting_line += f"; before that, {not_recovered}"  # one line for one person
    highlights = [
        f"{steady.full_name} ({steady.username}): a steady attender, improving",
        drifting_line,
        f"{ended.full_name} ({ended.username}): an episode that ended as planned",
    ]
    if lasting is not drifting:
        highlights.append(f"{lasting.full_name} ({lasting.username}): {not_recovered}")
    highlights += [
        f"{recovered.full_name} ({recovered.username}): an alliance dip that recovered",
        f"{flagged.full_name} ({flagged.username}): answered PHQ-9 item 9 (thoughts of being "
        "better off dead or of hurting themselves) above 0 in their latest PHQ-9",
        *build.highlights,
    ]
    return DemoSummary(
        practice_name=build.practice.name,
        seed=seed,
        today=build.today,
        therapists=len(build.therapists),
        clients=len(build.plans),
        episodes_by_status={status.value: statuses[status] for status in EpisodeStatus},
        appointments=build.appointments,
        phase_changes=build.phase_changes,
        responses={
            get_instrument(instrument_id).title: count
            for instrument_id, count in sorted(build.responses.items())
        },
        forms_waiting=build.forms_waiting,
        accounts=DEMO_ACCOUNTS,
        highlights=tuple(highlights),
        example_client_usernames=tuple(plan.username for plan in build.plans[3:6]),
        agreements=build.agreements,
        acknowledged=build.acknowledged,
        goals={status.value: build.goals[status.value] for status in GoalStatus},
        goal_ratings=build.goal_ratings,
        session_records=build.session_records,
        shared_summaries=build.shared_summaries,
        private_notes=build.private_notes,
        preparations=build.preparations,
        calendar_feed_url=build.calendar_feed_url,
        flags={kind.value: build.flags[kind.value] for kind in FlagKind},
        ruptures={status.value: build.ruptures[status.value] for status in RuptureStatus},
        transcripts=build.transcripts,
    )


DEMO_ACCOUNTS = (
    DemoAccount("dana", "therapist; chris is her client, sam supervises her"),
    DemoAccount("miguel", "therapist, supervised by sam"),
    DemoAccount("priya", "therapist"),
    DemoAccount("chris", "client of dana, a steady attender"),
    DemoAccount("sam", f"supervisor of {' and '.join(SUPERVISED_BY_SAM)}"),
    DemoAccount("alex", "practice admin"),
)


# --- Resetting ------------------------------------------------------------------------------


def _delete_demo_audit_rows(practice: Practice) -> int:
    """Delete the demo practice's audit rows; returns how many went.

    The audit trail is append-only: ``AuditEventQuerySet.delete`` raises, on purpose. Resetting a
    synthetic demo practice is the one sanctioned exception: its rows describe made-up people
    and must go before the clients and accounts they point at (``on_delete=PROTECT``). Besides
    the rows of the practice and of its clients and accounts, this removes the rows the system
    actor wrote about the demo's accounts and the practice itself (they carry no practice id).
    """
    audit, users, clients = (model._meta.db_table for model in (AuditEvent, User, Client))
    user_ids = [
        str(pk) for pk in User.objects.filter(practice=practice).values_list("pk", flat=True)
    ]
    user_id_params = ", ".join(["%s"] * len(user_ids)) or "NULL"
    sql = (
        f"DELETE FROM {audit} WHERE practice_id = %s"  # noqa: S608 - table names, not input
        f" OR client_id IN (SELECT id FROM {clients} WHERE practice_id = %s)"
        f" OR actor_id IN (SELECT id FROM {users} WHERE practice_id = %s)"
        " OR (practice_id IS NULL AND path = %s AND ("
        f"(object_type = %s AND object_id IN ({user_id_params}))"
        " OR (object_type = %s AND object_id = %s)))"
    )
    params: list[int | str] = [practice.pk, practice.pk, practice.pk, DEMO_ACTOR.path]
    params += [User._meta.label_lower, *user_ids, Practice._meta.label_lower, str(practice.pk)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


# Rows go before what they point at: foreign keys protect their targets. A feature that adds data
# to the demo adds the query for it here, before the rows it refers to.
DEMO_ROWS_IN_DELETE_ORDER: tuple[Callable[[Practice], models.QuerySet[Any]], ...] = (
    *CONVERSATION_ROWS,
    # Signals: flags point at their rupture episode, repair steps at theirs, replies at the
    # response they answer; all of them at the episode, the client or an account.
    lambda practice: Flag.objects.filter(practice=practice),
    lambda practice: RepairStep.objects.filter(rupture__practice=practice),
    lambda practice: RuptureEpisode.objects.filter(practice=practice),
    lambda practice: FeedbackReply.objects.filter(practice=practice),
    lambda practice: EpisodeRisk.objects.filter(practice=practice),
    lambda practice: SignalSettings.objects.filter(practice=practice),
    lambda practice: Acknowledgement.objects.filter(version__agreement__episode__practice=practice),
    lambda practice: AgreementReview.objects.filter(agreement__episode__practice=practice),
    lambda practice: AgreementVersion.objects.filter(agreement__episode__practice=practice),
    lambda practice: Agreement.objects.filter(episode__practice=practice),
    lambda practice: AgreementTemplate.objects.filter(practice=practice),
    lambda practice: GoalRating.objects.filter(goal__practice=practice),
    # A revision points at the goal it replaced (PROTECT): the new wordings go first. The demo
    # revises a goal once, so one pass is enough.
    lambda practice: Goal.objects.filter(practice=practice, revised_from__isnull=False),
    lambda practice: Goal.objects.filter(practice=practice),
    lambda practice: PrivateNote.objects.filter(appointment__practice=practice),
    lambda practice: SessionRecord.objects.filter(appointment__practice=practice),
    lambda practice: SessionPreparation.objects.filter(appointment__practice=practice),
    lambda practice: CalendarFeed.objects.filter(practice=practice),
    lambda practice: MeasureResponse.objects.filter(practice=practice),
    lambda practice: FormRequest.objects.filter(practice=practice),
    lambda practice: MeasureSchedule.objects.filter(practice=practice),
    lambda practice: Appointment.objects.filter(practice=practice),
    lambda practice: PhaseChange.objects.filter(episode__practice=practice),
    lambda practice: CareEpisode.objects.filter(practice=practice),
    lambda practice: Client.objects.filter(practice=practice),
    lambda practice: TherapistProfile.supervisors.through.objects.filter(
        therapistprofile__practice=practice
    ),
    lambda practice: TherapistProfile.objects.filter(practice=practice),
    lambda practice: User.objects.filter(practice=practice),
    lambda practice: Practice.objects.filter(pk=practice.pk),
)


@transaction.atomic
def reset_demo_practice() -> bool:
    """Delete the demo practice and everything in it; False if there was none."""
    practice = Practice.objects.filter(slug=DEMO_SLUG).first()
    if practice is None:
        return False
    deleted_audit_rows = _delete_demo_audit_rows(practice)
    for rows in DEMO_ROWS_IN_DELETE_ORDER:
        rows(practice).delete()
    # The deletion itself leaves a trace in the append-only trail.
    record(
        actor=DEMO_ACTOR,
        action=AuditAction.CHANGE,
        target="demo practice reset",
        detail={"audit_rows_deleted": deleted_audit_rows},
    )
    return True
