"""Every DomainError is answered in one place (alliance/lib/domain_errors.py): no view catches
one, a problem page leads back, a form page shows the problem beside its field, and an htmx
request gets the problem in place of the page's content."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.urls import reverse

ALLIANCE = Path(__file__).resolve().parents[2]


def _catches_domain_error(handler: ast.ExceptHandler) -> bool:
    names = (
        {node.id for node in ast.walk(handler.type) if isinstance(node, ast.Name)}
        if handler.type
        else set()
    )
    return "DomainError" in names


def test_no_view_catches_a_domain_error_itself():
    offenders = []
    for path in ALLIANCE.rglob("*.py"):
        if "tests" in path.parts or not (
            path.name == "views.py" or path.name.endswith("_views.py")
        ):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ExceptHandler) and _catches_domain_error(node):
                if path.parts[-2:] == ("fhir", "views.py") and _in_fhir_boundary(path, node):
                    continue
                offenders.append(f"{path.relative_to(ALLIANCE)}:{node.lineno}")
    assert offenders == []


def _in_fhir_boundary(path: Path, handler: ast.ExceptHandler) -> bool:
    """The FHIR API's one decorator answers its problems as OperationOutcome resources."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef) and node.name == "_guarded":
            return node.lineno <= handler.lineno <= (node.end_lineno or node.lineno)
    return False


@pytest.mark.django_db
def test_a_problem_leads_back_to_the_page_the_view_named(signed_in, personas):
    episode = personas.chris_episode
    response = signed_in("dana").post(
        reverse("clinic:episode-phase", args=[episode.pk]), {"phase": episode.phase, "note": ""}
    )

    assert response.status_code == 400
    assert "already in the phase" in response.content.decode()
    assert reverse("clinic:client", args=[personas.chris_client.pk]) in response.content.decode()


@pytest.mark.django_db
def test_an_invalid_form_is_the_same_kind_of_problem(signed_in, personas):
    response = signed_in("dana").post(
        reverse("clinic:appointment-attendance", args=[personas.chris_past_appointment.pk]),
        {"status": "not-a-status"},
    )

    assert response.status_code == 400
    assert "That could not be saved" in response.content.decode()


@pytest.mark.django_db
def test_an_htmx_problem_takes_the_place_of_the_main_content(signed_in, personas):
    response = signed_in("dana").post(
        reverse("clinic:appointment-attendance", args=[personas.chris_past_appointment.pk]),
        {"status": "not-a-status"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    assert response["HX-Retarget"] == "#main"
    assert "<html" not in response.content.decode()  # the fragment, not a whole page
    assert "That could not be saved" in response.content.decode()


@pytest.mark.django_db
def test_a_form_page_shows_the_problem_beside_the_form(signed_in, personas):
    url = reverse("sessions:record", args=[personas.chris_next_appointment.pk])
    response = signed_in("dana").post(
        url, {"agenda": "", "summary": "Too early", "next_steps": "", "share": "on"}
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "A summary can be shared once the session has started." in text
    assert "Too early" in text  # what was typed is still in the form
    assert 'name="summary"' in text  # the session page, drawn again
