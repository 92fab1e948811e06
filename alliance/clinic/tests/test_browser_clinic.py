"""The therapist's pages in a real browser: caseload, client page, attendance and phase changes."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from alliance.appointments.models import Appointment, AppointmentStatus
from alliance.appointments.services import schedule_appointment
from alliance.testing.personas import SETUP, Personas

pytestmark = pytest.mark.browser


def _unrecorded_past_appointment(personas: Personas) -> Appointment:
    """An appointment two days ago that nobody has recorded yet."""
    start = (timezone.now() - timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    return schedule_appointment(
        actor=SETUP,
        episode=personas.chris_episode,
        start=start,
        end=start + timedelta(minutes=50),
    )


def _open_chris_from_the_dashboard(page: Page, personas: Personas) -> None:
    expect(page.get_by_role("heading", name="Your caseload")).to_be_visible()
    page.get_by_role("link", name="Chris Moreau").click()
    expect(page.get_by_role("heading", name="Chris Moreau", level=1)).to_be_visible()
    assert page.url.endswith(f"/clinic/clients/{personas.chris_client.pk}/")


def test_therapist_goes_from_caseload_to_client_page(
    page, live_server, personas, sign_in, screenshot
):
    sign_in(page, "dana")

    assert page.url == f"{live_server.url}/clinic/"
    caseload = page.locator("table.caseload")
    expect(caseload.get_by_role("link", name="Chris Moreau")).to_be_visible()
    expect(caseload).not_to_contain_text("Casey Nakamura")
    expect(caseload).to_contain_text("Building rapport")
    screenshot(page, "clinic-dashboard-desktop")

    _open_chris_from_the_dashboard(page, personas)
    expect(page.get_by_role("heading", name="Phase history")).to_be_visible()
    expect(page.locator("ol.timeline")).to_contain_text("Started in Building rapport")
    appointments = page.locator("table.appointments tbody tr")
    expect(appointments).to_have_count(5)
    expect(page.locator("table.appointments")).to_contain_text("Attended")
    screenshot(page, "clinic-client-desktop")


def test_attendance_is_recorded_in_place_with_htmx(
    page, live_server, personas, sign_in, screenshot
):
    appointment = _unrecorded_past_appointment(personas)
    sign_in(page, "dana")
    _open_chris_from_the_dashboard(page, personas)
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load"
    # A full page load would wipe this marker; an htmx swap of one row keeps it.
    page.evaluate("window.stillTheSamePage = true")
    url_before = page.url

    row = page.locator(f"#appointment-{appointment.pk}")
    expect(row.locator(".status")).to_have_text("Not recorded yet")
    row.get_by_label("Attendance").select_option(label="Attended")
    row.get_by_label("Minutes late").fill("10")
    with page.expect_response(f"**/appointments/{appointment.pk}/attendance/") as response_info:
        row.get_by_role("button", name="Save").click()

    response = response_info.value
    assert response.request.headers.get("hx-request") == "true"
    assert response.status == 200
    row = page.locator(f"#appointment-{appointment.pk}")
    expect(row.locator(".status")).to_have_text("Attended")
    expect(row).to_contain_text("10 min late")
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.url == url_before
    expect(page.locator(".messages")).to_have_count(0)
    # The swapped-in row carries a working form of its own.
    expect(row.get_by_label("Attendance")).to_have_value(AppointmentStatus.ATTENDED)
    screenshot(page, "clinic-client-after-attendance")

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED
    assert appointment.minutes_late == 10


def test_attendance_form_works_without_javascript(new_page, live_server, personas, sign_in):
    appointment = _unrecorded_past_appointment(personas)
    page = new_page(java_script_enabled=False)
    sign_in(page, "dana")
    _open_chris_from_the_dashboard(page, personas)

    row = page.locator(f"#appointment-{appointment.pk}")
    row.get_by_label("Attendance").select_option(label="No-show")
    with page.expect_navigation():
        row.get_by_role("button", name="Save").click()

    # Back on the client page, at the row just recorded.
    assert page.url.endswith(
        f"/clinic/clients/{personas.chris_client.pk}/#appointment-{appointment.pk}"
    )
    expect(page.get_by_role("status")).to_contain_text("Attendance recorded.")
    expect(page.locator(f"#appointment-{appointment.pk} .status")).to_have_text("No-show")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NO_SHOW


def test_therapist_moves_the_episode_to_another_phase(page, live_server, personas, sign_in):
    sign_in(page, "dana")
    _open_chris_from_the_dashboard(page, personas)

    page.get_by_text("Move to another phase").click()
    page.get_by_label("Move to phase").select_option(label="Exploring issues and patterns")
    page.get_by_label("Why now?").fill("Trust is there; ready to look at patterns.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save phase").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Moved to the phase “Exploring issues and patterns”."
    )
    history = page.locator("ol.timeline li")
    expect(history).to_have_count(2)
    expect(history.last).to_contain_text("Building rapport → Exploring issues and patterns")
    expect(history.last).to_contain_text("Trust is there; ready to look at patterns.")
    expect(page.locator("dl.figures")).to_contain_text("Exploring issues and patterns")
