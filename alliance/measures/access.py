"""The only way to fetch a form request for a signed-in person, or for the holder of a link.

A client answers their own client forms; a therapist answers their own self-ratings. Nobody else
answers anyone's form (supervisors and admins get 404, as for anything they may not change).
"""

from __future__ import annotations

from django.core import signing
from django.http import Http404
from django.utils import timezone

from alliance.accounts.models import Role, User
from alliance.measures.models import FormRequest
from alliance.practice.models import EpisodeStatus

LINK_SALT = "alliance.measures.form-link"


def get_form_request_for_user(user: User, request_id: int) -> FormRequest:
    # A form is addressed to one account when it is created (the client's own, or the
    # therapist's for a self-rating), so the check is one indexed lookup: this is on the hot
    # path of every check-in (see bench/checkin_throughput.py).
    roles = {Role.CLIENT: "client", Role.THERAPIST: "therapist"}
    if not user.is_active or user.practice_id is None or user.role not in roles:
        raise Http404("No such form.")
    # Fetched by key and checked here rather than in SQL: each extra ORM filter costs more
    # than the lookup itself, and the answer is the same 404 either way.
    try:
        form_request = FormRequest.objects.get(pk=request_id)
    except FormRequest.DoesNotExist:
        raise Http404("No such form.") from None
    if (
        form_request.respondent_id != user.pk
        or form_request.respondent_role != roles[Role(user.role)]
    ):
        raise Http404("No such form.")
    return form_request


def form_link_token(form_request: FormRequest) -> str:
    # No timestamp in the token: expiry is the form's own ``expires_at``, and the same form
    # always gets the same link (a timestamped token changed every second).
    return signing.Signer(salt=LINK_SALT).sign_object({"form": form_request.pk})


def get_form_request_for_link(token: str) -> FormRequest:
    """The client form a signed link names. Expiry is the form request's own ``expires_at``;
    single use is enforced when answers are stored."""
    try:
        payload = signing.Signer(salt=LINK_SALT).unsign_object(token)
    except signing.BadSignature:
        raise Http404("This link is not valid.") from None
    form_request = (
        FormRequest.objects.select_related("episode__client__user", "episode__therapist__user")
        .filter(pk=payload.get("form"), respondent_role="client")
        .first()
    )
    if form_request is None:
        raise Http404("This link is not valid.")
    return form_request


def why_closed_to_client(form_request: FormRequest) -> str | None:
    """Why a client's form can no longer be answered although it is still pending, or None.

    A deactivated client's emailed links stop working with their account; an episode that has
    ended takes its forms with it (they are withdrawn at the ending: this also covers any that
    were not), except the final measure, offered after the ending on purpose."""
    if form_request.respondent_role != "client":
        return None
    episode = form_request.episode
    account = episode.client.user
    if account is not None and not account.is_active:
        return "The account this form was sent to is no longer active."
    if (
        episode.status == EpisodeStatus.ENDED
        and episode.ended_on is not None
        and timezone.localdate(form_request.created_at) < episode.ended_on
    ):
        return "The work this form belonged to has ended."
    return None
