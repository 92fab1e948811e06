"""Intake and ending sent many times at once store one client and one ending: real concurrent
HTTP requests to the live server (truly at once on PostgreSQL; in a row on SQLite)."""

from __future__ import annotations

import uuid

from django.urls import reverse

from alliance.measures.definitions import HEADLINE_OUTCOME_ID
from alliance.measures.models import FormRequest
from alliance.once.tests.test_concurrent_submissions import Browser, _form, at_once
from alliance.practice.models import CareEpisode, Client
from alliance.practice.tests.intake_helpers import intake_data
from alliance.testing.personas import Personas

ENDING = {"reason": "completed", "summary": "Well done.", "final_measure": "on", "confirm": "on"}


def test_ten_identical_intakes_at_once_add_one_client(live_server, personas: Personas) -> None:
    browser = Browser(live_server.url, personas.dana)
    body = _form(intake_data() | {"once": str(uuid.uuid4())})

    statuses = at_once(lambda: browser.post(reverse("practice:add-client"), *body))

    assert all(status < 500 for status in statuses), statuses
    assert Client.objects.filter(last_name="Quist").count() == 1


def test_two_intake_forms_with_one_email_at_once_add_one_client(
    live_server, personas: Personas
) -> None:
    browser = Browser(live_server.url, personas.dana)

    statuses = at_once(
        lambda: browser.post(
            reverse("practice:add-client"), *_form(intake_data() | {"once": str(uuid.uuid4())})
        ),
        times=4,
    )

    assert all(status < 500 for status in statuses), statuses
    assert sorted(statuses).count(302) == 1, statuses
    assert Client.objects.filter(last_name="Quist").count() == 1


def test_ten_identical_endings_at_once_end_once_and_offer_one_final_measure(
    live_server, personas: Personas
) -> None:
    episode = personas.chris_episode
    finals = FormRequest.objects.filter(
        episode=episode, appointment=None, instrument_id=HEADLINE_OUTCOME_ID
    )
    before = finals.count()
    browser = Browser(live_server.url, personas.dana)
    url = reverse("clinic:episode-end", args=[episode.pk])

    statuses = at_once(lambda: browser.post(url, *_form(ENDING | {"once": str(uuid.uuid4())})))

    assert all(status < 500 for status in statuses), statuses
    assert not CareEpisode.objects.get(pk=episode.pk).is_open
    assert finals.count() == before + 1
