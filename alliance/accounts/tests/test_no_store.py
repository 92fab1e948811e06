"""Signed-in answers are never cached; anonymous ones are left as the view made them
(every signed-in URL is checked in test_access_matrix.py)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from alliance.accounts.middleware import NoStoreForSignedInMiddleware


def _answer(request: HttpRequest) -> HttpResponse:
    return HttpResponse("page")


def test_an_anonymous_page_keeps_its_own_caching(db):
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    response = NoStoreForSignedInMiddleware(_answer)(request)
    assert "Cache-Control" not in response.headers


def test_a_signed_in_page_is_no_store_and_private(personas):
    request = RequestFactory().get("/somewhere/")
    request.user = personas.chris
    response = NoStoreForSignedInMiddleware(_answer)(request)
    for directive in ("no-store", "private", "no-cache", "max-age=0"):
        assert directive in response["Cache-Control"], directive


def test_signing_out_answers_no_store_too(signed_in):
    response = signed_in("dana").post(reverse("accounts:logout"))
    assert "no-store" in response["Cache-Control"]
