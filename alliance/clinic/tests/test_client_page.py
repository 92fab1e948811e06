"""The clinician's client page: sections to jump between, paged lists that keep the page flat as
the history grows, one summary line that agrees with the page, and tap-to-call crisis numbers."""

from __future__ import annotations

import re

from django.urls import reverse

from alliance.agreements.models import AgreementTemplate
from alliance.agreements.services import draft_agreement
from alliance.agreements.templatetags.agreements import tel_links
from alliance.appointments.models import Appointment
from alliance.audit.services import Actor
from alliance.clinic.client_page import PER_PAGE
from alliance.sessions.services import add_private_note, save_session_record
from alliance.signals.models import EpisodeRisk, FlagKind, RiskLevel
from alliance.signals.tests.helpers.clinic import made_flag
from alliance.testing.disclosure import jargon_outside_details
from alliance.testing.personas import SETUP
from alliance.testing.queries import add_history, measure

SECTIONS = ("overview", "measures", "goals", "agreement", "sessions", "notes", "transcripts")
CRISIS = (
    "Call 999 now if you are in danger. Talk to someone: 116 123 (Samaritans).\n\n"
    "Out of hours, the practice's line is 0300 000 0000. Cancel 24 hours ahead; £60 a session."
)


def _url(personas, query: str = "") -> str:
    return reverse("clinic:client", kwargs={"client_id": personas.chris_client.pk}) + query


def _rows(markup: str) -> list[str]:
    return re.findall(r'<tr id="appointment-(\d+)">', markup)


def test_the_page_is_in_sections_with_a_navigation_to_each(signed_in, personas):
    markup = signed_in("dana").get(_url(personas)).content.decode()
    nav = re.search(r'<nav class="page-sections".*?</nav>', markup, re.S)
    assert nav is not None
    assert re.findall(r'href="#(\w+)"', nav.group(0)) == list(SECTIONS)
    for section in SECTIONS:
        assert f'<section class="card client-section" id="{section}"' in markup


def test_the_appointments_are_paged_latest_first(signed_in, personas):
    add_history(personas.chris_episode, past=25, upcoming=3)
    total = Appointment.objects.filter(episode=personas.chris_episode).count()
    dana = signed_in("dana")
    newest_first = list(
        Appointment.objects.filter(episode=personas.chris_episode)
        .order_by("-scheduled_start", "-pk")
        .values_list("pk", flat=True)
    )

    first = dana.get(_url(personas)).content.decode()
    assert [int(pk) for pk in _rows(first)] == newest_first[:PER_PAGE]
    assert "Older appointments →" in first and "← Newer appointments" not in first
    assert f"1–{PER_PAGE} of {total}" in first

    second = dana.get(_url(personas, "?sessions=2")).content.decode()
    assert [int(pk) for pk in _rows(second)] == newest_first[PER_PAGE : 2 * PER_PAGE]
    assert 'href="?sessions=3#sessions"' in second and 'href="?#sessions"' in second

    last = (total + PER_PAGE - 1) // PER_PAGE
    for odd in ("abc", "999"):  # a bad page number gives a page, never an error
        response = dana.get(_url(personas, f"?sessions={odd}"))
        assert response.status_code == 200
        expected = (
            newest_first[(last - 1) * PER_PAGE :] if odd == "999" else newest_first[:PER_PAGE]
        )
        assert [int(pk) for pk in _rows(response.content.decode())] == expected


def test_recording_attendance_without_javascript_returns_to_the_same_page_and_row(
    signed_in, personas
):
    appointment = personas.chris_past_appointment
    url = reverse("clinic:appointment-attendance", kwargs={"appointment_id": appointment.pk})
    dana = signed_in("dana")

    response = dana.post(url, {"status": "attended", "sessions": "2"})
    assert response.status_code == 302
    assert response["Location"] == _url(personas, f"?sessions=2#appointment-{appointment.pk}")

    for page in ("1", "", "x"):  # the first page, or nonsense: the page without a query
        response = dana.post(url, {"status": "attended", "sessions": page})
        assert response["Location"] == _url(personas, f"#appointment-{appointment.pk}")


def test_a_long_history_keeps_the_rows_and_the_queries_of_a_short_one(signed_in, personas):
    dana = signed_in("dana")
    add_history(personas.chris_episode, past=8)
    short = measure(dana, _url(personas))
    short_rows = _rows(dana.get(_url(personas)).content.decode())

    add_history(personas.chris_episode, past=60)
    long = measure(dana, _url(personas))
    long_rows = _rows(dana.get(_url(personas)).content.decode())

    assert len(short_rows) == len(long_rows) == PER_PAGE
    assert long.queries == short.queries, "\n".join(long.sql)


def test_the_summary_line_agrees_with_the_signals_below(signed_in, personas):
    dana = signed_in("dana")

    calm = dana.get(_url(personas)).content.decode()
    assert re.search(
        r'class="summary summary-attention"[^>]*>\s*Needs attention: your self-rating is due', calm
    )

    EpisodeRisk.objects.create(
        episode=personas.chris_episode,
        practice=personas.practice,
        score=62.5,
        percent=62.5,  # the line and the panel round it alike: 63
        level=RiskLevel.HIGH,
        factors=[
            {"factor": "gap", "points": 40, "odds": 3.0, "words": "29 days since the last session"}
        ],
    )
    made_flag(personas.chris_episode, FlagKind.LOW_ALLIANCE)
    markup = dana.get(_url(personas)).content.decode()
    summary = re.search(r'<p class="summary summary-(\w+)"[^>]*>(.*?)</p>', markup, re.S)
    assert summary is not None
    assert summary.group(1) == "attention"
    assert summary.group(2).strip() == (
        "Needs attention: an open flag, high dropout risk (63 %) and your self-rating is due."
    )
    assert "63 % chance of leaving without a planned ending" in markup
    # Below it, nothing says there is nothing open.
    assert "No open flags" not in markup and "Nothing open" not in markup

    made_flag(personas.chris_episode)  # a crisis flag
    urgent = dana.get(_url(personas)).content.decode()
    assert 'class="summary summary-urgent"' in urgent and "Contact the client today" in urgent


def test_phone_numbers_become_tap_to_call_links_and_nothing_else_does():
    linked = tel_links(CRISIS)
    assert re.findall(r'href="(tel:[^"]+)"', linked) == [
        "tel:999",
        "tel:116123",
        "tel:03000000000",
    ]
    assert "24 hours" in linked and "£60" in linked and "tel:24" not in linked
    assert tel_links("<b>999</b>") == '&lt;b&gt;<a class="tel" href="tel:999">999</a>&lt;/b&gt;'


def _practice_crisis_procedure(personas) -> None:
    template, _ = AgreementTemplate.objects.get_or_create(practice=personas.practice)
    template.sections = {**template.sections, "crisis": CRISIS}
    template.save()


def test_crisis_numbers_are_tel_links_wherever_the_procedure_is_shown(signed_in, personas):
    _practice_crisis_procedure(personas)
    portal_crisis = signed_in("chris").get(reverse("agreements:crisis")).content.decode()
    assert 'href="tel:116123">116 123</a>' in portal_crisis

    agreement = draft_agreement(actor=SETUP, episode=personas.chris_episode)
    client_page = signed_in("dana").get(_url(personas)).content.decode()
    agreement_section = client_page[client_page.index('id="agreement"') :]
    assert 'href="tel:03000000000">0300 000 0000</a>' in agreement_section

    detail = signed_in("dana").get(reverse("agreements:detail", args=[agreement.pk]))
    assert 'href="tel:999">999</a>' in detail.content.decode()


def test_notes_list_summaries_for_both_and_private_notes_only_for_the_therapist(
    signed_in, personas
):
    dana = Actor(user=personas.dana, path="test")
    written, private = Appointment.objects.filter(episode=personas.chris_episode).order_by(
        "scheduled_start"
    )[:2]
    save_session_record(
        actor=dana,
        appointment=written,
        agenda=[],
        summary="We planned one small step.",
        next_steps="",
        share=True,
    )
    add_private_note(actor=dana, appointment=private, body="Something to explore.")

    mine = signed_in("dana").get(_url(personas)).content.decode()
    notes = mine[mine.index('id="notes"') : mine.index('id="transcripts"')]
    assert "We planned one small step." in notes and "summary shared" in notes
    assert "1 private note" in notes
    assert reverse("sessions:page", args=[private.pk]) in notes

    supervisor = signed_in("sam").get(_url(personas)).content.decode()
    notes = supervisor[supervisor.index('id="notes"') : supervisor.index('id="transcripts"')]
    assert "We planned one small step." in notes
    assert "private note" not in notes and "Something to explore" not in notes
    assert reverse("sessions:page", args=[private.pk]) not in notes


def test_developer_words_are_found_outside_a_disclosure_and_left_alone_inside():
    inside = (
        "<p>Check-in 26 is well below this client's usual level.</p>"
        "<details><summary>How this was worked out</summary><p>Rule (rupture.drop_from_baseline)"
        " with the settings sd 2; 6.7 standard deviations; coded by shipped 1.1+e0ce85428cca"
        "</p></details><p>Call 030000000000 or 999.</p>"
    )
    assert jargon_outside_details(inside) == []
    outside = "<p>Rule rupture.own_level with parameters min_fall 3: 2 SD, shipped 1.1+e0ce854</p>"
    kinds = {kind for kind, _ in jargon_outside_details(outside)}
    assert kinds == {"rule id", "parameter dump", "standard deviations", "version string"}
    assert {kind for kind, _ in jargon_outside_details("<p>e0ce85428cca1f</p>")} == {"hash"}
