"""The FHIR REST API: Questionnaires (the instruments) and QuestionnaireResponses (the answers).

Every answer is ``application/fhir+json``, errors included (an ``OperationOutcome``). A caller
is a signed-in browser session or a program presenting ``Authorization: Bearer <token>``; the
latter is exempt from CSRF (a browser never adds that header on its own), the former is not.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from alliance.accounts.models import User
from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.fhir.access import (
    get_episode_for_submission,
    get_response_for_user,
    responses_for_user,
)
from alliance.fhir.fhir import (
    BundleEntry,
    FhirInputError,
    Resource,
    UnknownQuestionnaire,
    answers_from_questionnaire_response,
    instrument_for_canonical,
    item_expression,
    observations_for,
    operation_outcome,
    parse_questionnaire_response,
    questionnaire_resource,
    questionnaire_response_resource,
    searchset_bundle,
)
from alliance.fhir.tokens import authenticate_token
from alliance.lib.errors import DomainError
from alliance.measures.definitions import Instrument
from alliance.measures.models import MeasureResponse, ResponseSource
from alliance.measures.registry import UnknownInstrument, all_instruments, get_instrument
from alliance.measures.scoring import AnswerError
from alliance.measures.services import submit_response
from alliance.practice.access import get_client_for_user
from alliance.practice.models import CareEpisode

logger = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PATIENT_REFERENCE = re.compile(r"^Patient/([1-9][0-9]{0,17})$")
# A search parameter of type reference may also be the bare id (FHIR search, 3.2.1.5.7).
PATIENT_SEARCH = re.compile(r"^(?:Patient/)?([1-9][0-9]{0,17})$")
REVINCLUDE_OBSERVATIONS = {"Observation:derived-from", "*"}
# Clocks differ a little between an EHR and this server; beyond this, "authored" is refused.
CLOCK_SKEW = timedelta(minutes=5)

P = ParamSpec("P")


class ApiRequest(HttpRequest):
    """The request an API view receives: someone authenticated, by session or by token."""

    user: User


ApiView = Callable[Concatenate[ApiRequest, P], HttpResponse]


# --- Responses -------------------------------------------------------------------------------------


def fhir_json(
    resource: Resource, *, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    return HttpResponse(
        json.dumps(resource, ensure_ascii=False),
        content_type=FHIR_JSON,
        status=status,
        headers=headers,
    )


def outcome(
    status: int,
    issues: list[tuple[str, str]] | str,
    *,
    code: str = "invalid",
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    issue_list = [("", issues)] if isinstance(issues, str) else issues
    return fhir_json(operation_outcome(issue_list, code=code), status=status, headers=headers)


# --- Authentication and the error boundary ---------------------------------------------------------


def _authenticate(request: HttpRequest) -> tuple[User | None, bool]:
    """(user, by_token). A request carrying an Authorization header is judged by it alone."""
    header = request.headers.get("Authorization")
    if header is not None:
        return authenticate_token(header), True
    user = request.user
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        return user, False
    return None, False


def _csrf_protected(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    raise AssertionError


def _passes_csrf(request: HttpRequest) -> bool:
    # The view is csrf_exempt so that token callers need no CSRF token; session callers get the
    # same check CsrfViewMiddleware would have made, run here by hand.
    checker = CsrfViewMiddleware(_csrf_protected)
    return checker.process_view(request, _csrf_protected, (), {}) is None


def fhir_endpoint(*methods: str) -> Callable[[ApiView[P]], Callable[..., HttpResponse]]:
    """Authentication, CSRF for sessions, and every error as an OperationOutcome."""

    def decorator(view: ApiView[P]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            response = _guarded(view, request, methods, *args, **kwargs)
            add_never_cache_headers(response)  # clinical data: no copies in caches
            patch_vary_headers(response, ["Authorization", "Cookie"])
            return response

        return csrf_exempt(wrapped)

    return decorator


def _guarded(
    view: Callable[..., HttpResponse],
    request: HttpRequest,
    methods: tuple[str, ...],
    *args: Any,
    **kwargs: Any,
) -> HttpResponse:
    if request.method not in methods:
        allowed = ", ".join(methods)
        return outcome(
            405, f"Use {allowed} here.", code="not-supported", headers={"Allow": allowed}
        )
    user, by_token = _authenticate(request)
    if user is None:
        message = (
            "The API token is missing, not valid, or revoked."
            if by_token
            else "Sign in, or send Authorization: Bearer <token>."
        )
        return outcome(
            401, message, code="login", headers={"WWW-Authenticate": 'Bearer realm="alliance"'}
        )
    if not by_token and request.method not in SAFE_METHODS and not _passes_csrf(request):
        return outcome(
            403, "CSRF check failed: send the CSRF token, or use an API token.", code="security"
        )
    request.user = user
    try:
        return view(request, *args, **kwargs)
    except Http404 as error:
        return outcome(404, str(error) or "Not found.", code="not-found")
    except PermissionDenied as error:
        return outcome(403, str(error) or "Not allowed.", code="forbidden")
    except FhirInputError as error:
        return outcome(400, error.issues)
    except DomainError as error:  # what the rules do not allow: every endpoint, in one place
        return outcome(422, error.message, code="business-rule")
    except RequestDataTooBig:
        return outcome(413, "The request body is too large.", code="too-costly")
    except Exception:
        logger.exception("FHIR API error on %s %s", request.method, request.path)
        return outcome(500, "Something went wrong on the server.", code="exception")


# --- Questionnaire ---------------------------------------------------------------------------------


@fhir_endpoint("GET")
def questionnaires(request: ApiRequest) -> HttpResponse:
    entries = [
        BundleEntry(
            request.build_absolute_uri(reverse("fhir:questionnaire", args=[instrument.id])),
            questionnaire_resource(instrument),
        )
        for instrument in all_instruments()
    ]
    return fhir_json(searchset_bundle(request.build_absolute_uri(), entries))


@fhir_endpoint("GET")
def questionnaire(request: ApiRequest, questionnaire_id: str) -> HttpResponse:
    try:
        instrument = get_instrument(questionnaire_id)
    except UnknownInstrument:
        raise Http404(f"No Questionnaire {questionnaire_id!r}.") from None
    return fhir_json(questionnaire_resource(instrument))


# --- QuestionnaireResponse -------------------------------------------------------------------------


def _response_url(request: HttpRequest, response: MeasureResponse) -> str:
    return request.build_absolute_uri(reverse("fhir:questionnaire-response", args=[response.pk]))


def _subject_client_id(value: str | None, expression: str, pattern: re.Pattern[str]) -> int:
    match = pattern.match((value or "").strip())
    if match is None:
        raise FhirInputError([(expression, "Name the patient as Patient/<id>.")])
    return int(match.group(1))


@fhir_endpoint("GET", "POST")
def questionnaire_responses(request: ApiRequest) -> HttpResponse:
    if request.method == "POST":
        return _create_response(request)
    return _search_responses(request)


def _search_responses(request: ApiRequest) -> HttpResponse:
    client_id = _subject_client_id(request.GET.get("subject"), "subject", PATIENT_SEARCH)
    client = get_client_for_user(request.user, client_id)
    responses = responses_for_user(request.user).filter(client=client)
    if request.GET.get("questionnaire"):
        instrument = instrument_for_canonical(request.GET["questionnaire"])
        responses = responses.filter(instrument_id=instrument.id)
    found = list(responses.order_by("submitted_at", "id"))
    entries = [
        BundleEntry(_response_url(request, response), questionnaire_response_resource(response))
        for response in found
    ]
    if set(request.GET.getlist("_revinclude")) & REVINCLUDE_OBSERVATIONS:
        # Observations have no endpoint of their own yet; their URLs follow the FHIR pattern.
        base = request.build_absolute_uri(reverse("fhir:questionnaires")).removesuffix(
            "Questionnaire"
        )
        entries += [
            BundleEntry(f"{base}Observation/{observation['id']}", observation, mode="include")
            for response in found
            for observation in observations_for(response)
        ]
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="FHIR questionnaire responses",
        obj=client,
        client=client,
        detail={"count": len(found)},
    )
    return fhir_json(searchset_bundle(request.build_absolute_uri(), entries))


@fhir_endpoint("GET")
def questionnaire_response(request: ApiRequest, response_id: int) -> HttpResponse:
    response = get_response_for_user(request.user, response_id)
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="FHIR questionnaire response",
        obj=response,
        client=response.client,
    )
    return fhir_json(questionnaire_response_resource(response))


def _parse_body(request: HttpRequest) -> object:
    try:
        return json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FhirInputError([("", f"The body is not valid JSON: {error}.")]) from None


def _authored(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise FhirInputError(
            [("QuestionnaireResponse.authored", "Give a date and time with a time zone.")]
        )
    if value > timezone.now() + CLOCK_SKEW:
        raise FhirInputError([("QuestionnaireResponse.authored", "This time is in the future.")])
    return value


@dataclass(frozen=True)
class _Posted:
    """A posted QuestionnaireResponse, checked and ready for ``submit_response``."""

    instrument: Instrument
    episode: CareEpisode
    raw_answers: dict[str, object]
    submitted_at: datetime | None
    external_key: str | None


def _read_posted(request: ApiRequest) -> _Posted:
    """Parse and check in the order that tells a caller least about what they may not see:
    shape, questionnaire, then access to the patient, then the answers."""
    model = parse_questionnaire_response(_parse_body(request))
    if model.status != "completed":
        raise FhirInputError(
            [("QuestionnaireResponse.status", "Only completed responses are accepted.")]
        )
    if not model.questionnaire:
        raise FhirInputError([("QuestionnaireResponse.questionnaire", "Name the questionnaire.")])
    instrument = instrument_for_canonical(model.questionnaire)
    subject = model.subject.reference if model.subject is not None else None
    client_id = _subject_client_id(subject, "QuestionnaireResponse.subject", PATIENT_REFERENCE)
    episode = get_episode_for_submission(request.user, client_id, instrument)
    raw_answers = answers_from_questionnaire_response(instrument, model)
    external_key = (model.identifier.value or None) if model.identifier is not None else None
    if external_key is not None and len(external_key) > 200:
        raise FhirInputError(
            [("QuestionnaireResponse.identifier.value", "At most 200 characters.")]
        )
    return _Posted(instrument, episode, raw_answers, _authored(model.authored), external_key)


def _create_response(request: ApiRequest) -> HttpResponse:
    try:
        posted = _read_posted(request)
    except UnknownQuestionnaire as error:
        return outcome(422, error.issues, code="not-supported")
    if posted.external_key is not None:
        existing = (
            MeasureResponse.objects.select_related("episode")
            .filter(external_key=posted.external_key)
            .first()
        )
        if existing is not None:  # a retry: nothing is checked or stored again
            return _replay(request, existing, posted)
    try:
        submission = submit_response(
            actor=Actor.from_request(request),
            instrument=posted.instrument,
            episode=posted.episode,
            raw_answers=posted.raw_answers,
            source=ResponseSource.FHIR,
            external_key=posted.external_key,
            submitted_at=posted.submitted_at,
        )
    except AnswerError as error:
        issues = [(item_expression(link_id), message) for link_id, message in error.errors.items()]
        return outcome(400, issues)
    if not submission.created:  # a concurrent retry stored it first
        return _replay(request, submission.response, posted)
    response = submission.response
    location = _response_url(request, response)
    return fhir_json(
        questionnaire_response_resource(response), status=201, headers={"Location": location}
    )


def _replay(request: ApiRequest, existing: MeasureResponse, posted: _Posted) -> HttpResponse:
    """A retried POST: the response stored the first time, unless the key was used for another
    patient or questionnaire (then 409, saying nothing about that other response)."""
    episode = posted.episode
    if existing.client_id != episode.client_id or existing.instrument_id != posted.instrument.id:
        issue = ("QuestionnaireResponse.identifier", "This identifier is already in use.")
        return outcome(409, [issue], code="conflict")
    record(
        actor=Actor.from_request(request),
        action=AuditAction.READ,
        target="FHIR questionnaire response",
        obj=existing,
        client=episode.client,
    )
    location = _response_url(request, existing)
    return fhir_json(questionnaire_response_resource(existing), headers={"Location": location})


@fhir_endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def unknown(request: ApiRequest, unknown: str) -> HttpResponse:
    """Anything else under /fhir/: a 404 OperationOutcome rather than an HTML page."""
    return outcome(404, f"This server has no {unknown or 'resource'!r} endpoint.", code="not-found")
