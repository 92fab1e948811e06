"""Agreement pages: the therapist's (read, edit, compare, review), the supervisor's read-only
view, and the client's own agreement and crisis procedure in the portal."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from alliance.accounts.decorators import AuthenticatedHttpRequest, role_required
from alliance.accounts.models import Role
from alliance.agreements.access import (
    get_agreement_for_user,
    get_own_agreement,
    get_version_for_user,
)
from alliance.agreements.crisis import crisis_procedure
from alliance.agreements.diff import SectionDiff, diff_versions
from alliance.agreements.forms import AgreementForm
from alliance.agreements.models import Agreement, AgreementVersion
from alliance.agreements.sections import SECTION_KEYS, SECTION_TITLES, unfilled
from alliance.agreements.services import (
    acknowledge,
    draft_agreement,
    mark_reviewed,
    review_due,
    save_version,
    share_agreement,
)
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.domain_errors import cleaned, problems_lead_back_to, show_problems_on
from alliance.lib.errors import DomainError
from alliance.lib.form_problems import problems_lead_back_to_client
from alliance.once.decorators import once_per_submission
from alliance.practice.access import get_episode_for_user, get_own_client_record


def _sections(version: AgreementVersion) -> list[tuple[str, str, str]]:
    return [(key, SECTION_TITLES[key], version.sections.get(key, "")) for key in SECTION_KEYS]


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def draft(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for_user(request.user, episode_id, for_change=True)
    existing = Agreement.objects.filter(episode=episode).first()
    if existing is not None:
        return redirect("agreements:detail", agreement_id=existing.pk)
    problems_lead_back_to_client(request, episode.client_id)
    agreement = draft_agreement(actor=Actor.from_request(request), episode=episode)
    messages.success(
        request,
        "Agreement drafted from the practice template. It is a draft: your client sees it only "
        "once you share it. Edit it together first.",
    )
    return redirect("agreements:edit", agreement_id=agreement.pk)


def _compare(
    request: AuthenticatedHttpRequest, versions: list[AgreementVersion]
) -> tuple[list[SectionDiff], AgreementVersion | None, AgreementVersion | None]:
    if "from" not in request.GET and "to" not in request.GET:
        return [], None, None
    by_number = {str(version.number): version for version in versions}
    old, new = by_number.get(request.GET.get("from", "")), by_number.get(request.GET.get("to", ""))
    if old is None or new is None:
        raise DomainError("Choose two versions of this agreement to compare.")
    return diff_versions(old, new), old, new


@role_required(Role.THERAPIST, Role.SUPERVISOR)
def detail(request: AuthenticatedHttpRequest, agreement_id: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, agreement_id)
    versions = list(
        agreement.versions.select_related("created_by").prefetch_related("acknowledgements")
    )
    current = versions[-1]
    back = reverse("clinic:client", args=[agreement.episode.client_id])
    problems_lead_back_to(request, request.path, "Go back")
    diffs, old, new = _compare(request, versions)
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="therapy agreement",
        obj=agreement,
        client_id=agreement.episode.client_id,
    )
    return render(
        request,
        "agreements/detail.html",
        {
            "agreement": agreement,
            "episode": agreement.episode,
            "current": current,
            "sections": _sections(current),
            "versions": list(reversed(versions)),
            "reviews": list(agreement.reviews.select_related("reviewed_by", "version")),
            "due": review_due(agreement, timezone.localdate()),
            "can_change": request.user.role == Role.THERAPIST,
            "diffs": diffs,
            "any_changes": any(diff.changed for diff in diffs),
            "diff_from": old,
            "diff_to": new,
            "back": back,
            "unfilled": unfilled(current.sections),
        },
    )


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def share(request: AuthenticatedHttpRequest, agreement_id: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, agreement_id, for_change=True)
    problems_lead_back_to(
        request, reverse("agreements:detail", args=[agreement.pk]), "Back to the agreement"
    )
    share_agreement(actor=Actor.from_request(request), agreement=agreement)
    messages.success(
        request,
        f"Shared: {agreement.episode.client.first_name} can now read the agreement and "
        "acknowledge it in their portal.",
    )
    return redirect("agreements:detail", agreement_id=agreement.pk)


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
@once_per_submission
def edit(request: AuthenticatedHttpRequest, agreement_id: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, agreement_id, for_change=True)
    current = agreement.versions.order_by("-number").first()
    assert current is not None
    context = {"agreement": agreement, "episode": agreement.episode, "current": current}
    if request.method != "POST":
        form = AgreementForm.from_version(current)
        return render(request, "agreements/edit.html", {**context, "form": form})
    form = AgreementForm(request.POST)
    show_problems_on(request, form, "agreements/edit.html", context)
    data = cleaned(form)
    version = save_version(
        actor=Actor.from_request(request),
        agreement=agreement,
        sections=form.sections(),
        terms=form.terms(),
        note=data["note"],
    )
    messages.success(request, f"Saved as version {version.number}.")
    return redirect("agreements:detail", agreement_id=agreement.pk)


@require_POST
@role_required(Role.THERAPIST)
@once_per_submission
def reviewed(request: AuthenticatedHttpRequest, agreement_id: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, agreement_id, for_change=True)
    mark_reviewed(
        actor=Actor.from_request(request),
        agreement=agreement,
        note=request.POST.get("note", "")[:2000],
    )
    messages.success(request, "Review recorded: the agreement stays as it is.")
    return redirect("agreements:detail", agreement_id=agreement.pk)


@role_required(Role.CLIENT)
def own_agreement(request: AuthenticatedHttpRequest) -> HttpResponse:
    client = get_own_client_record(request.user)
    agreement = get_own_agreement(request.user)
    context: dict[str, object] = {"client": client, "agreement": agreement}
    if agreement is not None:
        current = agreement.versions.order_by("-number").first()
        assert current is not None
        context |= {
            "current": current,
            "sections": _sections(current),
            "acknowledgement": current.acknowledgements.filter(user=request.user).first(),
        }
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="own therapy agreement",
        obj=agreement,
        client=client,
    )
    return render(request, "agreements/own.html", context)


@require_POST
@role_required(Role.CLIENT)
@once_per_submission
def acknowledge_version(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    version = get_version_for_user(request.user, version_id)
    problems_lead_back_to(request, reverse("agreements:own"), "Go back")
    acknowledge(actor=Actor.from_request(request), version=version)
    messages.success(request, "Thank you: your agreement is recorded.")
    return redirect("agreements:own")


@role_required(Role.CLIENT)
def crisis(request: AuthenticatedHttpRequest) -> HttpResponse:
    client = get_own_client_record(request.user)
    agreement = get_own_agreement(request.user)
    procedure = crisis_procedure(agreement, client.practice)
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="crisis procedure",
        obj=agreement,
        client=client,
    )
    return render(
        request,
        "agreements/crisis.html",
        {"text": procedure.text, "agreed": procedure.agreed},
    )
