"""Finding clients: a therapist searches and filters her own caseload, a supervisor the clients
of the therapists she supervises. A search never reaches anyone else's clients, never hides a
crisis, and does not add queries as the caseload grows."""

from __future__ import annotations

import html

from django.http import HttpResponse
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.practice.models import Phase
from alliance.practice.services import change_phase
from alliance.signals.models import EpisodeRisk, FlagKind, FlagStatus, RiskLevel
from alliance.signals.tests.helpers.clinic import made_flag, made_risk, new_episode
from alliance.testing.personas import SETUP
from alliance.testing.queries import add_clients, add_therapists, assert_does_not_grow, measure


def dashboard(signed_in, name="dana", **query) -> str:
    response = signed_in(name).get(reverse("clinic:dashboard"), query)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def supervised(signed_in, **query) -> HttpResponse:
    response: HttpResponse = signed_in("sam").get(reverse("clinic:supervised-clients"), query)
    return response


def rows(page: str) -> int:
    return page.count('<th scope="row"><a href="/clinic/clients/')


def test_the_therapist_finds_a_client_by_part_of_either_name(signed_in, personas):
    new_episode(personas.dana_profile, "Robin", "Ashby")

    assert rows(dashboard(signed_in)) == 2
    found = dashboard(signed_in, q="ashb")
    assert "Robin Ashby" in found and "Chris Moreau" not in found
    assert "1 client matches." in found
    assert rows(dashboard(signed_in, q="robin ashby")) == 1
    assert "No client matches this search." in dashboard(signed_in, q="robin moreau")


def test_a_search_never_shows_another_therapists_client(signed_in, personas):
    page = dashboard(signed_in, q="casey")

    assert "Casey" not in page.split("</form>", 1)[1]
    assert rows(page) == 0


def test_filter_by_phase(signed_in, personas):
    other = new_episode(personas.dana_profile, "Robin", "Ashby")
    change_phase(actor=SETUP, episode=other, to_phase=Phase.EXPLORING)

    page = dashboard(signed_in, phase=Phase.EXPLORING)

    assert "Robin Ashby" in page and "Chris Moreau" not in page


def test_filter_by_open_flag_kind(signed_in, personas):
    other = new_episode(personas.dana_profile, "Robin", "Ashby")
    made_flag(other, FlagKind.LOW_ALLIANCE)
    made_flag(personas.chris_episode, FlagKind.LOW_ALLIANCE, status=FlagStatus.ACKNOWLEDGED)

    page = dashboard(signed_in, flag=FlagKind.LOW_ALLIANCE)

    assert rows(page) == 1 and "Robin Ashby" in page
    assert rows(dashboard(signed_in, flag=FlagKind.NOT_ON_TRACK)) == 0


def test_filter_by_dropout_risk(signed_in, personas):
    other = new_episode(personas.dana_profile, "Robin", "Ashby")
    made_risk(other, RiskLevel.HIGH)
    made_risk(personas.chris_episode, RiskLevel.LOW)

    page = dashboard(signed_in, risk=RiskLevel.HIGH)

    assert rows(page) == 1 and "Robin Ashby" in page


def test_a_search_does_not_hide_a_crisis(signed_in, personas):
    made_flag(personas.chris_episode, FlagKind.CRISIS)

    page = dashboard(signed_in, q="nobody-by-this-name")

    assert rows(page) == 0
    assert "Chris Moreau" in page  # in the crisis banner, above the search


def test_a_bad_filter_answers_400_with_a_way_back(signed_in, personas):
    response = signed_in("dana").get(reverse("clinic:dashboard"), {"phase": "banana"})

    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "Select a valid choice" in text and "Show the whole caseload" in text


def test_the_search_is_audited_without_the_name_typed(signed_in, personas):
    dashboard(signed_in, q="moreau", phase=Phase.RAPPORT)

    event = AuditEvent.objects.filter(target="caseload").latest("pk")
    assert event.detail == {"search": ["name", "phase:rapport"]}


def test_the_supervisor_finds_clients_across_her_therapists_only(signed_in, personas):
    response = supervised(signed_in, q="c")

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Chris Moreau" in page
    assert "Casey" not in page  # olga's client: sam does not supervise olga
    assert '<th scope="col">Therapist</th>' in page


def test_the_supervisor_filters_by_therapist_and_cannot_name_one_she_does_not_supervise(
    signed_in, personas
):
    extra = add_therapists(personas.practice, 1, supervisor=personas.sam, clients=2)[0]

    page = html.unescape(supervised(signed_in, therapist=extra.pk).content.decode())
    assert rows(page) == 2 and "Chris Moreau" not in page

    refused = supervised(signed_in, therapist=personas.olga_profile.pk)
    assert refused.status_code == 400
    assert "Casey" not in html.unescape(refused.content.decode())


def test_a_filtered_caseload_does_not_add_queries(signed_in, personas):
    dana = signed_in("dana")
    url = reverse("clinic:dashboard") + "?q=e&risk=high&flag=low_alliance"
    made_risk(personas.chris_episode, RiskLevel.HIGH)
    made_flag(personas.chris_episode, FlagKind.LOW_ALLIANCE)
    small = measure(dana, url)

    for episode in add_clients(personas.dana_profile, 8):
        EpisodeRisk.objects.update_or_create(
            episode=episode,
            defaults={"practice_id": episode.practice_id, "score": 4.0, "level": RiskLevel.HIGH},
        )
        made_flag(episode, FlagKind.LOW_ALLIANCE)
    big = measure(dana, url)

    assert_does_not_grow(small, big)
    assert dana.get(url).content.count(b'">Extra') >= 8


def test_the_supervisor_search_does_not_add_queries(signed_in, personas):
    sam = signed_in("sam")
    url = reverse("clinic:supervised-clients") + "?q=e"
    small = measure(sam, url)

    add_therapists(personas.practice, 3, supervisor=personas.sam, clients=3)
    big = measure(sam, url)

    assert_does_not_grow(small, big)
