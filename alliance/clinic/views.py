"""Pages for clinicians: the therapist's caseload and client page, the supervisor's overview."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from alliance.accounts.decorators import AuthenticatedHttpRequest, role_required
from alliance.accounts.models import Role
from alliance.agreements.crisis import crisis_texts
from alliance.agreements.selectors import agreement_statuses, reviews_due
from alliance.appointments.access import get_appointment_for_user
from alliance.appointments.consistency import episodes_consistency
from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.appointments.services import record_attendance
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.clinic.caseload import caseload_lines, crisis_links
from alliance.clinic.caseload_filters import CaseloadFilter, CaseloadFilterForm, filter_caseload
from alliance.clinic.client_page import (
    notes_page,
    sessions_page,
    summary_line,
    transcripts_page,
)
from alliance.clinic.forms import AttendanceForm, PhaseChangeForm
from alliance.clinic.supervision import (
    needs_attention,
    supervised_therapists,
    supervision_overview,
    with_alert_load,
)
from alliance.goals.selectors import episode_goal_boards
from alliance.lib.domain_errors import cleaned, problems_lead_back_to
from alliance.lib.form_problems import problems_lead_back_to_client
from alliance.measures.models import MeasureResponse
from alliance.measures.progress import safety_answers
from alliance.measures.selectors import due_forms, episode_measures
from alliance.once.decorators import once_per_submission
from alliance.practice.access import (
    episodes_for_user,
    get_client_for_user,
    get_episode_for_user,
    get_own_therapist_profile,
    get_supervised_therapist_for_user,
)
from alliance.practice.models import CareEpisode, Phase, PhaseChange
from alliance.practice.phases import is_step_back
from alliance.practice.services import change_phase
from alliance.signals.attention import CrisisLink
from alliance.signals.expected import expected_lookups
from alliance.signals.figures import default_since, practice_figures, therapist_figures
from alliance.signals.models import RuptureType
from alliance.signals.selectors import episode_signals


@role_required(Role.THERAPIST)
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    therapist = get_own_therapist_profile(request.user)
    show_ended = request.GET.get("show") == "all"
    problems_lead_back_to(request, reverse("clinic:dashboard"), "Show the whole caseload")
    form = CaseloadFilterForm(request.GET)
    chosen = CaseloadFilter.from_form(cleaned(form))
    caseload = episodes_for_user(request.user).for_therapist(therapist)
    episodes = caseload if show_ended else caseload.open()
    rows = caseload_lines(filter_caseload(episodes, chosen))
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="caseload",
        detail={"search": chosen.used} if chosen.active else None,
    )
    return render(
        request,
        "clinic/dashboard.html",
        {
            "therapist": therapist,
            "rows": rows,
            # A search never hides a crisis: the banner is about the whole caseload.
            "crisis_lines": crisis_links(caseload.open())
            if chosen.active
            else [
                CrisisLink(line.row.episode.client, line.row.episode.pk)
                for line in rows
                if line.attention.urgent
            ],
            "rupture_figures": therapist_figures(
                therapist.practice_id, therapist.pk, since=default_since()
            ),
            "show_ended": show_ended,
            "agreement_reviews_due": reviews_due([line.row.episode for line in rows]),
            "filter_form": form,
            "filtering": chosen.active,
        },
    )


@role_required(Role.THERAPIST, Role.SUPERVISOR)
def client_detail(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    """The client's page in sections (overview, measures, goals, agreement, sessions, notes,
    transcripts); the sessions, notes and transcripts are paged (``?sessions=2`` and so on),
    so that the page's size and its queries stay flat as the history grows."""
    client = get_client_for_user(request.user, client_id)
    now = timezone.now()
    episodes = list(
        episodes_for_user(request.user)
        .filter(client=client)
        .select_related("therapist__user", "risk")
        .prefetch_related(
            Prefetch("phase_changes", queryset=PhaseChange.objects.select_related("changed_by")),
            # For the consistency figures only: the list of appointments is paged.
            Prefetch("appointments", queryset=Appointment.objects.order_by("scheduled_start")),
        )
    )
    responses = list(
        MeasureResponse.objects.filter(episode__in=[e.pk for e in episodes]).select_related(
            "feedback_reply"
        )
    )
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="client page",
        obj=client,
        client=client,
    )
    can_change = request.user.role == Role.THERAPIST
    context = _client_page_context(request, episodes, responses, now, can_change=can_change)
    return render(request, "clinic/client_detail.html", {"client": client, **context})


def _client_page_context(
    request: AuthenticatedHttpRequest,
    episodes: list[CareEpisode],
    responses: list[MeasureResponse],
    now: datetime,
    *,
    can_change: bool,
) -> dict[str, object]:
    ids = [episode.pk for episode in episodes]
    self_ratings = (
        due_forms(episodes_for_user(request.user, for_change=True).filter(pk__in=ids), "therapist")
        if can_change
        else []
    )
    safety = safety_answers(responses)
    panels = episode_signals(episodes, responses, now)
    statuses = agreement_statuses(episodes, timezone.localdate())
    return {
        "episodes": episodes,
        "episode_views": episode_measures(episodes, responses, expected_lookups(episodes)),
        "safety": safety,
        "now": now,
        "can_change": can_change,
        "phase_form": PhaseChangeForm(),
        "attendance_form": AttendanceForm(),
        "statuses": AppointmentStatus.choices,
        "phases": Phase.choices,
        "self_ratings": self_ratings,
        "consistency": episodes_consistency(episodes, now),
        "agreement_statuses": statuses,
        "goal_boards": episode_goal_boards(ids),
        "signal_panels": panels,
        "rupture_types": RuptureType.choices,
        "summary": summary_line(episodes, panels, safety, statuses, len(self_ratings)),
        "sessions": sessions_page(ids, request.GET),
        "notes": notes_page(ids, request.GET, private_notes=can_change),
        "transcripts": transcripts_page(request.user, ids, request.GET),
        "crisis_texts": crisis_texts(ids),
        "many_episodes": len(episodes) > 1,
    }


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def episode_phase(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for_user(request.user, episode_id, for_change=True)
    problems_lead_back_to_client(request, episode.client_id)
    data = cleaned(PhaseChangeForm(request.POST))
    to_phase = Phase(data["phase"])
    if is_step_back(episode.phase, to_phase) and not data["confirm_step_back"]:
        # Nothing is recorded until the step back is confirmed, with its reason.
        return render(
            request,
            "clinic/phase_confirm.html",
            {"episode": episode, "to_phase": to_phase, "note": data["note"]},
        )
    change_phase(
        actor=Actor.from_request(request),
        episode=episode,
        to_phase=to_phase,
        note=data["note"],
        step_back_confirmed=data["confirm_step_back"],
    )
    messages.success(request, f"Moved to the phase “{Phase(episode.phase).label}”.")
    return redirect("clinic:client", client_id=episode.client_id)


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def appointment_attendance(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_appointment_for_user(request.user, appointment_id, for_change=True)
    client_id = appointment.episode.client_id
    problems_lead_back_to_client(request, client_id)
    data = cleaned(AttendanceForm(request.POST))
    record_attendance(
        actor=Actor.from_request(request),
        appointment=appointment,
        status=AppointmentStatus(data["status"]),
        actual_start=appointment.scheduled_start + timedelta(minutes=data["minutes_late"] or 0),
    )
    if request.htmx:
        return render(
            request,
            "clinic/client_detail.html#appointment-row",
            {
                "appointment": appointment,
                "can_change": True,
                "now": timezone.now(),
                "statuses": AppointmentStatus.choices,
            },
        )
    messages.success(request, "Attendance recorded.")
    # Back to the page of appointments the form was on, at the row just recorded.
    page = request.POST.get("sessions", "")
    query = f"?sessions={page}" if page.isdigit() and page != "1" else ""
    url = reverse("clinic:client", kwargs={"client_id": client_id})
    return redirect(f"{url}{query}#appointment-{appointment.pk}")


@role_required(Role.SUPERVISOR)
def supervision(request: AuthenticatedHttpRequest) -> HttpResponse:
    ruptures = practice_figures(request.practice_id, since=default_since())
    therapists = supervision_overview(request.user, ruptures=ruptures)
    attention = needs_attention(request.user)
    therapists, load = with_alert_load(request.practice_id, therapists)
    record(
        actor=Actor.from_request(request), action=AuditAction.READ, target="supervision overview"
    )
    return render(
        request,
        "clinic/supervision.html",
        {
            "therapists": therapists,
            "attention_lines": attention,
            "crisis_lines": [
                CrisisLink(line.episode.client, line.episode.pk, line.episode.therapist)
                for line in attention
                if line.attention.urgent
            ],
            "practice_ruptures": ruptures.practice,
            "alert_load": load,
        },
    )


@role_required(Role.SUPERVISOR)
def supervised_caseload(request: AuthenticatedHttpRequest, therapist_id: int) -> HttpResponse:
    therapist = get_supervised_therapist_for_user(request.user, therapist_id)
    rows = caseload_lines(episodes_for_user(request.user).for_therapist(therapist).open())
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="caseload",
        obj=therapist,
    )
    return render(
        request, "clinic/supervised_caseload.html", {"therapist": therapist, "rows": rows}
    )


@role_required(Role.SUPERVISOR)
def supervised_clients(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a client across the supervisor's therapists: by name, phase, flag, risk, therapist."""
    therapists = list(supervised_therapists(request.user))
    problems_lead_back_to(request, reverse("clinic:supervision"), "Back to your therapists")
    form = CaseloadFilterForm(request.GET, therapists=therapists)
    chosen = CaseloadFilter.from_form(cleaned(form))
    rows = caseload_lines(filter_caseload(episodes_for_user(request.user).open(), chosen))
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="caseload search",
        detail={"search": chosen.used},
    )
    return render(
        request,
        "clinic/supervised_clients.html",
        {"rows": rows, "filter_form": form, "filtering": chosen.active, "show_therapist": True},
    )
