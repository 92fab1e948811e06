"""Passwords: changing one while signed in, resetting a forgotten one by an emailed one-time
link without telling whether an address has an account, and the validators."""

from __future__ import annotations

import re
import statistics
import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.testing.personas import PASSWORD, Personas
from alliance.testing.tasks import run_queued_tasks

CHANGE = reverse("accounts:password-change")
RESET = reverse("accounts:password-reset")
SIGN_IN = reverse("accounts:login")
NEW = "a-quiet-lake-in-autumn"
CHRIS_EMAIL = "chris@example.org"


def signed_in(username: str) -> HttpClient:
    browser = HttpClient()
    browser.post(SIGN_IN, {"username": username, "password": PASSWORD})
    assert "_auth_user_id" in browser.session
    return browser


def can_sign_in(username: str, password: str) -> bool:
    browser = HttpClient()
    browser.post(SIGN_IN, {"username": username, "password": password})
    return "_auth_user_id" in browser.session


def with_email(personas: Personas) -> Personas:
    personas.chris.email = CHRIS_EMAIL
    personas.chris.save(update_fields=["email"])
    return personas


# --- Change -------------------------------------------------------------------------------------


def test_a_wrong_current_password_is_refused_and_nothing_changes(personas):
    browser = signed_in("dana")

    response = browser.post(
        CHANGE, {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW}
    )

    assert response.status_code == 200
    assert b"Your old password was entered incorrectly" in response.content
    assert can_sign_in("dana", PASSWORD)
    assert not can_sign_in("dana", NEW)


def test_a_changed_password_works_keeps_the_session_and_is_audited(personas):
    browser = signed_in("chris")

    response = browser.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-change-done")
    assert browser.get(reverse("portal:home")).status_code == 200  # still signed in
    assert can_sign_in("chris", NEW)
    assert not can_sign_in("chris", PASSWORD)
    event = AuditEvent.objects.get(target="password changed")
    assert event.actor_id == personas.chris.pk


def test_a_weak_new_password_is_refused_with_the_reason(personas):
    browser = signed_in("dana")

    response = browser.post(
        CHANGE,
        {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"},
    )

    assert response.status_code == 200
    assert b"too common" in response.content
    assert can_sign_in("dana", PASSWORD)


def test_signed_out_the_change_page_sends_to_sign_in(db):
    response = HttpClient().get(CHANGE)

    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


# --- Reset --------------------------------------------------------------------------------------


def ask_for_link(email: str, monkeypatch: pytest.MonkeyPatch) -> str:
    mail.outbox.clear()
    response = HttpClient().post(RESET, {"email": email})
    assert response.status_code == 302
    run_queued_tasks(monkeypatch)
    assert len(mail.outbox) == 1, [m.to for m in mail.outbox]
    match = re.search(r"https?://\S+(/accounts/password/reset/\S+/)", str(mail.outbox[0].body))
    assert match, mail.outbox[0].body
    return match.group(1)


def choose(browser: HttpClient, link: str, password: str):
    """Open the link (Django moves the token into the session), then send the form."""
    opened = browser.get(link)
    if opened.status_code != 302:
        return opened
    return browser.post(opened["Location"], {"new_password1": password, "new_password2": password})


def test_the_emailed_link_sets_a_new_password_once(personas, monkeypatch):
    with_email(personas)
    link = ask_for_link(CHRIS_EMAIL, monkeypatch)
    assert mail.outbox[0].to == [CHRIS_EMAIL]
    assert "chris" in mail.outbox[0].body
    browser = HttpClient()

    response = choose(browser, link, NEW)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-complete")
    assert can_sign_in("chris", NEW)
    assert not can_sign_in("chris", PASSWORD)
    assert AuditEvent.objects.filter(target="password reset by emailed link").count() == 1
    assert AuditEvent.objects.filter(target="password reset link sent").count() == 1
    again = choose(HttpClient(), link, "another-long-passphrase")
    assert again.status_code == 410
    assert b"This link no longer works" in again.content
    assert can_sign_in("chris", NEW)


def test_the_link_expires(personas, monkeypatch):
    with_email(personas)
    link = ask_for_link(CHRIS_EMAIL, monkeypatch)
    hours = settings.ALLIANCE_PASSWORD_RESET_HOURS
    assert hours * 3600 < settings.PASSWORD_RESET_TIMEOUT  # shorter than an invitation's

    with time_machine.travel(timezone.now() + timedelta(hours=hours, minutes=-5)):
        still = HttpClient().get(link)
    with time_machine.travel(timezone.now() + timedelta(hours=hours, minutes=5)):
        response = choose(HttpClient(), link, NEW)

    assert still.status_code == 302  # to the form: the link still held
    assert response.status_code == 410
    assert can_sign_in("chris", PASSWORD)


def test_a_sign_in_after_the_link_was_made_voids_it(personas, monkeypatch):
    with_email(personas)
    link = ask_for_link(CHRIS_EMAIL, monkeypatch)
    assert can_sign_in("chris", PASSWORD)

    response = choose(HttpClient(), link, NEW)

    assert response.status_code == 410


def test_an_invitation_link_is_no_reset_link(personas, monkeypatch):
    from alliance.accounts.invitations import invitation_path

    path = invitation_path(personas.chris).replace(
        "/accounts/invitation/", "/accounts/password/reset/"
    )

    response = choose(HttpClient(), path, NEW)

    assert response.status_code == 410


def test_a_reset_lifts_the_sign_in_lockout(personas, monkeypatch):
    with_email(personas)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        HttpClient().post(SIGN_IN, {"username": "chris", "password": "wrong"})
    assert not can_sign_in("chris", PASSWORD)
    link = ask_for_link(CHRIS_EMAIL, monkeypatch)

    choose(HttpClient(), link, NEW)

    assert can_sign_in("chris", NEW)


def test_an_account_without_a_password_or_deactivated_gets_no_link(personas, monkeypatch):
    with_email(personas)
    personas.chris.is_active = False
    personas.chris.save(update_fields=["is_active"])
    mail.outbox.clear()

    HttpClient().post(RESET, {"email": CHRIS_EMAIL})
    run_queued_tasks(monkeypatch)

    assert mail.outbox == []


def test_a_malformed_address_is_a_clear_400(db):
    response = HttpClient().post(RESET, {"email": "not an address"})

    assert response.status_code == 400
    assert b"Enter a valid email address" in response.content


def test_requests_beyond_the_lockout_limit_are_refused_for_that_address(personas, settings):
    settings.AXES_FAILURE_LIMIT = 3
    browser = HttpClient(REMOTE_ADDR="203.0.113.9")
    answers = [browser.post(RESET, {"email": f"x{i}@example.org"}).status_code for i in range(4)]
    other = HttpClient(REMOTE_ADDR="203.0.113.10").post(RESET, {"email": "y@example.org"})

    assert answers == [302, 302, 302, 429]
    assert other.status_code == 302


def test_the_sign_in_page_offers_the_reset(db):
    response = HttpClient().get(SIGN_IN)

    assert b"Forgot your password?" in response.content
    assert RESET.encode() in response.content


# --- No enumeration -----------------------------------------------------------------------------

RUNS = 30


PER_REQUEST = re.compile(rb'(nonce="|"X-CSRFToken": ")[^"]+"')


def without_per_request_values(body: bytes) -> bytes:
    """The page's CSP nonce and CSRF token differ on every response, whoever asks."""
    return PER_REQUEST.sub(rb"\1-", body)


def answer(email: str, ip: str) -> tuple[bytes, float]:
    browser = HttpClient(REMOTE_ADDR=ip)
    started = time.perf_counter()
    response = browser.post(RESET, {"email": email}, follow=True)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    return response.content, elapsed


def test_known_and_unknown_addresses_get_the_same_answer_in_the_same_time(personas, settings):
    """Same body; median times within noise. After a warm-up, the order alternates so neither
    address is always the first of a pair."""
    settings.AXES_FAILURE_LIMIT = 10 * RUNS
    with_email(personas)
    known: list[float] = []
    unknown: list[float] = []
    bodies: set[bytes] = set()
    answer("warm-up@example.org", "192.0.2.1")
    for i in range(RUNS):
        pair = [("nobody@example.org", unknown), (CHRIS_EMAIL, known)]
        for email, times in pair if i % 2 else reversed(pair):
            body, elapsed = answer(email, f"198.51.100.{i % 200}")
            bodies.add(without_per_request_values(body))
            times.append(elapsed)

    assert len(bodies) == 1
    difference = abs(statistics.median(known) - statistics.median(unknown))
    spread = statistics.pstdev(known + unknown)
    print(
        f"median known {statistics.median(known) * 1000:.2f} ms, "
        f"unknown {statistics.median(unknown) * 1000:.2f} ms, "
        f"difference {difference * 1000:.2f} ms, spread {spread * 1000:.2f} ms"
    )
    assert difference <= max(spread, 0.002)


def test_the_lookup_happens_in_the_worker_not_in_the_request(personas, monkeypatch):
    """The request queues the same task for any address; no email leaves before the worker runs."""
    with_email(personas)
    mail.outbox.clear()

    HttpClient().post(RESET, {"email": CHRIS_EMAIL})

    assert mail.outbox == []
    run_queued_tasks(monkeypatch)
    assert len(mail.outbox) == 1


# --- Validators ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1", "too short"),
        ("1234567890123", "entirely numeric"),
        ("iloveyou123", "too common"),  # from the breached-password list Django ships
        ("qwertyuiop", "too common"),
        ("chrisclient2024", "too similar"),
    ],
)
def test_the_validators_refuse_weak_passwords(personas, password, reason):
    personas.chris.first_name = "chrisclient2024"
    with pytest.raises(ValidationError) as refused:
        validate_password(password, personas.chris)

    assert reason in " ".join(refused.value.messages)


def test_a_long_unusual_passphrase_passes(personas):
    validate_password(NEW, personas.chris)
