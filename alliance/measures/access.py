"""The only way to fetch a form request for a signed-in person, or for the holder of a link.

A client answers their own client forms; a therapist answers their own self-ratings. Nobody else
answers anyone's form (supervisors and admins get 404, as for anything they may not change).
"""

from __future__ import annotations

from django.core import signing
from django.http import Http404

from alliance.accounts.models import Role, User
from alliance.measures.models import FormRequest
from alliance.practice.access import episodes_for_user

LINK_SALT = "alliance.measures.form-link"


def get_form_request_for_user(user: User, request_id: int) -> FormRequest:
    if user.role == Role.CLIENT:
        respondent = "client"
    elif user.role == Role.THERAPIST:
        respondent = "therapist"
    else:
        raise Http404("No such form.")
    form_request = (
        FormRequest.objects.select_related("episode__client", "episode__therapist__user")
        .filter(
            pk=request_id,
            respondent_role=respondent,
            episode__in=episodes_for_user(user, for_change=user.role == Role.THERAPIST),
        )
        .first()
    )
    if form_request is None:
        raise Http404("No such form.")
    return form_request


def form_link_token(form_request: FormRequest) -> str:
    return signing.dumps({"form": form_request.pk}, salt=LINK_SALT, compress=False)


def get_form_request_for_link(token: str) -> FormRequest:
    """The client form a signed link names. Expiry is the form request's own ``expires_at``;
    single use is enforced when answers are stored."""
    try:
        payload = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        raise Http404("This link is not valid.") from None
    form_request = (
        FormRequest.objects.select_related("episode__client", "episode__therapist__user")
        .filter(pk=payload.get("form"), respondent_role="client")
        .first()
    )
    if form_request is None:
        raise Http404("This link is not valid.")
    return form_request
