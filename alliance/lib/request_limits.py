"""Refuse a request body over the limit before anything reads it.

The first middleware: it looks only at the ``Content-Length`` header, so an oversized body is
never read, parsed or spooled to a temporary file, whoever sends it (signed in or not). A body
without a length (chunked) is not read by Django at all. The limit is
``ALLIANCE_MAX_REQUEST_MB`` (settings.MAX_REQUEST_BYTES); a reverse proxy in front should
enforce the same (README, operator's guide).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FHIR_PREFIX = "/fhir/"


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(declared)
        except ValueError:
            return _refuse(request, 400, "The request's Content-Length is not a number.")
        if length < 0:
            return _refuse(request, 400, "The request's Content-Length is negative.")
        if length > settings.MAX_REQUEST_BYTES:
            return _refuse(
                request,
                413,
                f"The request is {_megabytes(length)}; the limit is "
                f"{_megabytes(settings.MAX_REQUEST_BYTES)}. Nothing was stored.",
            )
        return self.get_response(request)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path.startswith(FHIR_PREFIX):
        outcome = {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": "too-costly", "diagnostics": message}],
        }
        return HttpResponse(
            json.dumps(outcome), status=status, content_type="application/fhir+json"
        )
    title = "Too large" if status == 413 else "Bad request"
    return render(
        request, "error.html", {"title": title, "message": message, "status": status}, status=status
    )
