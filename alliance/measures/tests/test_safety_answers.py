"""A safety item answered above 0 (PHQ-9 item 9) is shown to the therapist at once."""

from django.urls import reverse

from alliance.audit.services import Actor
from alliance.measures.models import ResponseSource
from alliance.measures.registry import get_instrument
from alliance.measures.services import submit_response

PHQ9_ITEM_9_SEVERAL_DAYS = {f"PHQ9_{n}": 1 for n in range(1, 10)}


def test_a_safety_answer_shows_on_the_client_page_and_the_caseload(signed_in, personas):
    submit_response(
        actor=Actor(personas.chris),
        instrument=get_instrument("phq9"),
        episode=personas.chris_episode,
        raw_answers=PHQ9_ITEM_9_SEVERAL_DAYS,
        source=ResponseSource.PORTAL,
    )
    dana = signed_in("dana")
    page = dana.get(reverse("clinic:client", args=[personas.chris_client.pk])).content.decode()
    assert "Safety answer" in page
    assert "Several days" in page
    caseload = dana.get(reverse("clinic:dashboard")).content.decode()
    assert "safety answer" in caseload


def test_no_safety_answer_no_alert(signed_in, personas):
    answers = PHQ9_ITEM_9_SEVERAL_DAYS | {"PHQ9_9": 0}
    submit_response(
        actor=Actor(personas.chris),
        instrument=get_instrument("phq9"),
        episode=personas.chris_episode,
        raw_answers=answers,
        source=ResponseSource.PORTAL,
    )
    dana = signed_in("dana")
    page = dana.get(reverse("clinic:client", args=[personas.chris_client.pk])).content.decode()
    assert "Safety answer" not in page
    assert "safety answer" not in dana.get(reverse("clinic:dashboard")).content.decode()
