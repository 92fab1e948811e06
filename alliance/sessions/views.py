"""The session pages: the therapist's (and, read-only, the supervisor's) session page, private
notes, and the client's preparation and "what we agreed" pages. Every POST form works without
JavaScript; a wrong form comes back with its message and HTTP 400."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.accounts.decorators import AuthenticatedHttpRequest, role_required
from alliance.accounts.models import Role
from alliance.agreements.crisis import crisis_procedure_for_episode
from alliance.appointments.models import Appointment
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.crisis_checks import raised_crisis
from alliance.lib.domain_errors import cleaned, show_problems_on
from alliance.once.decorators import once_per_submission
from alliance.sessions.access import (
    get_own_appointment_for_client,
    get_private_note_for_user,
    get_session_for_user,
    get_shared_record_for_client,
)
from alliance.sessions.forms import (
    PreparationForm,
    PrivateNoteForm,
    SessionRecordForm,
)
from alliance.sessions.models import SessionPreparation, SessionRecord
from alliance.sessions.panels import panels_for
from alliance.sessions.selectors import agenda_suggestions, private_notes_for_therapist
from alliance.sessions.services import (
    add_private_note,
    change_private_note,
    save_session_record,
    submit_preparation,
)

SESSION_TEMPLATE = "sessions/page.html"


def _record_form(appointment: Appointment) -> SessionRecordForm:
    session_record: SessionRecord | None = getattr(appointment, "session_record", None)
    if session_record is None:
        return SessionRecordForm(initial={"agenda": "\n".join(agenda_suggestions(appointment))})
    return SessionRecordForm(
        initial={
            "agenda": "\n".join(session_record.agenda),
            "summary": session_record.summary,
            "next_steps": session_record.next_steps,
            "share": session_record.is_shared,
        }
    )


def _session_context(request: AuthenticatedHttpRequest, appointment: Appointment) -> dict[str, Any]:
    can_change = request.user.role == Role.THERAPIST
    context: dict[str, Any] = panels_for(request.user, appointment) | {
        "appointment": appointment,
        "client": appointment.episode.client,
        "preparation": getattr(appointment, "preparation", None),
        "session_record": getattr(appointment, "session_record", None),
        "can_change": can_change,
    }
    if can_change:
        # Notes are decrypted for the episode's therapist only: the supervisor's page never
        # loads them at all.
        context |= {
            "record_form": _record_form(appointment),
            "note_form": PrivateNoteForm(),
            "notes": private_notes_for_therapist(appointment),
        }
    return context


@never_cache
@require_GET
@role_required(Role.THERAPIST, Role.SUPERVISOR)
def session_page(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_session_for_user(request.user, appointment_id)
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="session page",
        obj=appointment,
        client_id=appointment.episode.client_id,
    )
    return render(request, SESSION_TEMPLATE, _session_context(request, appointment))


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def session_record_save(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_session_for_user(request.user, appointment_id, for_change=True)
    form = SessionRecordForm(request.POST)
    show_problems_on(
        request,
        form,
        SESSION_TEMPLATE,
        lambda: _session_context(request, appointment),
        form_name="record_form",
    )
    data = cleaned(form)
    save_session_record(
        actor=Actor.from_request(request),
        appointment=appointment,
        agenda=data["agenda"],
        summary=data["summary"],
        next_steps=data["next_steps"],
        share=data["share"],
    )
    messages.success(request, "Session saved.")
    return redirect("sessions:page", appointment_id=appointment.pk)


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def note_add(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_session_for_user(request.user, appointment_id, for_change=True)
    form = PrivateNoteForm(request.POST)
    show_problems_on(
        request,
        form,
        SESSION_TEMPLATE,
        lambda: _session_context(request, appointment),
        form_name="note_form",
    )
    add_private_note(
        actor=Actor.from_request(request), appointment=appointment, body=cleaned(form)["body"]
    )
    messages.success(request, "Private note saved.")
    return redirect("sessions:page", appointment_id=appointment.pk)


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
@once_per_submission
def note_edit(request: AuthenticatedHttpRequest, note_id: int) -> HttpResponse:
    note = get_private_note_for_user(request.user, note_id)
    actor = Actor.from_request(request)
    if request.method == "POST":
        form = PrivateNoteForm(request.POST)
        show_problems_on(request, form, "sessions/note_edit.html", {"note": note})
        change_private_note(actor=actor, note=note, body=cleaned(form)["body"])
        messages.success(request, "Private note saved.")
        return redirect("sessions:page", appointment_id=note.appointment_id)
    [view] = [v for v in private_notes_for_therapist(note.appointment) if v.note.pk == note.pk]
    record(
        actor=actor,
        action=AuditAction.READ,
        target="private note",
        obj=note,
        client_id=note.appointment.episode.client_id,
    )
    form = PrivateNoteForm(initial={"body": view.text or ""})
    return render(request, "sessions/note_edit.html", {"note": note, "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.CLIENT)
@once_per_submission
def prepare(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_own_appointment_for_client(request.user, appointment_id)
    actor = Actor.from_request(request)
    preparation = getattr(appointment, "preparation", None)
    is_open = appointment.scheduled_start > timezone.now() and appointment.status == "scheduled"
    context = {"appointment": appointment, "is_open": is_open, "prepared": preparation}
    if request.method != "POST":
        record(
            actor=actor,
            action=AuditAction.READ,
            target="session preparation",
            obj=appointment,
            client_id=appointment.episode.client_id,
        )
        form = PreparationForm(initial=_preparation_initial(preparation))
        return render(request, "sessions/prepare.html", {**context, "form": form})
    form = PreparationForm(request.POST)
    show_problems_on(request, form, "sessions/prepare.html", context)
    data = cleaned(form)
    preparation = submit_preparation(
        actor=actor,
        appointment=appointment,
        talk_about=data["talk_about"],
        since_last_time=data["since_last_time"],
        feeling_today=data["feeling_today"],
    )
    if raised_crisis(preparation):
        return _crisis_procedure(request, actor, preparation)
    messages.success(request, f"Thank you: {appointment.episode.therapist} will see this.")
    return redirect("portal:home")


def _preparation_initial(preparation: SessionPreparation | None) -> dict[str, Any]:
    if preparation is None:
        return {}
    return {
        "talk_about": preparation.talk_about,
        "since_last_time": preparation.since_last_time,
        "feeling_today": preparation.feeling_today,
    }


def _crisis_procedure(
    request: AuthenticatedHttpRequest, actor: Actor, preparation: SessionPreparation
) -> HttpResponse:
    """Crisis words: the practice's crisis procedure at once, not the usual thanks."""
    episode = preparation.appointment.episode
    record(
        actor=actor,
        action=AuditAction.READ,
        target="crisis procedure",
        obj=preparation,
        client_id=episode.client_id,
    )
    return render(
        request,
        "agreements/crisis_thanks.html",
        {
            "procedure": crisis_procedure_for_episode(episode),
            "therapist": episode.therapist,
            "back": reverse("portal:home"),
        },
    )


@require_GET
@role_required(Role.CLIENT)
def agreed(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    session_record = get_shared_record_for_client(request.user, appointment_id)
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="session summary",
        obj=session_record,
        client_id=session_record.appointment.episode.client_id,
    )
    return render(request, "sessions/agreed.html", {"session_record": session_record})
