"""The calendar in a real browser: the therapist books a session from a free slot in her week;
the client, on a phone, cancels a session inside the late-cancellation window, is told so before
confirming and sees it counted; the reminder emails are captured."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from alliance.appointments.calendar import monday_of
from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.appointments.selfservice import set_working_hours
from alliance.appointments.tests.helpers import HELPER
from alliance.reminders.sending import send_due
from alliance.testing.browser import PHONE

pytestmark = pytest.mark.browser


def test_therapist_books_from_her_week_and_client_cancels_late_on_a_phone(
    new_page, live_server, personas, sign_in, screenshot
):
    set_working_hours(
        actor=HELPER,
        therapist=personas.dana_profile,
        stretches=[(day, time(9), time(17)) for day in range(7)],
    )
    personas.chris_client.email = "chris@example.org"
    personas.chris_client.save(update_fields=["email"])
    next_week = monday_of(timezone.localdate()) + timedelta(weeks=1)

    page = new_page()
    sign_in(page, "dana")
    page.get_by_role("link", name="Calendar", exact=True).click()
    page.get_by_role("link", name="Next week →").click()
    expect(page.get_by_role("heading", name=f"Week of {next_week:%-d %B %Y}")).to_be_visible()
    page.get_by_role("link", name=f"Book {next_week:%A %-d %B} at 11:00").click()
    page.get_by_label("Client").select_option(label="Chris Moreau")
    screenshot(page, "calendar-book-slot")
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_text("Booked a session with Chris Moreau.")).to_be_visible()
    monday = page.locator("section.calendar-day").first
    expect(monday.locator("li.session")).to_contain_text("11:00–11:50")
    screenshot(page, "calendar-week")
    page.get_by_role("link", name="Working hours").click()
    expect(page.get_by_label("Monday from").first).to_have_value("09:00")
    screenshot(page, "calendar-working-hours")
    booked = Appointment.objects.get(
        episode=personas.chris_episode, scheduled_start__date=next_week
    )
    assert booked.series is None and timezone.localtime(booked.scheduled_start).hour == 11

    soon = session_in_ten_hours(personas)  # cancelling it now is late
    start = soon.scheduled_start
    assert send_due().sessions == 1 and send_due().sessions == 0  # the job runs twice: one email
    reminder = [m for m in mail.outbox if m.subject == "Your next session"]
    assert len(reminder) == 1 and reminder[0].to == ["chris@example.org"]

    phone = new_page(**PHONE)
    sign_in(phone, "chris")
    phone.get_by_role("link", name="Cancel or ask to move a session").click()
    row = phone.locator("ul.my-sessions li", has_text=f"{timezone.localtime(start):%-d %B, %H:%M}")
    row.get_by_role("link", name="Cancel").click()
    expect(phone.locator("#late-warning")).to_have_text(
        "This is inside the 24-hour window and will count as a late cancellation."
    )
    screenshot(phone, "cancel-late-phone")
    phone.get_by_role("button", name="Cancel anyway (late cancellation)").click()
    expect(phone.get_by_text("counts as a late cancellation (1 so far)")).to_be_visible()
    expect(phone.locator("#late-count")).to_contain_text("Late cancellations so far: 1")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "cancelled-phone")
    soon.refresh_from_db()
    assert soon.status == AppointmentStatus.LATE_CANCELLED
    assert send_due().sessions == 0  # a cancelled session is not reminded


def session_in_ten_hours(personas) -> Appointment:
    start = (timezone.now() + timedelta(hours=10)).replace(second=0, microsecond=0)
    return Appointment.objects.create(
        practice=personas.practice,
        episode=personas.chris_episode,
        scheduled_start=start,
        scheduled_end=start + timedelta(minutes=50),
    )


def test_client_asks_to_move_on_a_phone_and_the_therapist_accepts(
    new_page, live_server, personas, sign_in, screenshot
):
    set_working_hours(
        actor=HELPER,
        therapist=personas.dana_profile,
        stretches=[(day, time(9), time(17)) for day in range(7)],
    )
    appointment = personas.chris_next_appointment

    phone = new_page(**PHONE)
    sign_in(phone, "chris")
    phone.get_by_role("link", name="My sessions").click()
    row = phone.locator("ul.my-sessions li").first
    row.get_by_role("link", name="Ask to move").click()
    choice = phone.get_by_role("radio").first
    wanted = choice.get_attribute("value")
    choice.check()
    phone.get_by_role("button", name="Ask to move").click()
    expect(phone.get_by_text("waiting for your therapist")).to_be_visible()
    screenshot(phone, "move-asked-phone")

    page = new_page()
    sign_in(page, "dana")
    page.get_by_role("link", name="Calendar", exact=True).click()
    requests = page.locator("section", has=page.get_by_role("heading", name="Clients asking"))
    expect(requests).to_contain_text("Chris Moreau")
    requests.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Session moved to")).to_be_visible()
    appointment.refresh_from_db()
    assert wanted is not None
    assert appointment.scheduled_start == datetime.fromisoformat(wanted)
    assert appointment.sequence == 1

    phone.reload()
    expect(phone.get_by_text("was accepted")).to_be_visible()
