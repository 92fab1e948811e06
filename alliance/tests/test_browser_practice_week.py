"""A practice's whole week in a real browser, as issue 15 asks for it: a therapist adds a client →
the client sets a password from the emailed link on a phone → answers the intake forms → the
agreement is drafted, shared and acknowledged → a session is booked in the week view → the client
cancels one inside the late-cancellation window and sees it counted → reminders are sent (the
emails captured) → the episode ends with a reason and a final measure → the client reads the
ending summary in the portal."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from alliance.agreements.models import Agreement
from alliance.agreements.services import current_version, save_version
from alliance.agreements.terms import terms_of
from alliance.agreements.tests.helpers import SETUP, filled_in
from alliance.appointments.calendar import monday_of
from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.appointments.selfservice import set_working_hours
from alliance.measures.models import MeasureResponse
from alliance.practice.models import CareEpisode, EndReason, EpisodeStatus
from alliance.practice.tests.browser_steps import (
    SUMMARY,
    add_nina,
    end_ninas_episode,
    set_password_from_the_emailed_link,
)
from alliance.reminders.sending import send_due
from alliance.testing.browser import PHONE

pytestmark = pytest.mark.browser


def origin(page: Page) -> str:
    parts = urlsplit(page.url)
    return f"{parts.scheme}://{parts.netloc}"


def ninas_episode() -> CareEpisode:
    return CareEpisode.objects.select_related("client").get(client__first_name="Nina")


def waiting_forms(phone: Page):
    return phone.locator("section", has=phone.get_by_role("heading", name="Waiting for you"))


def answer_the_intake_forms(phone: Page) -> int:
    """Answers every form waiting "before we start", each question with its first choice."""
    answered = 0
    while waiting_forms(phone).get_by_role("link").count():
        waiting_forms(phone).get_by_role("link").first.click()
        for group in phone.locator("fieldset:has(input[type=radio])").all():
            group.locator("input[type=radio]").first.check()
        with phone.expect_navigation():
            phone.get_by_role("button", name="Send").click()
        expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()
        answered += 1
        phone.goto(origin(phone) + reverse("portal:home"))
    return answered


def draft_fill_in_and_share_the_agreement(clinic: Page) -> Agreement:
    with clinic.expect_navigation():
        clinic.get_by_role("button", name="Draft from the practice template").click()
    agreement = Agreement.objects.get(episode=ninas_episode())
    clinic.goto(origin(clinic) + reverse("agreements:detail", args=[agreement.pk]))
    expect(clinic.get_by_text("Still to fill in before it can be shared:")).to_be_visible()
    draft = current_version(agreement)  # the therapist writes it with Nina: every blank filled
    save_version(
        actor=SETUP, agreement=agreement, sections=filled_in(draft.sections), terms=terms_of(draft)
    )
    clinic.reload()
    with clinic.expect_navigation():
        clinic.get_by_role("button", name="Share with Nina").click()
    agreement.refresh_from_db()
    assert agreement.shared_at is not None
    return agreement


def acknowledge_on_the_phone(phone: Page) -> None:
    phone.get_by_role("link", name="Our therapy agreement").click()
    with phone.expect_navigation():
        phone.get_by_role("button", name="I have read and agree").click()
    expect(phone.get_by_role("button", name="I have read and agree")).to_have_count(0)


def book_next_week_in_the_week_view(clinic: Page, personas: Any) -> None:
    set_working_hours(
        actor=SETUP,
        therapist=personas.dana_profile,
        stretches=[(day, time(9), time(17)) for day in range(7)],
    )
    next_week = monday_of(timezone.localdate()) + timedelta(weeks=1)
    clinic.get_by_role("link", name="Calendar", exact=True).click()
    clinic.get_by_role("link", name="Next week →").click()
    clinic.get_by_role("link", name=f"Book {next_week:%A %-d %B} at 11:00").click()
    clinic.get_by_label("Client").select_option(label="Nina Quist")
    clinic.get_by_role("button", name="Book").click()
    expect(clinic.get_by_text("Booked a session with Nina Quist.")).to_be_visible()
    booked = Appointment.objects.get(episode=ninas_episode(), scheduled_start__date=next_week)
    assert booked.series is None


def a_session_in_ten_hours_reminded_once() -> Appointment:
    start = (timezone.now() + timedelta(hours=10)).replace(second=0, microsecond=0)
    episode = ninas_episode()
    soon = Appointment.objects.create(
        practice=episode.practice,
        episode=episode,
        scheduled_start=start,
        scheduled_end=start + timedelta(minutes=50),
    )
    assert send_due().sessions == 1 and send_due().sessions == 0
    reminders = [m for m in mail.outbox if m.subject == "Your next session"]
    assert [m.to for m in reminders] == [["nina@example.org"]]
    return soon


def cancel_late_on_the_phone(phone: Page, soon: Appointment) -> None:
    phone.get_by_role("link", name="Cancel or ask to move a session").click()
    start = timezone.localtime(soon.scheduled_start)
    row = phone.locator("ul.my-sessions li", has_text=f"{start:%-d %B, %H:%M}")
    row.get_by_role("link", name="Cancel").click()
    expect(phone.locator("#late-warning")).to_have_text(
        "This is inside the 24-hour window and will count as a late cancellation."
    )
    phone.get_by_role("button", name="Cancel anyway (late cancellation)").click()
    expect(phone.locator("#late-count")).to_contain_text("Late cancellations so far: 1")
    soon.refresh_from_db()
    assert soon.status == AppointmentStatus.LATE_CANCELLED


def test_a_practice_week_from_intake_to_ending(
    new_page, live_server, personas, sign_in, screenshot
):
    mail.outbox.clear()
    clinic = new_page()
    sign_in(clinic, "dana")
    add_nina(clinic, live_server)
    phone = new_page(**PHONE)
    set_password_from_the_emailed_link(phone, live_server)
    assert answer_the_intake_forms(phone) >= 1
    assert MeasureResponse.objects.filter(episode=ninas_episode()).exists()

    agreement = draft_fill_in_and_share_the_agreement(clinic)
    phone.goto(f"{live_server.url}/portal/")
    acknowledge_on_the_phone(phone)
    assert current_version(agreement).acknowledgements.exists()

    book_next_week_in_the_week_view(clinic, personas)
    soon = a_session_in_ten_hours_reminded_once()
    phone.goto(f"{live_server.url}/portal/")
    cancel_late_on_the_phone(phone, soon)
    screenshot(phone, "week-cancelled-late-phone")

    clinic.goto(f"{live_server.url}/clinic/clients/{ninas_episode().client_id}/")
    end_ninas_episode(clinic)
    episode = ninas_episode()
    assert (episode.status, episode.end_reason) == (EpisodeStatus.ENDED, EndReason.COMPLETED)
    phone.goto(f"{live_server.url}/portal/")
    expect(phone.get_by_role("heading", name="Looking back on our work")).to_be_visible()
    expect(phone.get_by_text(SUMMARY)).to_be_visible()
    expect(waiting_forms(phone)).to_contain_text("at the end of our work")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "week-ending-phone")
