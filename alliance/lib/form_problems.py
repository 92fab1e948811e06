"""The one answer to a form that cannot be saved: a 400 page with the reason and a way back."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse


def form_problem(
    request: HttpRequest, message: str, back_url: str, back_label: str = "Go back"
) -> HttpResponse:
    return render(
        request,
        "form_problem.html",
        {"message": message, "back_url": back_url, "back_label": back_label},
        status=400,
    )


def client_page_problem(request: HttpRequest, client_id: int, message: str) -> HttpResponse:
    """A problem with a form on the therapist's client page: back to that page."""
    return form_problem(
        request,
        message,
        reverse("clinic:client", args=[client_id]),
        back_label="Back to the client page",
    )
