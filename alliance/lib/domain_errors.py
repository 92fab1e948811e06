"""One way to answer a ``DomainError``: views keep only the happy path.

A service raises ``DomainError`` for what the rules of the practice do not allow, and a view
raises it (through ``cleaned``) for a form that does not validate. Neither catches it:
``DomainErrorMiddleware`` turns it into the answer, in one place:

- on a form page the view declared with ``show_problems_on`` (the form drawn again, the problem
  beside its field, status 400);
- otherwise the 400 "That could not be saved" page with the reason and a link back: to where
  the view said (``problems_lead_back_to``), or to the page the form was sent from;
- for an htmx request, the same page in place of the page's main content;
- where the view said how its problems are answered (``problems_answered_by``: a form that
  has closed answers 410 with its own page), that answer.

The FHIR API answers its problems as OperationOutcome resources, in the one decorator every
endpoint has (``alliance/fhir/views.py: fhir_endpoint``).

Whatever the view changed before the error is rolled back with its transaction, so a problem
never leaves half a change behind (services are atomic, and ``once_per_submission`` wraps the
view).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url

from alliance.lib.errors import DomainError
from alliance.lib.return_address import return_address

Answer = Callable[[DomainError], HttpResponse]


class InvalidForm(DomainError):
    """A form that did not validate, raised like any other problem (``cleaned``)."""

    def __init__(self, form: forms.BaseForm) -> None:
        super().__init__(_errors_as_text(form))
        self.form = form


Context = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


@dataclass(frozen=True)
class _FormPage:
    form: forms.BaseForm
    template: str
    context: Context
    form_name: str


@dataclass(frozen=True)
class _Back:
    url: str
    label: str


def cleaned(form: forms.BaseForm) -> dict[str, Any]:
    """The form's cleaned data, or ``InvalidForm`` for the middleware to answer."""
    if not form.is_valid():
        raise InvalidForm(form)
    return form.cleaned_data


def show_problems_on(
    request: HttpRequest,
    form: forms.BaseForm,
    template: str,
    context: Context,
    *,
    form_name: str = "form",
) -> None:
    """A problem from here on is shown on this form, drawn again with ``template`` and
    ``context`` (a mapping, or a function that builds it only when a problem needs it), the
    form under ``form_name``."""
    request._domain_error_page = _FormPage(form, template, context, form_name)  # type: ignore[attr-defined]


def problems_lead_back_to(request: HttpRequest, url: str, label: str) -> None:
    """Where the problem page's link leads (by default, the page the form was sent from)."""
    request._domain_error_back = _Back(url, label)  # type: ignore[attr-defined]


def problems_answered_by(request: HttpRequest, answer: Answer) -> None:
    """This view's problems are answered by ``answer`` (a page of its own)."""
    request._domain_error_answer = answer  # type: ignore[attr-defined]


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        return answer_problem(request, exception)


def answer_problem(request: HttpRequest, error: DomainError) -> HttpResponse:
    answer: Answer | None = getattr(request, "_domain_error_answer", None)
    if answer is not None:
        return answer(error)
    page: _FormPage | None = getattr(request, "_domain_error_page", None)
    if page is not None:
        return _on_form_page(request, page, error)
    return _problem_page(request, error)


def _on_form_page(request: HttpRequest, page: _FormPage, error: DomainError) -> HttpResponse:
    form = page.form
    if not isinstance(error, InvalidForm):
        form.add_error(error.field if error.field in form.fields else None, error.message)
    context = page.context() if callable(page.context) else page.context
    return render(request, page.template, {**context, page.form_name: form}, status=400)


def _problem_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    back: _Back | None = getattr(request, "_domain_error_back", None)
    if back is None:
        back = _Back(return_address(request) or resolve_url(settings.LOGIN_REDIRECT_URL), "Go back")
    template = (
        "form_problem.html#problem" if getattr(request, "htmx", False) else "form_problem.html"
    )
    response = render(
        request,
        template,
        {"message": error.message, "back_url": back.url, "back_label": back.label},
        status=400,
    )
    if getattr(request, "htmx", False):
        # Shown in place of the page's content (htmx swaps 4xx answers: base.html's config).
        response["HX-Retarget"] = "#main"
        response["HX-Reswap"] = "innerHTML"
    return response


def _errors_as_text(form: forms.BaseForm) -> str:
    messages = [str(message) for errors in form.errors.values() for message in errors]
    return " ".join(messages) or "The form could not be read."
