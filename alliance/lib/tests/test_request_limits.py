"""A body over the limit is refused from its declared length, before it is read or spooled,
for visitors and signed-in people alike; the FHIR API answers with an OperationOutcome."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.urls import reverse

from alliance.lib.tests.helpers import post_huge_body

HUGE = 300 * 1024 * 1024


def _post_declaring(client, url: str, length: int):
    return client.generic("POST", url, b"x" * 10, CONTENT_LENGTH=str(length))


def test_a_body_over_the_limit_gets_413_with_a_plain_page(client, settings, db):
    response = _post_declaring(client, reverse("accounts:login"), settings.MAX_REQUEST_BYTES + 1)

    assert response.status_code == 413
    assert "the limit is 3.0 MB" in response.content.decode()


def test_a_body_at_the_limit_goes_through(client, settings, db):
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})

    assert response.status_code == 200  # the sign-in form, with its error


def test_the_limit_is_a_setting(client, settings, db):
    settings.MAX_REQUEST_BYTES = 1024

    response = client.post(reverse("accounts:login"), {"username": "x" * 2000, "password": "y"})

    assert response.status_code == 413


def test_the_fhir_api_refuses_with_an_operation_outcome(client, db):
    response = _post_declaring(client, "/fhir/QuestionnaireResponse", HUGE)

    assert response.status_code == 413
    assert response["Content-Type"] == "application/fhir+json"
    assert response.json()["resourceType"] == "OperationOutcome"


def test_a_length_that_is_no_number_is_a_bad_request(client, db):
    response = client.generic("POST", reverse("accounts:login"), b"", CONTENT_LENGTH="lots")

    assert response.status_code == 400


@pytest.mark.parametrize("who", ["visitor", "dana"])
def test_300_mb_are_refused_before_they_are_read(who, live_server, personas, settings, tmp_path):
    """Over a real socket: the 413 arrives while the body is still being sent, and no temporary
    file appears."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    headers = {}
    if who == "dana":
        from django.test import Client

        browser = Client()
        browser.force_login(personas.dana, backend="django.contrib.auth.backends.ModelBackend")
        headers["Cookie"] = f"sessionid={browser.cookies['sessionid'].value}"
    port = urlparse(live_server.url).port
    assert port is not None

    answer = post_huge_body(port, "/clinic/", total=HUGE, headers=headers)

    assert answer.status == 413, answer.head
    assert answer.bytes_sent < 32 * 1024 * 1024, "the server answered before reading the body"
    assert list(tmp_path.iterdir()) == []
