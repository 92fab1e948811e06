"""Answering a form: by a signed-in client (portal), a therapist (self-rating), or through a
signed link from an email (no sign-in). All three share one template and one write path."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from alliance.accounts.decorators import AuthenticatedHttpRequest, role_required
from alliance.accounts.models import Role
from alliance.agreements.crisis import crisis_procedure_for_episode
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.crisis_checks import raised_crisis
from alliance.lib.domain_errors import problems_answered_by
from alliance.measures.access import (
    get_form_request_for_link,
    get_form_request_for_user,
    why_closed_to_client,
)
from alliance.measures.definitions import Respondent
from alliance.measures.forms import field_views, raw_answers
from alliance.measures.models import (
    FormRequest,
    FormRequestStatus,
    MeasureResponse,
    ResponseSource,
)
from alliance.measures.scoring import AnswerError
from alliance.measures.services import instrument_for_request, submit_response


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.CLIENT, Role.THERAPIST)
def answer(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    form_request = get_form_request_for_user(request.user, request_id)
    source = ResponseSource.PORTAL if request.user.role == Role.CLIENT else ResponseSource.CLINIC
    back = (
        reverse("portal:home")
        if request.user.role == Role.CLIENT
        else reverse("clinic:client", args=[form_request.client_id])
    )
    return _answer(request, form_request, Actor.from_request(request), source, back)


@never_cache
@require_http_methods(["GET", "POST"])
def answer_by_link(request: HttpRequest, token: str) -> HttpResponse:
    form_request = get_form_request_for_link(token)
    reason = why_closed_to_client(form_request)
    if reason is not None:
        # Refused before anything is read or stored, GET and POST alike.
        context = {"instrument": instrument_for_request(form_request), "reason": reason}
        return render(request, "measures/closed.html", context, status=410)
    actor = Actor.from_request(request)
    if actor.user is not None and actor.user.pk != form_request.episode.client.user_id:
        # Someone else is signed in on this device: answer as the link's client, not as them.
        actor = Actor(None, actor.ip_address, actor.path, role_hint="client via link")
    elif actor.user is None:
        actor = Actor(None, actor.ip_address, actor.path, role_hint="client via link")
    return _answer(request, form_request, actor, ResponseSource.LINK, back="")


def _answer(
    request: HttpRequest, form_request: FormRequest, actor: Actor, source: ResponseSource, back: str
) -> HttpResponse:
    instrument = instrument_for_request(form_request)
    context = {"instrument": instrument, "form_request": form_request, "back": back}
    if request.method == "POST":
        # submit_response decides whether the form is still open, atomically; a form that has
        # closed meanwhile answers with the "closed" page.
        problems_answered_by(
            request, lambda error: render(request, "measures/closed.html", context, status=410)
        )
        try:
            submission = submit_response(
                actor=actor,
                instrument=instrument,
                raw_answers=raw_answers(instrument, request.POST),
                source=source,
                form_request=form_request,
            )
        except AnswerError as error:
            fields = field_views(instrument, request.POST, error.errors)
            return render(
                request,
                "measures/answer.html",
                {**context, "fields": fields, "error_count": len(error.errors)},
                status=400,
            )
        if not submission.created:
            return _thanks(request, form_request, actor, context)
        return redirect(request.get_full_path())
    if form_request.status == FormRequestStatus.COMPLETED:
        return _thanks(request, form_request, actor, context)
    if not form_request.is_open():
        return render(request, "measures/closed.html", context, status=410)
    record(
        actor=actor,
        action=AuditAction.READ,
        target=f"{instrument.title} form",
        obj=form_request,
        client_id=form_request.client_id,
    )
    return render(request, "measures/answer.html", {**context, "fields": field_views(instrument)})


def _thanks(
    request: HttpRequest, form_request: FormRequest, actor: Actor, context: dict[str, Any]
) -> HttpResponse:
    """The thank-you page; when the client's answers raised a crisis flag (a safety item, crisis
    words), the practice's crisis procedure instead, at once. It is the practice's procedure,
    not clinical detail, so a link's holder sees it too."""
    response = MeasureResponse.objects.filter(form_request=form_request).first()
    if (
        response is not None
        and response.respondent_role == Respondent.CLIENT.value
        and raised_crisis(response)
    ):
        record(
            actor=actor,
            action=AuditAction.READ,
            target="crisis procedure",
            obj=form_request,
            client_id=form_request.client_id,
        )
        return render(
            request,
            "agreements/crisis_thanks.html",
            {
                "procedure": crisis_procedure_for_episode(form_request.episode),
                "therapist": form_request.episode.therapist,
                "back": context["back"],
            },
        )
    return render(request, "measures/thanks.html", {**context, "already": True})
