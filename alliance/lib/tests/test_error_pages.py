"""Errors answer with a plain page and the right status: no stack trace, no Django debug page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

NOTHING_HERE = b"There is nothing here, or it is not yours to see."


def without_tokens(page: bytes) -> bytes:
    """The page without what differs on every response: the CSRF token and the CSP nonce."""
    return re.sub(rb'(X-CSRFToken": "|csrfmiddlewaretoken" value="|nonce=")[^"]+"', rb"\1", page)


def test_debug_is_off_in_tests_as_in_production():
    assert settings.DEBUG is False


@pytest.mark.parametrize(
    "url",
    [
        "/clinic/clients/999999/",
        "/clinic/clients/99999999999999999999999/",
        "/clinic/supervision/therapists/999999/",
        "/no/such/page/",
    ],
)
def test_a_missing_page_answers_404_with_the_plain_error_page(signed_in, personas, url):
    name = "sam" if "supervision" in url else "dana"

    response = signed_in(name).get(url)

    assert response.status_code == 404
    assert NOTHING_HERE in response.content
    assert b"Traceback" not in response.content
    assert b"Page not found at" not in response.content  # Django's debug 404


def test_a_client_page_of_someone_else_looks_exactly_like_a_missing_one(signed_in, personas):
    olga = signed_in("olga")

    missing = olga.get(reverse("clinic:client", kwargs={"client_id": 999999}))
    hidden = olga.get(reverse("clinic:client", kwargs={"client_id": personas.chris_client.pk}))

    assert missing.status_code == hidden.status_code == 404
    assert without_tokens(missing.content) == without_tokens(hidden.content)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("clinic:episode-phase", {"episode_id": 1}),
        ("clinic:appointment-attendance", {"appointment_id": 1}),
        ("administration:reactivate", {"user_id": 1}),
        ("accounts:logout", {}),
    ],
)
@pytest.mark.parametrize("persona", ["anonymous", "dana", "alex"])
def test_a_get_on_a_post_only_url_answers_405(signed_in, personas, name, kwargs, persona):
    response = signed_in(persona).get(reverse(name, kwargs=kwargs))

    assert response.status_code == 405
    assert response["Allow"] == "POST" or "POST" in response["Allow"]


def test_an_unexpected_error_answers_500_with_the_plain_page(signed_in, personas, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database caught fire")

    monkeypatch.setattr("alliance.clinic.views.supervision_overview", broken)
    sam = signed_in("sam")
    sam.raise_request_exception = False

    response = sam.get(reverse("clinic:supervision"))

    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"caught fire" not in response.content
