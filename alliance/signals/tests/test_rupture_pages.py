"""The rupture page and its forms over HTTP: acknowledge, record repair, confirm resolved, close
without recovery, open by hand; who may do what; audit rows; double submits."""

from __future__ import annotations

import html
import re

from django.urls import reverse

from alliance.audit.models import AuditAction, AuditEvent
from alliance.signals.models import (
    FlagStatus,
    RepairStep,
    RuptureEpisode,
    RuptureStatus,
)
from alliance.signals.tests.helpers.clinic import checkin, found_rupture, made_rupture
from alliance.testing.disclosure import jargon_outside_details
from alliance.testing.queries import assert_does_not_grow, measure

REPAIR = {
    "strategies": ["validate_feelings", "discuss_relationship"],
    "what_was_said": "I asked how last week felt; we agreed to slow down.",
}


def page_html(response) -> str:
    return html.unescape(response.content.decode())


def page_text(response) -> str:
    """The words of the page, without tags, on one line."""
    words = re.sub(r"<[^>]+>", " ", page_html(response))
    return re.sub(r"\s+", " ", words)


def url(name: str, rupture: RuptureEpisode) -> str:
    return reverse(f"signals:{name}", kwargs={"rupture_id": rupture.pk})


def test_dana_reads_a_rupture_the_engine_found(signed_in, personas):
    rupture = found_rupture(personas.chris_episode)
    response = signed_in("dana").get(url("rupture", rupture))
    assert response.status_code == 200
    page = page_text(response)
    assert "Rupture: Chris Moreau" in page and "Not yet acknowledged" in page
    assert "Check-in dropped 12 points from the previous one (36 → 24)" in page
    assert "Rule “Drop from the previous check-in” (rupture.drop_from_previous)" in page
    assert "with the settings points 5" in page
    assert jargon_outside_details(response.content.decode()) == []
    assert "Baseline" in page and "check-in 36.2" in page
    assert "rupture began" in page and "flagged" in page  # the check-in table marks the dip
    assert "Acknowledge" in page and "Record repair" in page
    # Before recovery, "Confirm resolved" is shown disabled, with why.
    assert '<button type="submit" class="primary" disabled>Confirm resolved</button>' in page_html(
        response
    )
    assert "becomes available once the client's check-ins are back at their baseline" in page


def test_reading_a_rupture_writes_an_audit_row(signed_in, personas):
    rupture = made_rupture(personas.chris_episode)
    signed_in("sam").get(url("rupture", rupture))
    row = AuditEvent.objects.get(action=AuditAction.READ, target="rupture")
    assert (row.actor, row.client_id, row.object_id) == (
        personas.sam,
        personas.chris_client.pk,
        str(rupture.pk),
    )


def test_the_supervisor_reads_without_forms_and_cannot_post(signed_in, personas):
    rupture = made_rupture(personas.chris_episode, recovered=True)
    sam = signed_in("sam")
    page = page_text(sam.get(url("rupture", rupture)))
    assert "Read-only view for supervision." in page
    assert "Record repair" not in page and "Confirm resolved" not in page
    assert "<form" not in page_html(sam.get(url("rupture", rupture))).split("<main")[1]
    for name, data in (
        ("rupture-acknowledge", {}),
        ("rupture-repair", REPAIR),
        ("rupture-resolve", {}),
        ("rupture-close", {"note": "Done."}),
    ):
        assert sam.post(url(name, rupture), data).status_code == 404, name
    rupture.refresh_from_db()
    assert rupture.status == RuptureStatus.OPEN and not rupture.repairs.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CHANGE, actor=personas.sam).exists()


def test_nobody_else_reaches_chris_rupture(signed_in, personas):
    rupture = made_rupture(personas.chris_episode)
    for name in ("olga", "alex", "eve", "chris", "casey"):
        browser = signed_in(name)
        assert browser.get(url("rupture", rupture)).status_code == 404, name
        assert browser.post(url("rupture-repair", rupture), REPAIR).status_code == 404, name
    assert not AuditEvent.objects.filter(target="rupture").exists()  # refused: no read row


def test_acknowledging_marks_the_rupture_and_its_flags(signed_in, personas):
    rupture = found_rupture(personas.chris_episode)
    dana = signed_in("dana")
    response = dana.post(url("rupture-acknowledge", rupture))
    assert response.status_code == 302 and response["Location"] == url("rupture", rupture)
    rupture.refresh_from_db()
    assert rupture.status == RuptureStatus.ACKNOWLEDGED and rupture.acknowledged_by == personas.dana
    assert {f.status for f in rupture.flags.all()} == {FlagStatus.ACKNOWLEDGED}
    assert AuditEvent.objects.filter(target="rupture acknowledged", actor=personas.dana).exists()
    page = page_text(dana.get(url("rupture", rupture)))
    assert "Acknowledged, repair under way" in page
    assert url("rupture-acknowledge", rupture) not in page_html(dana.get(url("rupture", rupture)))


def test_recording_a_repair_step(signed_in, personas):
    rupture = made_rupture(personas.chris_episode)
    dana = signed_in("dana")
    response = dana.post(url("rupture-repair", rupture), REPAIR)
    assert response.status_code == 302
    step = RepairStep.objects.get()
    assert step.strategies == ["validate_feelings", "discuss_relationship"]
    assert step.recorded_by == personas.dana
    rupture.refresh_from_db()
    assert rupture.acknowledged_at is not None  # recording repair acknowledges it
    assert AuditEvent.objects.filter(target="rupture repair", client=personas.chris_client).exists()
    page = page_text(dana.get(url("rupture", rupture)))
    assert "Validate feelings, Talk about the relationship directly" in page
    assert "we agreed to slow down" in page


def test_the_same_repair_posted_twice_is_stored_once(signed_in, personas):
    rupture = made_rupture(personas.chris_episode)
    dana = signed_in("dana")
    first = dana.post(url("rupture-repair", rupture), REPAIR)
    second = dana.post(url("rupture-repair", rupture), REPAIR)
    assert first.status_code == second.status_code == 302
    assert RepairStep.objects.count() == 1
    assert AuditEvent.objects.filter(target="rupture repair").count() == 1
    # A different step is a new one.
    dana.post(url("rupture-repair", rupture), REPAIR | {"strategies": ["revisit_goals"]})
    assert RepairStep.objects.count() == 2


def test_a_repair_needs_a_strategy_and_words(signed_in, personas):
    rupture = made_rupture(personas.chris_episode)
    dana = signed_in("dana")
    for data, message in (
        (REPAIR | {"strategies": []}, "Choose at least one repair strategy"),
        (REPAIR | {"strategies": ["hypnosis"]}, "Choose at least one repair strategy"),
        (REPAIR | {"what_was_said": "   "}, "Please write what was said."),
    ):
        response = dana.post(url("rupture-repair", rupture), data)
        assert response.status_code == 400
        assert message in page_text(response)
        assert "Back to the rupture" in page_text(response)
    assert not RepairStep.objects.exists()


def test_resolving_is_refused_before_the_check_ins_recover(signed_in, personas):
    rupture = found_rupture(personas.chris_episode)
    response = signed_in("dana").post(url("rupture-resolve", rupture))
    assert response.status_code == 400
    assert "back at their baseline; that has not happened yet" in page_text(response)
    rupture.refresh_from_db()
    assert rupture.status == RuptureStatus.OPEN and rupture.closed_at is None


def test_resolving_after_the_engine_suggests_recovery(signed_in, personas):
    from alliance.signals.engine import evaluate_episodes

    rupture = found_rupture(personas.chris_episode)
    checkin(personas.chris_episode, 37)
    evaluate_episodes([personas.chris_episode.pk])
    rupture.refresh_from_db()
    assert rupture.recovery_suggested_at is not None
    dana = signed_in("dana")
    response = dana.get(url("rupture", rupture))
    page = page_text(response)
    assert "Check-in back at 37 on" in page and "baseline 36.2" in page
    assert '<button type="submit" class="primary">Confirm resolved</button>' in page_html(response)
    assert "back at baseline" in page  # marked in the check-in table

    response = dana.post(url("rupture-resolve", rupture))
    assert response.status_code == 302
    again = dana.post(url("rupture-resolve", rupture))  # pressed twice: no error page
    assert again.status_code == 302
    rupture.refresh_from_db()
    assert rupture.status == RuptureStatus.RESOLVED and rupture.closed_by == personas.dana
    assert AuditEvent.objects.filter(target="rupture resolved").count() == 1
    page = page_text(dana.get(url("rupture", rupture)))
    assert "Resolved" in page and "Record repair" not in page


def test_closing_without_recovery_needs_a_note(signed_in, personas):
    rupture = made_rupture(personas.chris_episode)
    dana = signed_in("dana")
    response = dana.post(url("rupture-close", rupture), {"note": "  "})
    assert response.status_code == 400
    assert "Please write why it is closed." in page_text(response)
    rupture.refresh_from_db()
    assert rupture.status == RuptureStatus.OPEN

    response = dana.post(url("rupture-close", rupture), {"note": "Chris decided to stop."})
    assert response.status_code == 302
    assert dana.post(url("rupture-close", rupture), {"note": "Again."}).status_code == 302
    rupture.refresh_from_db()
    assert rupture.status == RuptureStatus.UNRESOLVED
    assert rupture.closing_note == "Chris decided to stop."
    assert AuditEvent.objects.filter(target="rupture closed without recovery").count() == 1
    # Closed is closed: no more repair steps.
    response = dana.post(url("rupture-repair", rupture), REPAIR)
    assert response.status_code == 400 and "already closed" in page_text(response)


def test_opening_a_rupture_by_hand(signed_in, personas):
    dana = signed_in("dana")
    open_url = reverse("signals:rupture-open", kwargs={"episode_id": personas.chris_episode.pk})
    data = {"rupture_type": "confrontation", "description": "Chris walked out angry."}
    response = dana.post(open_url, data)
    rupture = RuptureEpisode.objects.get()
    assert response.status_code == 302 and response["Location"] == url("rupture", rupture)
    assert (rupture.rupture_type, rupture.opened_by, rupture.status) == (
        "confrontation",
        personas.dana,
        RuptureStatus.ACKNOWLEDGED,
    )
    assert AuditEvent.objects.filter(target="rupture opened by hand").count() == 1
    dana.post(open_url, data)  # a double click opens no second rupture
    assert RuptureEpisode.objects.count() == 1
    page = page_text(dana.get(url("rupture", rupture)))
    assert "Confrontation: Chris Moreau" in page and "by Dana Reyes" in page
    assert "Chris walked out angry." in page

    response = dana.post(open_url, {"rupture_type": "sulking", "description": "x"})
    assert response.status_code == 400
    assert "Choose withdrawal, confrontation or not yet clear." in page_text(response)
    response = dana.post(open_url, {"rupture_type": "", "description": ""})
    assert response.status_code == 400 and "Please write what you noticed." in page_text(response)
    assert RuptureEpisode.objects.count() == 1


def test_others_cannot_open_a_rupture_in_chris_episode(signed_in, personas):
    open_url = reverse("signals:rupture-open", kwargs={"episode_id": personas.chris_episode.pk})
    for name in ("olga", "sam", "alex", "chris"):
        response = signed_in(name).post(open_url, {"rupture_type": "", "description": "Hm."})
        assert response.status_code == 404, name
    assert not RuptureEpisode.objects.exists()


def test_get_on_a_form_url_is_not_allowed(signed_in, personas):
    rupture = made_rupture(personas.chris_episode)
    assert signed_in("dana").get(url("rupture-repair", rupture)).status_code == 405


def test_the_rupture_page_queries_do_not_grow(signed_in, personas):
    rupture = found_rupture(personas.chris_episode)
    dana = signed_in("dana")
    small = measure(dana, url("rupture", rupture))

    for number in range(6):
        dana.post(
            url("rupture-repair", rupture),
            {"strategies": ["revisit_goals"], "what_was_said": f"Step {number}"},
        )
    for total in (30, 31, 29, 30, 28, 30, 29, 31, 30, 28):
        checkin(personas.chris_episode, total, comment="fine I guess")
    big = measure(dana, url("rupture", rupture))

    assert_does_not_grow(small, big)
