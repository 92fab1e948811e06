"""Pages for the practice admin: accounts, assignments, a client's audit trail, the practice's
agreement template and its signal rules.

Nothing here shows clinical content: an admin sees who is whose client, not what happens between them.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from alliance.accounts.decorators import AuthenticatedHttpRequest, role_required
from alliance.accounts.models import Role, User
from alliance.accounts.services import deactivate_account
from alliance.administration.access import (
    get_account_for_admin,
    get_client_identity_for_admin,
    get_therapist_for_admin,
)
from alliance.administration.forms import AssignForm, ClientForm, SupervisorsForm, TherapistForm
from alliance.agreements.forms import AgreementTemplateForm
from alliance.agreements.sections import PLACEHOLDERS
from alliance.agreements.services import template_for, update_template
from alliance.audit.models import AuditAction, AuditEvent
from alliance.audit.services import Actor, record
from alliance.lib.errors import DomainError
from alliance.lib.form_problems import form_problem
from alliance.once.decorators import once_per_submission
from alliance.practice.models import CareEpisode, Client, TherapistProfile
from alliance.practice.services import (
    assign_client,
    create_client,
    create_therapist,
    set_supervisors,
)
from alliance.signals.catalogue import RULES
from alliance.signals.settings_service import (
    field_name,
    request_practice_evaluation,
    rule_rows,
    save_signal_settings,
    settings_for,
)

AUDIT_PAGE_SIZE = 50


@role_required(Role.ADMIN)
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    practice_id = request.practice_id
    open_episodes = CareEpisode.objects.open().select_related("therapist__user")
    clients = (
        Client.objects.filter(practice_id=practice_id)
        .select_related("user")
        .prefetch_related(Prefetch("episodes", queryset=open_episodes, to_attr="open_episodes"))
    )
    therapists = (
        TherapistProfile.objects.filter(practice_id=practice_id)
        .select_related("user")
        .prefetch_related("supervisors")
        .order_by("user__last_name")
    )
    staff = User.objects.filter(
        practice_id=practice_id, role__in=[Role.SUPERVISOR, Role.ADMIN]
    ).order_by("role", "last_name")
    return render(
        request,
        "administration/home.html",
        {"clients": clients, "therapists": therapists, "staff": staff},
    )


@role_required(Role.ADMIN)
def add_therapist(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TherapistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            therapist = create_therapist(
                actor=Actor.from_request(request),
                practice=request.user.practice,  # type: ignore[arg-type]
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["password"],
                modalities=data["modalities"],
                styles=data["styles"],
                languages=data["languages"],
                bio=data["bio"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Added therapist {therapist}.")
            return redirect("administration:home")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "administration/form.html",
        {"form": form, "title": "Add a therapist"},
        status=status,
    )


@role_required(Role.ADMIN)
def add_client(request: AuthenticatedHttpRequest) -> HttpResponse:
    practice_id = request.practice_id
    form = ClientForm(request.POST or None, practice_id=practice_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = Actor.from_request(request)
        try:
            client = create_client(
                actor=actor,
                practice=request.user.practice,  # type: ignore[arg-type]
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                username=data["username"],
                password=data["password"],
            )
            if data["therapist"] is not None:
                assign_client(actor=actor, client=client, therapist=data["therapist"])
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Added client {client}.")
            return redirect("administration:home")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "administration/form.html", {"form": form, "title": "Add a client"}, status=status
    )


@role_required(Role.ADMIN)
def assign(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = get_client_identity_for_admin(request.user, client_id)
    practice_id = request.practice_id
    form = AssignForm(request.POST or None, practice_id=practice_id)
    if request.method == "POST" and form.is_valid():
        try:
            assign_client(
                actor=Actor.from_request(request),
                client=client,
                therapist=form.cleaned_data["therapist"],
                modality=form.cleaned_data["modality"],
                style=form.cleaned_data["style"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, f"{client} is now assigned to {form.cleaned_data['therapist']}."
            )
            return redirect("administration:home")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "administration/form.html",
        {"form": form, "title": f"Assign {client} to a therapist"},
        status=status,
    )


@require_POST
@role_required(Role.ADMIN)
@once_per_submission
def deactivate(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    account = get_account_for_admin(request.user, user_id)
    try:
        deactivate_account(actor=Actor.from_request(request), user=account)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("administration:home")
    messages.success(request, f"Deactivated {account.display_name}; they can no longer sign in.")
    return redirect("administration:home")


@role_required(Role.ADMIN)
def client_audit(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = get_client_identity_for_admin(request.user, client_id)
    # Recorded before the page is read: the paginator counts rows at once but fetches them only
    # when the template renders, so a row written in between would push the oldest row off.
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="audit trail",
        obj=client,
        client=client,
    )
    events = AuditEvent.objects.for_client(client.pk)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "administration/audit.html", {"client": client, "page": page})


@role_required(Role.ADMIN)
def supervisors(request: AuthenticatedHttpRequest, therapist_id: int) -> HttpResponse:
    therapist = get_therapist_for_admin(request.user, therapist_id)
    form = SupervisorsForm(
        # Bound on any POST: unticking every box posts nothing, and that is a valid answer.
        request.POST if request.method == "POST" else None,
        practice_id=request.practice_id,
        initial={"supervisors": list(therapist.supervisors.all())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            set_supervisors(
                actor=Actor.from_request(request),
                therapist=therapist,
                supervisors=list(form.cleaned_data["supervisors"]),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Saved who supervises {therapist}.")
            return redirect("administration:home")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "administration/form.html",
        {"form": form, "title": f"Who supervises {therapist}"},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
@once_per_submission
def signal_rules(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every rule of the signals engine: on or off, and each parameter's value for this practice."""
    if request.method == "POST":
        values = {
            rule.id: {p.name: request.POST.get(field_name(rule, p), "") for p in rule.parameters}
            for rule in RULES
        }
        try:
            save_signal_settings(
                actor=Actor.from_request(request),
                practice=request.user.practice,  # type: ignore[arg-type]
                values=values,
                enabled=request.POST.getlist("enabled"),
            )
        except DomainError as error:
            return form_problem(
                request,
                error.message,
                reverse("administration:signal-rules"),
                back_label="Back to the signal rules",
            )
        messages.success(
            request,
            "Saved. New evidence is evaluated with these rules; re-evaluate the practice to "
            "apply them to what is already recorded.",
        )
        return redirect("administration:signal-rules")
    stored = settings_for(request.practice_id)
    return render(
        request,
        "administration/signal_rules.html",
        {"rows": rule_rows(stored), "stored": stored},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
@once_per_submission
def agreement_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The practice's agreement template: the text and terms every new agreement starts from."""
    practice = request.user.practice
    assert practice is not None  # role_required lets only a practice's admins in
    if request.method == "POST":
        form = AgreementTemplateForm(request.POST)
        if form.is_valid():
            try:
                changed = update_template(
                    actor=Actor.from_request(request),
                    practice=practice,
                    sections=form.sections(),
                    terms=form.terms(),
                    review_every_weeks=form.cleaned_data["review_every_weeks"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    "Saved. Agreements drafted from now on start from this text; agreements "
                    "already drafted keep theirs until their therapist updates them."
                    if changed
                    else "Nothing had changed.",
                )
                return redirect("administration:agreement-template")
        status = 400
    else:
        form = AgreementTemplateForm.from_template(template_for(practice))
        status = 200
    return render(
        request,
        "administration/agreement_template.html",
        {"form": form, "placeholders": PLACEHOLDERS},
        status=status,
    )


@require_POST
@role_required(Role.ADMIN)
@once_per_submission
def signal_evaluate(request: AuthenticatedHttpRequest) -> HttpResponse:
    request_practice_evaluation(
        actor=Actor.from_request(request),
        practice=request.user.practice,  # type: ignore[arg-type]
    )
    messages.success(
        request,
        "Re-evaluation queued: every care episode of the practice is evaluated in the background "
        "in the next few minutes. Nothing changes where nothing is new.",
    )
    return redirect("administration:signal-rules")
