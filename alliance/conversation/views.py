"""Conversation pages: upload a session's transcript, read its report (the therapist; their
supervisors only with the therapist's consent), delete it for good, and the therapist's trends
(also for their supervisors, with the same consent).
Every page that shows anything of a session writes an audit row."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.accounts.decorators import AuthenticatedHttpRequest, role_required
from alliance.accounts.models import Role
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.conversation.access import get_transcript_for_user
from alliance.conversation.forms import SharingForm, TranscriptUploadForm
from alliance.conversation.importers import FORMAT_LABELS, MAX_TURNS, TranscriptError
from alliance.conversation.models import AnalysisStatus, ConversationReport
from alliance.conversation.selectors import report_page, trend_charts, trend_rows
from alliance.conversation.services import (
    delete_transcript,
    set_report_sharing,
    upload_transcript,
)
from alliance.once.decorators import once_per_submission
from alliance.practice.access import get_own_therapist_profile, get_supervised_therapist_for_user
from alliance.practice.consents import without_consent
from alliance.practice.models import ConsentKind
from alliance.sessions.access import get_session_for_user

POLL_SECONDS = 2


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def upload(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_session_for_user(request.user, appointment_id, for_change=True)
    status = 200
    problem = ""
    if request.method == "POST":
        form = TranscriptUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                transcript = upload_transcript(
                    actor=Actor.from_request(request),
                    appointment=appointment,
                    data=form.cleaned_data["file"],
                    filename=form.filename(),
                    speakers=form.cleaned_data["speakers"],
                )
            except TranscriptError as error:
                problem = str(error)
            else:
                messages.success(request, "Transcript uploaded: the analysis has started.")
                return redirect("conversation:report", transcript_id=transcript.pk)
        status = 400
    else:
        form = TranscriptUploadForm()
        record(
            actor=Actor.from_request(request),
            action=AuditAction.READ,
            target="transcript upload form",
            obj=appointment,
            client_id=appointment.episode.client_id,
        )
    return render(
        request,
        "conversation/upload.html",
        {
            "appointment": appointment,
            "client": appointment.episode.client,
            "form": form,
            "problem": problem,
            "max_turns": MAX_TURNS,
            "without_consent": without_consent(
                appointment.episode.client, ConsentKind.TRANSCRIPT_ANALYSIS
            ),
        },
        status=status,
    )


@never_cache
@require_GET
@role_required(Role.THERAPIST, Role.SUPERVISOR)
def report(request: AuthenticatedHttpRequest, transcript_id: int) -> HttpResponse:
    transcript = get_transcript_for_user(request.user, transcript_id)
    appointment = transcript.appointment
    stored: ConversationReport | None = getattr(transcript, "report", None)
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="conversation report",
        obj=transcript,
        client_id=appointment.episode.client_id,
    )
    return render(
        request,
        "conversation/report.html",
        {
            "transcript": transcript,
            "appointment": appointment,
            "client": appointment.episode.client,
            "therapist": appointment.episode.therapist,
            "stored": stored,
            "page": report_page(stored) if stored is not None else None,
            "format_label": FORMAT_LABELS.get(transcript.source_format, ""),
            "can_change": request.user.role == Role.THERAPIST,
            "poll_seconds": POLL_SECONDS,
        },
    )


@never_cache
@require_GET
@role_required(Role.THERAPIST, Role.SUPERVISOR)
def status(request: AuthenticatedHttpRequest, transcript_id: int) -> HttpResponse:
    """Whether the analysis is done, for the "Analysing…" poll. It shows nothing of the session
    (so it writes no audit row); once the report exists the page reloads, and that read is
    recorded."""
    transcript = get_transcript_for_user(request.user, transcript_id)
    if transcript.status != AnalysisStatus.PENDING:
        url = reverse("conversation:report", args=[transcript.pk])
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
    return render(
        request,
        "conversation/report.html#analysing",
        {"transcript": transcript, "poll_seconds": POLL_SECONDS},
    )


@require_POST
@role_required(Role.THERAPIST)
def delete(request: AuthenticatedHttpRequest, transcript_id: int) -> HttpResponse:
    transcript = get_transcript_for_user(request.user, transcript_id, for_change=True)
    appointment_id = transcript.appointment_id
    delete_transcript(actor=Actor.from_request(request), transcript=transcript)
    messages.success(request, "The transcript and its report are deleted for good.")
    return redirect("sessions:page", appointment_id=appointment_id)


@never_cache
@require_GET
@role_required(Role.THERAPIST)
def trends(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = get_own_therapist_profile(request.user)
    rows = trend_rows(request.user)
    record(actor=Actor.from_request(request), action=AuditAction.READ, target="conversation trends")
    return render(
        request,
        "conversation/trends.html",
        {
            "rows": rows,
            "charts": trend_charts(rows) if rows else [],
            "profile": profile,
            "sharing_form": SharingForm(initial={"share": profile.share_conversation_reports}),
        },
    )


@never_cache
@require_GET
@role_required(Role.SUPERVISOR)
def supervised_trends(request: AuthenticatedHttpRequest, therapist_id: int) -> HttpResponse:
    """A supervised therapist's trends, read-only, while the therapist shares their reports."""
    therapist = get_supervised_therapist_for_user(request.user, therapist_id)
    if not therapist.share_conversation_reports:
        raise Http404("No such trends.")
    rows = trend_rows(request.user, therapist=therapist)
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="conversation trends",
        obj=therapist,
    )
    return render(
        request,
        "conversation/trends.html",
        {"rows": rows, "charts": trend_charts(rows) if rows else [], "therapist": therapist},
    )


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def sharing(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = get_own_therapist_profile(request.user)
    form = SharingForm(request.POST)
    form.is_valid()  # a missing box is "no"; nothing else can be wrong
    share = bool(form.cleaned_data.get("share"))
    set_report_sharing(actor=Actor.from_request(request), therapist=profile, share=share)
    messages.success(
        request,
        "Your supervisors can now read your conversation reports."
        if share
        else "Your conversation reports are for you only.",
    )
    return redirect("conversation:trends")
