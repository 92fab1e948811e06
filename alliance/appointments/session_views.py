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
from alliance.appointments.models import Appointment, SessionRecord
from alliance.appointments.session_access import (
    get_own_appointment_for_client,
    get_private_note_for_user,
    get_session_for_user,
    get_shared_record_for_client,
)
from alliance.appointments.session_forms import (
    PreparationForm,
    PrivateNoteForm,
    SessionRecordForm,
)
from alliance.appointments.session_selectors import agenda_suggestions, private_notes_for_therapist
from alliance.appointments.session_services import (
    add_private_note,
    change_private_note,
    save_session_record,
    submit_preparation,
)
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.conversation.selectors import session_panel
from alliance.lib.errors import DomainError
from alliance.once.decorators import once_per_submission
from alliance.signals.crisis import raised_crisis_for_preparation


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


def _render_session(
    request: AuthenticatedHttpRequest,
    appointment: Appointment,
    *,
    record_form: SessionRecordForm | None = None,
    note_form: PrivateNoteForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    can_change = request.user.role == Role.THERAPIST
    context: dict[str, Any] = {
        "appointment": appointment,
        "client": appointment.episode.client,
        "preparation": getattr(appointment, "preparation", None),
        "session_record": getattr(appointment, "session_record", None),
        "can_change": can_change,
        "problem": problem,
        "conversation": session_panel(request.user, appointment),
    }
    if can_change:
        # Notes are decrypted for the episode's therapist only: the supervisor's page never
        # loads them at all.
        context |= {
            "record_form": record_form or _record_form(appointment),
            "note_form": note_form or PrivateNoteForm(),
            "notes": private_notes_for_therapist(appointment),
        }
    return render(request, "appointments/session.html", context, status=status)


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
    return _render_session(request, appointment)


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def session_record_save(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_session_for_user(request.user, appointment_id, for_change=True)
    form = SessionRecordForm(request.POST)
    if not form.is_valid():
        return _render_session(request, appointment, record_form=form, status=400)
    try:
        save_session_record(
            actor=Actor.from_request(request),
            appointment=appointment,
            agenda=form.cleaned_data["agenda"],
            summary=form.cleaned_data["summary"],
            next_steps=form.cleaned_data["next_steps"],
            share=form.cleaned_data["share"],
        )
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _render_session(request, appointment, record_form=form, status=400)
    messages.success(request, "Session saved.")
    return redirect("session:page", appointment_id=appointment.pk)


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def note_add(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_session_for_user(request.user, appointment_id, for_change=True)
    form = PrivateNoteForm(request.POST)
    if not form.is_valid():
        return _render_session(request, appointment, note_form=form, status=400)
    add_private_note(
        actor=Actor.from_request(request), appointment=appointment, body=form.cleaned_data["body"]
    )
    messages.success(request, "Private note saved.")
    return redirect("session:page", appointment_id=appointment.pk)


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
@once_per_submission
def note_edit(request: AuthenticatedHttpRequest, note_id: int) -> HttpResponse:
    note = get_private_note_for_user(request.user, note_id)
    actor = Actor.from_request(request)
    client_id = note.appointment.episode.client_id
    if request.method == "POST":
        form = PrivateNoteForm(request.POST)
        if form.is_valid():
            change_private_note(actor=actor, note=note, body=form.cleaned_data["body"])
            messages.success(request, "Private note saved.")
            return redirect("session:page", appointment_id=note.appointment_id)
        status = 400
    else:
        [view] = [v for v in private_notes_for_therapist(note.appointment) if v.note.pk == note.pk]
        form = PrivateNoteForm(initial={"body": view.text or ""})
        status = 200
        record(
            actor=actor,
            action=AuditAction.READ,
            target="private note",
            obj=note,
            client_id=client_id,
        )
    return render(
        request, "appointments/note_edit.html", {"note": note, "form": form}, status=status
    )


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.CLIENT)
@once_per_submission
def prepare(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_own_appointment_for_client(request.user, appointment_id)
    actor = Actor.from_request(request)
    preparation = getattr(appointment, "preparation", None)
    status = 200
    if request.method == "POST":
        form = PreparationForm(request.POST)
        if form.is_valid():
            try:
                preparation = submit_preparation(
                    actor=actor,
                    appointment=appointment,
                    talk_about=form.cleaned_data["talk_about"],
                    since_last_time=form.cleaned_data["since_last_time"],
                    feeling_today=form.cleaned_data["feeling_today"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                if raised_crisis_for_preparation(preparation):
                    # Crisis words: the practice's crisis procedure at once, not the usual thanks.
                    record(
                        actor=actor,
                        action=AuditAction.READ,
                        target="crisis procedure",
                        obj=preparation,
                        client_id=appointment.episode.client_id,
                    )
                    return render(
                        request,
                        "agreements/crisis_thanks.html",
                        {
                            "procedure": crisis_procedure_for_episode(appointment.episode),
                            "therapist": appointment.episode.therapist,
                            "back": reverse("portal:home"),
                        },
                    )
                messages.success(
                    request, f"Thank you: {appointment.episode.therapist} will see this."
                )
                return redirect("portal:home")
        status = 400
    else:
        initial = (
            {
                "talk_about": preparation.talk_about,
                "since_last_time": preparation.since_last_time,
                "feeling_today": preparation.feeling_today,
            }
            if preparation is not None
            else {}
        )
        form = PreparationForm(initial=initial)
        record(
            actor=actor,
            action=AuditAction.READ,
            target="session preparation",
            obj=appointment,
            client_id=appointment.episode.client_id,
        )
    is_open = appointment.scheduled_start > timezone.now() and appointment.status == "scheduled"
    return render(
        request,
        "appointments/prepare.html",
        {"appointment": appointment, "form": form, "is_open": is_open, "prepared": preparation},
        status=status,
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
    return render(request, "appointments/agreed.html", {"session_record": session_record})
