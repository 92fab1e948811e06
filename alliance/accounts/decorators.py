"""View guards by role. A page that is not for your role answers 404, as if it did not exist."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django_htmx.middleware import HtmxDetails

from alliance.accounts.models import Role, User
from alliance.lib.return_address import return_address

P = ParamSpec("P")


class AuthenticatedHttpRequest(HttpRequest):
    """The request a role-guarded view receives: a signed-in user who belongs to a practice."""

    user: User
    htmx: HtmxDetails
    # Set by role_required, which lets no practice-less user through. (A property here would
    # never run: this class only describes the request; the real one is a WSGIRequest.)
    practice_id: int


ViewFunc = Callable[Concatenate[AuthenticatedHttpRequest, P], HttpResponse]


def role_required(*roles: Role) -> Callable[[ViewFunc[P]], Callable[..., HttpResponse]]:
    def decorator(view: ViewFunc[P]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                # Back to this page after signing in, or for a form, to the page it was on.
                return redirect_to_login(
                    return_address(request) or resolve_url(settings.LOGIN_REDIRECT_URL)
                )
            if not isinstance(user, User) or user.role not in roles or user.practice_id is None:
                raise Http404("Page not found.")
            request.practice_id = user.practice_id  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)  # type: ignore[arg-type]

        return wrapped

    return decorator
