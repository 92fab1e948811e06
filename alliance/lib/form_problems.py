"""Where the "That could not be saved" page leads back to (the page itself is drawn by
alliance/lib/domain_errors.py, which answers every DomainError)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from alliance.lib.domain_errors import problems_lead_back_to


def problems_lead_back_to_client(request: HttpRequest, client_id: int) -> None:
    """A form on the therapist's client page: its problems lead back to that page."""
    problems_lead_back_to(
        request, reverse("clinic:client", args=[client_id]), "Back to the client page"
    )
