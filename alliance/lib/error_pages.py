"""Plain error pages: a short explanation and a way home, never a stack trace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alliance.lib.return_address import return_address


def _page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request, "error.html", {"title": title, "message": message, "status": status}, status=status
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400, "Bad request", "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403, "Not allowed", "This action is not allowed for your account.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404, "Not found", "There is nothing here, or it is not yours to see.")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without a valid CSRF token: stale, or sent from another site. What was
    typed is kept in the browser (static/alliance/keep.js): the page it came from shows it."""
    back = return_address(request)
    return render(
        request,
        "error.html",
        {
            "title": "Form expired",
            "message": "Your form expired or came from somewhere else, so nothing was saved. "
            "What you typed is kept on this device: open the page again and send it once more.",
            "status": 403,
            "back": back,
        },
        status=403,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without a request context: whatever broke may also break context processors.
    from django.template import loader

    body = loader.get_template("500.html").render()
    return HttpResponse(body, status=500)
