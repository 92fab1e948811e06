"""The therapist's page to end a care episode: a reason, a confirmation, an ending summary
for the client, and a final outcome measure offered (if the client consents to measures)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from alliance.accounts.decorators import AuthenticatedHttpRequest, role_required
from alliance.accounts.models import Role
from alliance.audit.services import Actor
from alliance.lib.domain_errors import cleaned, show_problems_on
from alliance.lib.errors import DomainError
from alliance.measures.definitions import HEADLINE_OUTCOME_ID
from alliance.measures.registry import get_instrument
from alliance.measures.services import offer_final_measure
from alliance.once.decorators import once_per_submission
from alliance.practice.access import get_episode_for_user
from alliance.practice.consents import without_consent
from alliance.practice.forms import EndEpisodeForm
from alliance.practice.models import ConsentKind
from alliance.practice.services import end_episode_by_therapist

TEMPLATE = "clinic/end_episode.html"


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
@once_per_submission
def end_episode(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for_user(request.user, episode_id, for_change=True)
    if not episode.is_open:
        raise DomainError("This care episode has already ended.")
    no_measures = without_consent(episode.client, ConsentKind.MEASUREMENT)
    form = EndEpisodeForm(request.POST or None, initial={"final_measure": not no_measures})
    if no_measures:
        form.fields["final_measure"].disabled = True
    context = {
        "episode": episode,
        "client": episode.client,
        "form": form,
        "without_measures": no_measures,
        "final_measure": get_instrument(HEADLINE_OUTCOME_ID).title,
    }
    if request.method != "POST":
        return render(request, TEMPLATE, context)
    show_problems_on(request, form, TEMPLATE, context)
    data = cleaned(form)
    actor = Actor.from_request(request)
    end_episode_by_therapist(
        actor=actor, episode=episode, reason=form.reason_value(), summary=data["summary"]
    )
    offered = bool(data["final_measure"]) and not no_measures
    if offered:
        offer_final_measure(actor=actor, episode=episode)
    messages.success(
        request,
        "The episode has ended."
        + (" A final measure is waiting for the client." if offered else ""),
    )
    return redirect("clinic:client", client_id=episode.client_id)
