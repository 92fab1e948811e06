"""Pages of the practice's own nouns: adding a client (intake), a client's details and consents.

A therapist adds clients to her own caseload and changes her clients' details; the admin adds
a client for a therapist she picks and changes any client's details (never seeing the
encrypted emergency-contact notes); a supervisor reads the details of a supervisee's client.
Ending an episode is the clinic's page (it offers a final measure, which practice cannot).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from alliance.accounts.decorators import AuthenticatedHttpRequest, role_required
from alliance.accounts.invitations import invite
from alliance.accounts.models import Role, User
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.domain_errors import cleaned, problems_lead_back_to, show_problems_on
from alliance.lib.errors import DomainError
from alliance.once.decorators import once_per_submission
from alliance.practice.access import get_client_details_for_user, get_own_therapist_profile
from alliance.practice.consents import consent_history, consent_lines, give_consents, revoke_consent
from alliance.practice.forms import (
    ClientDetailsForm,
    GiveConsentsForm,
    IntakeForm,
    RevokeConsentForm,
)
from alliance.practice.models import Client, ConsentKind, TherapistProfile
from alliance.practice.services import ClientDetails, add_client, update_client_details

ADD_TEMPLATE = "practice/add_client.html"
DETAILS_TEMPLATE = "practice/client_details.html"
ENCRYPTED_DETAILS = ("emergency_contact_notes",)


class AdminIntakeForm(IntakeForm):
    therapist = forms.ModelChoiceField(
        queryset=TherapistProfile.objects.none(), label="Therapist", empty_label=None
    )

    def __init__(self, *args: Any, practice_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = (  # type: ignore[attr-defined]
            TherapistProfile.objects.filter(
                practice_id=practice_id, user__is_active=True, user__role=Role.THERAPIST
            )
            .select_related("user", "practice")
            .order_by("user__last_name", "user__first_name")
        )
        self.order_fields(["therapist"])


def _intake_form(request: AuthenticatedHttpRequest) -> IntakeForm:
    data = request.POST if request.method == "POST" else None
    if request.user.role == Role.ADMIN:
        form: IntakeForm = AdminIntakeForm(data, practice_id=request.practice_id)
        del form.fields["emergency_contact_notes"]  # clinical: the therapist's to write
        return form
    return IntakeForm(data)


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST, Role.ADMIN)
@once_per_submission
def add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = _intake_form(request)
    context = {"form": form}
    if request.method != "POST":
        if request.user.role == Role.THERAPIST:
            get_own_therapist_profile(request.user)
        return render(request, ADD_TEMPLATE, context)
    show_problems_on(request, form, ADD_TEMPLATE, context)
    data = cleaned(form)
    therapist = data.get("therapist") or get_own_therapist_profile(request.user)
    client, _ = add_client(
        actor=Actor.from_request(request),
        therapist=therapist,
        details=ClientDetails.from_data(data),
        consents=data["consents"],
    )
    messages.success(
        request, f"Added {client}. An invitation to set a password was emailed to {client.email}."
    )
    if request.user.role == Role.ADMIN:
        return redirect("administration:home")
    return redirect("clinic:client", client_id=client.pk)


def _details_form(user: User, client: Client, data: Any = None) -> ClientDetailsForm:
    initial = {name: getattr(client, name) for name in ClientDetailsForm.base_fields}
    if user.role == Role.ADMIN:
        initial.pop("emergency_contact_notes")
    form = ClientDetailsForm(data, initial=initial)
    if user.role == Role.ADMIN:
        del form.fields["emergency_contact_notes"]
    return form


def _details_context(
    request: AuthenticatedHttpRequest, client: Client, form: Any
) -> dict[str, Any]:
    user = request.user
    return {
        "client": client,
        "form": form,
        "can_change": user.role in (Role.THERAPIST, Role.ADMIN),
        "sees_notes": user.role != Role.ADMIN,
        "consents": consent_lines(client),
        "history": consent_history(client),
        "give_form": GiveConsentsForm(),
        "invitation_pending": client.user is not None and not client.user.has_usable_password(),
        "back": _back(user, client),
    }


def _back(user: User, client: Client) -> str:
    if user.role == Role.ADMIN:
        return reverse("administration:home")
    return reverse("clinic:client", args=[client.pk])


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST, Role.SUPERVISOR, Role.ADMIN)
@once_per_submission
def details(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    changing = request.method == "POST"
    client = get_client_details_for_user(request.user, client_id, for_change=changing)
    form = _details_form(request.user, client, request.POST if changing else None)
    context = _details_context(request, client, form)
    if not changing:
        record(
            actor=Actor.from_request(request),
            action=AuditAction.READ,
            target="client details",
            obj=client,
            client=client,
        )
        return render(request, DETAILS_TEMPLATE, context)
    show_problems_on(request, form, DETAILS_TEMPLATE, context)
    data = cleaned(form)
    if request.user.role == Role.ADMIN:  # the admin's form has no notes: they stay as they are
        data["emergency_contact_notes"] = client.emergency_contact_notes
    changed = update_client_details(
        actor=Actor.from_request(request), client=client, details=ClientDetails.from_data(data)
    )
    messages.success(request, "Details saved." if changed else "Nothing was changed.")
    return redirect("practice:client-details", client_id=client.pk)


@require_POST
@role_required(Role.THERAPIST, Role.ADMIN)
@once_per_submission
def consents_give(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = get_client_details_for_user(request.user, client_id, for_change=True)
    url = reverse("practice:client-details", args=[client.pk])
    problems_lead_back_to(request, url, "Back to the client's details")
    data = cleaned(GiveConsentsForm(request.POST))
    given = give_consents(actor=Actor.from_request(request), client=client, kinds=data["consents"])
    messages.success(
        request, f"Recorded {len(given)} consent(s)." if given else "Nothing new to record."
    )
    return redirect(url)


@require_POST
@role_required(Role.THERAPIST, Role.ADMIN)
@once_per_submission
def consent_revoke(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = get_client_details_for_user(request.user, client_id, for_change=True)
    url = reverse("practice:client-details", args=[client.pk])
    problems_lead_back_to(request, url, "Back to the client's details")
    kind = ConsentKind(cleaned(RevokeConsentForm(request.POST))["kind"])
    revoke_consent(actor=Actor.from_request(request), client=client, kind=kind)
    messages.success(request, f"Consent to {kind.label.lower()} revoked.")
    return redirect(url)


@require_POST
@role_required(Role.THERAPIST, Role.ADMIN)
@once_per_submission
def invite_again(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = get_client_details_for_user(request.user, client_id, for_change=True)
    url = reverse("practice:client-details", args=[client.pk])
    problems_lead_back_to(request, url, "Back to the client's details")
    if client.user is None:
        raise DomainError(f"{client} has no account to invite.")
    invite(actor=Actor.from_request(request), user=client.user, client_id=client.pk)
    messages.success(request, f"A new invitation was emailed to {client.user.email}.")
    return redirect(url)
