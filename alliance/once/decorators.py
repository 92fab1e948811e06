"""``@once_per_submission``: a form sent twice is stored once.

Every POST form carries a submission key (``{% form_keys %}``). The decorated view runs inside
one transaction that first inserts the key; the key is the primary key of ``Submission``, so
of two requests with the same key (a double click, a browser retrying), the database lets one
insert it: on PostgreSQL the second waits for the first to commit and is then refused, on
SQLite the write lock puts them in a row. The refused one stores nothing and is sent where the
first was sent. A view that answers with an error (4xx) stores nothing, the key included, so
the person can correct the form and send it again.

A POST without a key (an API client, an old page) is handled as before: the services' own
constraints and row locks still keep the data consistent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from alliance.once.models import Submission

ONCE_FIELD = "once"
# The keys of this person's last saved submissions, kept in the session for the page script.
SAVED_SESSION_KEY = "once_saved"
SAVED_KEPT = 20
SENT_TWICE = "That was sent more than once; it was saved once."

View = Callable[..., HttpResponse]


def submission_key(request: HttpRequest) -> uuid.UUID | None:
    if request.method != "POST":
        return None
    try:
        return uuid.UUID(request.POST.get(ONCE_FIELD, ""))
    except ValueError:
        return None


def once_per_submission(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = submission_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            if not _claim(key, request):
                return _answer_again(request, key)
            response = view(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)
                return response
            _remember(key, response)
        _tell_the_page(request, key)
        return response

    return wrapped


def _claim(key: uuid.UUID, request: HttpRequest) -> bool:
    user = request.user if request.user.is_authenticated else None
    try:
        with transaction.atomic():
            Submission.objects.create(key=key, user=user)
    except IntegrityError:
        return False
    return True


def _remember(key: uuid.UUID, response: HttpResponse) -> None:
    location = response.get("HX-Redirect") or response.get("Location") or ""
    if location:
        Submission.objects.filter(key=key).update(location=location[:500])


def _tell_the_page(request: HttpRequest, key: uuid.UUID) -> None:
    """The next page learns this form was saved, so its draft in the browser is forgotten."""
    session = getattr(request, "session", None)
    if session is None:
        return
    saved = [str(key), *session.get(SAVED_SESSION_KEY, [])]
    session[SAVED_SESSION_KEY] = list(dict.fromkeys(saved))[:SAVED_KEPT]


def _answer_again(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """Where the first request sent the person; a fragment update reloads the page instead."""
    _tell_the_page(request, key)
    first = Submission.objects.filter(key=key).first()
    same_person = first is not None and first.user_id == getattr(request.user, "pk", None)
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    messages.info(request, SENT_TWICE)
    if same_person and first is not None and first.location:
        return redirect(first.location)
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return "/"
