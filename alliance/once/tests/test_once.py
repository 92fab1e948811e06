"""A submission sent twice is handled once; an error stores nothing, so it can be sent again."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from alliance.once.decorators import SENT_TWICE
from alliance.once.models import Submission
from alliance.sessions.models import PrivateNote

pytestmark = pytest.mark.django_db


def _note_url(personas) -> str:
    return reverse("sessions:note-add", args=[personas.chris_past_appointment.pk])


def test_the_second_arrival_goes_where_the_first_went_and_stores_nothing(signed_in, personas):
    dana = signed_in("dana")
    form = {"body": "Lighter today.", "once": str(uuid.uuid4())}

    first = dana.post(_note_url(personas), form)
    second = dana.post(_note_url(personas), form, follow=True)

    assert first.status_code == 302
    assert second.redirect_chain[0][0] == first["Location"]
    assert SENT_TWICE in second.content.decode()
    assert PrivateNote.objects.filter(appointment=personas.chris_past_appointment).count() == 1


def test_a_refused_submission_can_be_corrected_and_sent_again_with_the_same_key(
    signed_in, personas
):
    dana = signed_in("dana")
    key = str(uuid.uuid4())

    refused = dana.post(_note_url(personas), {"body": "   ", "once": key})
    accepted = dana.post(_note_url(personas), {"body": "Now with words.", "once": key})

    assert refused.status_code == 400
    assert accepted.status_code == 302
    assert PrivateNote.objects.filter(appointment=personas.chris_past_appointment).count() == 1


def test_a_fragment_request_sent_twice_reloads_the_page(signed_in, personas):
    dana = signed_in("dana")
    form = {"body": "Once.", "once": str(uuid.uuid4())}
    dana.post(_note_url(personas), form)

    again = dana.post(_note_url(personas), form, HTTP_HX_REQUEST="true")

    assert again.status_code == 204
    assert again["HX-Refresh"] == "true"


def test_each_drawn_form_carries_a_new_key(signed_in, personas):
    dana = signed_in("dana")
    url = reverse("sessions:page", args=[personas.chris_past_appointment.pk])

    keys = [
        [
            part.split('"')[0]
            for part in dana.get(url).content.decode().split('name="once" value="')[1:]
        ]
        for _ in range(2)
    ]

    assert keys[0] and keys[1]
    assert set(keys[0]).isdisjoint(keys[1])


def test_without_a_key_a_post_is_handled_as_before(signed_in, personas):
    dana = signed_in("dana")

    dana.post(_note_url(personas), {"body": "One."})
    dana.post(_note_url(personas), {"body": "One."})

    assert PrivateNote.objects.filter(appointment=personas.chris_past_appointment).count() == 2
    assert not Submission.objects.exists()
