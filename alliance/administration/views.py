"""Pages for the practice admin: accounts, assignments, a client's audit trail, the practice's
agreement template and its signal rules.

Nothing here shows clinical content: an admin sees who is whose client, not what happens between them.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from alliance.accounts.decorators import AuthenticatedHttpRequest, role_required
from alliance.accounts.models import Role, User
from alliance.accounts.services import deactivate_account, reactivate_account
from alliance.administration.access import (
    get_account_for_admin,
    get_client_identity_for_admin,
    get_reestimation_for_admin,
    get_therapist_for_admin,
)
from alliance.administration.forms import AssignForm, SupervisorsForm, TherapistForm
from alliance.administration.lists import (
    PeopleFilter,
    PeopleFilterForm,
    filter_clients,
    filter_staff,
    filter_therapists,
)
from alliance.agreements.forms import AgreementTemplateForm
from alliance.agreements.sections import PLACEHOLDERS
from alliance.agreements.services import template_for, update_template
from alliance.audit.models import AuditAction, AuditEvent
from alliance.audit.services import Actor, record
from alliance.audit.wording import neutral_action
from alliance.lib.domain_errors import cleaned, problems_lead_back_to, show_problems_on
from alliance.lib.errors import DomainError
from alliance.once.decorators import once_per_submission
from alliance.practice.models import CareEpisode, Client, TherapistProfile
from alliance.practice.services import (
    assign_client,
    create_therapist,
    set_supervisors,
)
from alliance.signals.catalogue import RULES
from alliance.signals.dropout_model import DropoutModel
from alliance.signals.models import Reestimation
from alliance.signals.reestimate import MIN_EACH, MIN_ENDINGS, PRIOR_EPISODES, enough_endings
from alliance.signals.reestimate_service import (
    adopt_reestimated,
    current_model,
    endings_count,
    model_rows,
    reestimate_from_endings,
    restore_shipped_dropout_model,
    threshold_rows,
)
from alliance.signals.settings_service import (
    field_name,
    request_practice_evaluation,
    rule_rows,
    save_signal_settings,
    settings_for,
)

AUDIT_PAGE_SIZE = 50
FORM_TEMPLATE = "administration/form.html"


@role_required(Role.ADMIN)
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    practice_id = request.practice_id
    in_practice = (
        TherapistProfile.objects.filter(practice_id=practice_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    problems_lead_back_to(request, reverse("administration:home"), "Show everyone")
    form = PeopleFilterForm(request.GET, therapists=list(in_practice))
    chosen = PeopleFilter.from_form(cleaned(form))
    open_episodes = CareEpisode.objects.open().select_related("therapist__user")
    clients = filter_clients(
        Client.objects.filter(practice_id=practice_id)
        .select_related("user")
        .prefetch_related(Prefetch("episodes", queryset=open_episodes, to_attr="open_episodes")),
        chosen,
    )
    # Therapists are listed unless the search asks only for clients of one of them.
    shown_therapists = (
        []
        if chosen.therapist
        else filter_therapists(in_practice.prefetch_related("supervisors"), chosen)
    )
    staff = (
        []
        if chosen.therapist
        else filter_staff(
            User.objects.filter(practice_id=practice_id, role__in=[Role.SUPERVISOR, Role.ADMIN]),
            chosen,
        ).order_by("role", "last_name")
    )
    return render(
        request,
        "administration/home.html",
        {
            "clients": clients,
            "therapists": shown_therapists,
            "staff": staff,
            "filter_form": form,
            "filtering": chosen.active,
        },
    )


def _form_page(
    request: AuthenticatedHttpRequest, form: forms.BaseForm, title: str
) -> HttpResponse | None:
    """The admin's form page: drawn for a GET (returned), and for a POST the page a problem is
    shown on (``None``: the view goes on with the cleaned data)."""
    context = {"form": form, "title": title}
    if request.method != "POST":
        return render(request, FORM_TEMPLATE, context)
    show_problems_on(request, form, FORM_TEMPLATE, context)
    return None


@role_required(Role.ADMIN)
@once_per_submission
def add_therapist(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TherapistForm(request.POST or None)
    if (page := _form_page(request, form, "Add a therapist")) is not None:
        return page
    data = cleaned(form)
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
    messages.success(request, f"Added therapist {therapist}.")
    return redirect("administration:home")


@role_required(Role.ADMIN)
@once_per_submission
def assign(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = get_client_identity_for_admin(request.user, client_id)
    form = AssignForm(request.POST or None, practice_id=request.practice_id)
    if (page := _form_page(request, form, f"Assign {client} to a therapist")) is not None:
        return page
    data = cleaned(form)
    assign_client(
        actor=Actor.from_request(request),
        client=client,
        therapist=data["therapist"],
        modality=data["modality"],
        style=data["style"],
    )
    messages.success(request, f"{client} is now assigned to {data['therapist']}.")
    return redirect("administration:home")


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
@once_per_submission
def deactivate(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """A GET asks for confirmation (nothing happens in one click); the POST deactivates."""
    account = get_account_for_admin(request.user, user_id)
    if request.method != "POST":
        return render(request, "administration/deactivate.html", {"account": account})
    problems_lead_back_to(request, reverse("administration:home"), "Back to practice admin")
    deactivate_account(
        actor=Actor.from_request(request),
        user=account,
        reason=request.POST.get("reason", "")[:500],
    )
    messages.success(
        request,
        f"Deactivated {account.display_name}; they can no longer sign in. "
        "Reactivate the account to undo this.",
    )
    return redirect("administration:home")


@require_POST
@role_required(Role.ADMIN)
@once_per_submission
def reactivate(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    account = get_account_for_admin(request.user, user_id)
    problems_lead_back_to(request, reverse("administration:home"), "Back to practice admin")
    reactivate_account(actor=Actor.from_request(request), user=account)
    messages.success(request, f"Reactivated {account.display_name}; they can sign in again.")
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
    # Neutral words only: what was read or changed is itself clinical (alliance/audit/wording.py).
    rows = [(event, neutral_action(event)) for event in page]
    return render(
        request, "administration/audit.html", {"client": client, "page": page, "rows": rows}
    )


@role_required(Role.ADMIN)
@once_per_submission
def supervisors(request: AuthenticatedHttpRequest, therapist_id: int) -> HttpResponse:
    therapist = get_therapist_for_admin(request.user, therapist_id)
    form = SupervisorsForm(
        # Bound on any POST: unticking every box posts nothing, and that is a valid answer.
        request.POST if request.method == "POST" else None,
        practice_id=request.practice_id,
        initial={"supervisors": list(therapist.supervisors.all())},
    )
    if (page := _form_page(request, form, f"Who supervises {therapist}")) is not None:
        return page
    set_supervisors(
        actor=Actor.from_request(request),
        therapist=therapist,
        supervisors=list(cleaned(form)["supervisors"]),
    )
    messages.success(request, f"Saved who supervises {therapist}.")
    return redirect("administration:home")


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
        problems_lead_back_to(
            request, reverse("administration:signal-rules"), "Back to the signal rules"
        )
        save_signal_settings(
            actor=Actor.from_request(request),
            practice=request.user.practice,  # type: ignore[arg-type]
            values=values,
            enabled=request.POST.getlist("enabled"),
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
    template = "administration/agreement_template.html"
    if request.method != "POST":
        form = AgreementTemplateForm.from_template(template_for(practice))
        return render(request, template, {"form": form, "placeholders": PLACEHOLDERS})
    form = AgreementTemplateForm(request.POST)
    show_problems_on(request, form, template, {"placeholders": PLACEHOLDERS})
    data = cleaned(form)
    changed = update_template(
        actor=Actor.from_request(request),
        practice=practice,
        sections=form.sections(),
        terms=form.terms(),
        review_every_weeks=data["review_every_weeks"],
    )
    messages.success(
        request,
        "Saved. Agreements drafted from now on start from this text; agreements "
        "already drafted keep theirs until their therapist updates them."
        if changed
        else "Nothing had changed.",
    )
    return redirect("administration:agreement-template")


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


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
@once_per_submission
def signal_reestimate(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The dropout model and rupture thresholds re-estimated on the practice's own endings,
    beside the defaults and the values in force; a POST re-estimates (nothing is adopted)."""
    practice_id = request.practice_id
    if request.method == "POST":
        problems_lead_back_to(
            request, reverse("administration:signal-reestimate"), "Back to the re-estimation"
        )
        reestimate_from_endings(
            actor=Actor.from_request(request),
            practice=request.user.practice,  # type: ignore[arg-type]
        )
        messages.success(request, "Re-estimated. Compare, then adopt or leave it.")
        return redirect("administration:signal-reestimate")
    latest = Reestimation.objects.filter(practice_id=practice_id).select_related("adopted_by")
    proposal = latest.first()
    planned, dropouts = endings_count(practice_id)
    context = {
        "proposal": proposal,
        "planned": planned,
        "dropouts": dropouts,
        "min_endings": MIN_ENDINGS,
        "min_each": MIN_EACH,
        "enough_endings": enough_endings(planned, dropouts),
        "prior_episodes": f"{PRIOR_EPISODES:g}",
        "model_is_own": current_model(practice_id)
        .provenance.get("fitted_on", "")
        .startswith("the practice"),
    }
    if proposal is not None:
        proposed = DropoutModel.from_dict(proposal.proposal["dropout_model"])
        context["model_rows"] = model_rows(current_model(practice_id), proposed)
        context["threshold_rows"] = threshold_rows(
            practice_id, proposal.proposal.get("thresholds") or {}
        )
    return render(request, "administration/signal_reestimate.html", context)


@require_POST
@role_required(Role.ADMIN)
@once_per_submission
def signal_adopt(request: AuthenticatedHttpRequest, reestimation_id: int) -> HttpResponse:
    reestimation = get_reestimation_for_admin(request.user, reestimation_id)
    problems_lead_back_to(
        request, reverse("administration:signal-reestimate"), "Back to the re-estimation"
    )
    adopt_reestimated(
        actor=Actor.from_request(request),
        practice=request.user.practice,  # type: ignore[arg-type]
        reestimation=reestimation,
    )
    messages.success(
        request,
        "Adopted. New evidence is evaluated with these values; re-evaluate the practice to "
        "apply them to what is already recorded.",
    )
    return redirect("administration:signal-reestimate")


@require_POST
@role_required(Role.ADMIN)
@once_per_submission
def signal_restore_model(request: AuthenticatedHttpRequest) -> HttpResponse:
    problems_lead_back_to(
        request, reverse("administration:signal-reestimate"), "Back to the re-estimation"
    )
    if request.POST.get("confirm") != "yes":
        raise DomainError(
            "Tick the box to confirm: the dropout risk then stops using this practice's own "
            "coefficients."
        )
    restore_shipped_dropout_model(
        actor=Actor.from_request(request),
        practice=request.user.practice,  # type: ignore[arg-type]
    )
    messages.success(request, "The dropout risk uses the shipped coefficients again.")
    return redirect("administration:signal-reestimate")
