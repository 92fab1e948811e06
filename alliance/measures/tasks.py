"""Background work for measures: emailing form links to a client who prefers email."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from alliance.measures.access import form_link_token
from alliance.measures.models import FormRequest, FormRequestStatus
from alliance.measures.registry import UnknownInstrument, get_instrument


@task
def email_form_links(form_request_ids: list[int]) -> int:
    """One email with a link per open form; returns how many links were sent (0: none to send)."""
    requests = [
        form_request
        for form_request in FormRequest.objects.select_related(
            "episode__client", "episode__therapist__user"
        ).filter(pk__in=form_request_ids, respondent_role="client")
        if form_request.is_open()
    ]
    if not requests:
        return 0
    client = requests[0].episode.client
    if not client.email or not client.form_links_by_email:
        return 0
    lines = []
    for form_request in requests:
        try:
            title = get_instrument(form_request.instrument_id).title
        except UnknownInstrument:
            continue
        token = form_link_token(form_request)
        lines.append(
            f"- {title}: {settings.BASE_URL}{reverse('measures:answer-by-link', args=[token])}"
        )
    # The email names no clinical detail: only that short forms are waiting, and the links.
    send_mail(
        subject="A short form from your therapist",
        message=(
            f"Hello {client.first_name},\n\n"
            f"{requests[0].episode.therapist} would like your view. Each form takes a minute or two:\n"
            + "\n".join(lines)
            + f"\n\nEach link works once and expires on {requests[0].expires_at:%d %B %Y}.\n"
        ),
        from_email=None,
        recipient_list=[client.email],
    )
    return len(lines)


@task
def expire_overdue_forms() -> int:
    """Periodic: forms nobody answered before they expired are marked expired, so that lists
    of waiting forms say what is true (they could not be answered any more already)."""
    return FormRequest.objects.filter(
        status=FormRequestStatus.PENDING, expires_at__lte=timezone.now()
    ).update(status=FormRequestStatus.EXPIRED)
