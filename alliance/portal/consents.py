"""The client's consents in the portal: what is in force, its history, and revoking one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alliance.accounts.decorators import AuthenticatedHttpRequest, role_required
from alliance.accounts.models import Role
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.domain_errors import cleaned, problems_lead_back_to
from alliance.once.decorators import once_per_submission
from alliance.practice.access import get_own_client_record
from alliance.practice.consents import consent_history, consent_lines, revoke_consent
from alliance.practice.forms import RevokeConsentForm
from alliance.practice.models import ConsentKind


@role_required(Role.CLIENT)
def consents(request: AuthenticatedHttpRequest) -> HttpResponse:
    client = get_own_client_record(request.user)
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="own consents",
        obj=client,
        client=client,
    )
    return render(
        request,
        "portal/consents.html",
        {
            "client": client,
            "consents": consent_lines(client),
            "history": consent_history(client),
            "can_change": True,
            "revoke_url": "portal:consent-revoke",
        },
    )


@require_POST
@role_required(Role.CLIENT)
@once_per_submission
def revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    client = get_own_client_record(request.user)
    problems_lead_back_to(request, reverse("portal:consents"), "Back to your consents")
    kind = ConsentKind(cleaned(RevokeConsentForm(request.POST))["kind"])
    revoke_consent(actor=Actor.from_request(request), client=client, kind=kind)
    messages.success(
        request,
        f"You have revoked your consent to {kind.label.lower()}. Your therapist can see this.",
    )
    return redirect("portal:consents")
