"""Signing in: the real form, lockout after repeated failures, Argon2, idle sign-out and CSRF."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from alliance import settings as product_settings
from alliance.accounts.models import Role
from alliance.accounts.services import create_account
from alliance.audit.services import Actor
from alliance.practice.models import CareEpisode, Phase
from alliance.testing.personas import PASSWORD

SIGN_IN = reverse("accounts:login")
WRONG = "not-the-password"


def sign_in(browser: HttpClient, username: str, password: str, **extra):
    return browser.post(SIGN_IN, {"username": username, "password": password}, **extra)


def is_signed_in(browser: HttpClient) -> bool:
    return "_auth_user_id" in browser.session


@pytest.mark.parametrize(
    ("username", "home"),
    [
        ("dana", "/clinic/"),
        ("sam", "/clinic/supervision/"),
        ("alex", "/administration/"),
        ("chris", "/portal/"),
    ],
)
def test_the_right_password_signs_in_and_leads_to_the_role_home(personas, username, home):
    browser = HttpClient()

    response = sign_in(browser, username, PASSWORD, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == home
    assert is_signed_in(browser)


def test_a_wrong_password_shows_the_form_again_without_signing_in(personas):
    browser = HttpClient()

    response = sign_in(browser, "dana", WRONG)

    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert not is_signed_in(browser)


def test_a_deactivated_account_cannot_sign_in(personas):
    personas.dana.is_active = False
    personas.dana.save()
    browser = HttpClient()

    sign_in(browser, "dana", PASSWORD)

    assert not is_signed_in(browser)


class TestLockout:
    def fail(self, browser: HttpClient, times: int, username: str = "dana") -> None:
        for _ in range(times):
            sign_in(browser, username, WRONG)

    def test_settings_are_five_failures_and_a_fifteen_minute_cool_off(self):
        assert settings.AXES_FAILURE_LIMIT == 5
        assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME

    def test_four_failures_do_not_lock_the_account(self, personas):
        browser = HttpClient()
        self.fail(browser, settings.AXES_FAILURE_LIMIT - 1)

        response = sign_in(browser, "dana", PASSWORD)

        assert response.status_code == 302
        assert is_signed_in(browser)

    def test_after_too_many_failures_even_the_right_password_is_refused(self, personas):
        browser = HttpClient()
        self.fail(browser, settings.AXES_FAILURE_LIMIT)

        response = sign_in(browser, "dana", PASSWORD)

        assert response.status_code == 429
        assert b"Too many attempts" in response.content
        assert not is_signed_in(browser)

    def test_the_account_is_locked_from_another_address_too(self, personas):
        self.fail(HttpClient(REMOTE_ADDR="198.51.100.1"), settings.AXES_FAILURE_LIMIT)
        browser = HttpClient(REMOTE_ADDR="198.51.100.2")

        response = sign_in(browser, "dana", PASSWORD)

        assert response.status_code == 429
        assert not is_signed_in(browser)

    def test_failures_spread_over_many_usernames_lock_the_address(self, personas):
        attacker = HttpClient(REMOTE_ADDR="198.51.100.9")
        for username in ["dana", "olga", "sam", "alex", "chris"]:
            self.fail(attacker, 1, username)

        response = sign_in(attacker, "casey", PASSWORD)

        assert response.status_code == 429
        assert not is_signed_in(attacker)
        # casey herself, from her own address, is not locked out.
        casey = HttpClient(REMOTE_ADDR="198.51.100.10")
        assert sign_in(casey, "casey", PASSWORD).status_code == 302

    def test_behind_a_proxy_one_person_failing_does_not_lock_out_everyone(self, personas, settings):
        settings.ALLIANCE_PROXY_COUNT = 1
        attacker = HttpClient(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9")
        for username in ["dana", "olga", "sam", "alex", "chris"]:
            self.fail(attacker, 1, username)
        assert sign_in(attacker, "casey", PASSWORD).status_code == 429

        colleague = HttpClient(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.10")
        assert sign_in(colleague, "casey", PASSWORD).status_code == 302

    def test_a_forged_forwarded_header_does_not_escape_the_lock(self, personas):
        for number in range(settings.AXES_FAILURE_LIMIT):
            attacker = HttpClient(
                REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}"
            )
            sign_in(attacker, ["dana", "olga", "sam", "alex", "chris"][number], WRONG)

        attacker = HttpClient(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="192.0.2.99")
        assert sign_in(attacker, "casey", PASSWORD).status_code == 429

    def test_the_lock_holds_until_the_cool_off_time_has_passed(self, personas):
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            self.fail(HttpClient(), settings.AXES_FAILURE_LIMIT)
            traveller.shift(settings.AXES_COOLOFF_TIME - timedelta(minutes=1))

            response = sign_in(HttpClient(), "dana", PASSWORD)

        assert response.status_code == 429

    def test_the_lock_lifts_after_the_cool_off_time(self, personas):
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            self.fail(HttpClient(), settings.AXES_FAILURE_LIMIT)
            traveller.shift(settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
            browser = HttpClient()

            response = sign_in(browser, "dana", PASSWORD)

        assert response.status_code == 302
        assert is_signed_in(browser)

    def test_trying_again_during_the_lock_starts_the_cool_off_again(self, personas):
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            self.fail(HttpClient(), settings.AXES_FAILURE_LIMIT)
            traveller.shift(timedelta(minutes=10))
            assert sign_in(HttpClient(), "dana", PASSWORD).status_code == 429
            traveller.shift(settings.AXES_COOLOFF_TIME - timedelta(minutes=5))
            assert sign_in(HttpClient(), "dana", PASSWORD).status_code == 429
            traveller.shift(settings.AXES_COOLOFF_TIME + timedelta(minutes=1))

            assert sign_in(HttpClient(), "dana", PASSWORD).status_code == 302


class TestPasswordHashing:
    def test_the_product_hashes_passwords_with_argon2(self):
        assert product_settings.PASSWORD_HASHERS[0] == (
            "django.contrib.auth.hashers.Argon2PasswordHasher"
        )

    def test_a_new_account_password_is_stored_as_an_argon2_hash(self, personas):
        with override_settings(PASSWORD_HASHERS=product_settings.PASSWORD_HASHERS):
            user = create_account(
                actor=Actor.system("test"),
                practice=personas.practice,
                role=Role.THERAPIST,
                username="nina",
                first_name="Nina",
                last_name="Quist",
                password="a-long-unusual-passphrase-91",
            )
            assert user.password.startswith("argon2")
            assert identify_hasher(user.password).algorithm == "argon2"
            browser = HttpClient()
            assert sign_in(browser, "nina", "a-long-unusual-passphrase-91").status_code == 302


class TestIdleSignOut:
    """Staff are signed out after IDLE_TIMEOUT_MINUTES without a request; clients are not."""

    def test_dana_is_signed_out_after_sixteen_idle_minutes(self, signed_in, personas):
        browser = signed_in("dana")
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            assert browser.get("/clinic/").status_code == 200
            traveller.shift(timedelta(minutes=16))

            response = browser.get("/clinic/")

            assert response.status_code == 302
            assert response["Location"] == f"{SIGN_IN}?next=/clinic/"
            assert not is_signed_in(browser)
            # The session is gone for good, not only for that one request.
            assert browser.get("/clinic/")["Location"].startswith(SIGN_IN)

    def test_the_sign_in_page_says_why(self, signed_in, personas):
        browser = signed_in("dana")
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            browser.get("/clinic/")
            traveller.shift(timedelta(minutes=16))

            response = browser.get("/clinic/", follow=True)

        assert b"signed out after 15 minutes without activity" in response.content

    def test_activity_resets_the_clock(self, signed_in, personas):
        browser = signed_in("dana")
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            assert browser.get("/clinic/").status_code == 200
            traveller.shift(timedelta(minutes=14))
            assert browser.get("/clinic/").status_code == 200
            traveller.shift(timedelta(minutes=14))
            assert browser.get("/clinic/").status_code == 200
            assert is_signed_in(browser)

    def test_a_form_posted_after_the_timeout_changes_nothing(self, signed_in, personas):
        browser = signed_in("dana")
        episode = personas.chris_episode
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            browser.get("/clinic/")
            traveller.shift(timedelta(minutes=16))

            response = browser.post(
                reverse("clinic:episode-phase", kwargs={"episode_id": episode.pk}),
                {"phase": Phase.EXPLORING},
            )

        assert response["Location"].startswith(SIGN_IN)
        assert CareEpisode.objects.get(pk=episode.pk).phase == Phase.RAPPORT

    @pytest.mark.parametrize("name", ["sam", "alex"])
    def test_supervisors_and_admins_are_signed_out_too(self, signed_in, personas, name):
        browser = signed_in(name)
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            assert browser.get("/", follow=True).status_code == 200
            traveller.shift(timedelta(minutes=16))

            assert browser.get("/")["Location"].startswith(SIGN_IN)

    def test_a_client_is_not_signed_out_after_sixteen_idle_minutes(self, signed_in, personas):
        browser = signed_in("chris")
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            assert browser.get("/portal/").status_code == 200
            traveller.shift(timedelta(minutes=16))

            assert browser.get("/portal/").status_code == 200
            traveller.shift(timedelta(hours=2))

            assert browser.get("/portal/").status_code == 200

    def test_the_timeout_is_configurable(self, signed_in, personas, settings):
        settings.IDLE_TIMEOUT_MINUTES = 30
        browser = signed_in("dana")
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            browser.get("/clinic/")
            traveller.shift(timedelta(minutes=29))
            assert browser.get("/clinic/").status_code == 200

            traveller.shift(timedelta(minutes=31))
            assert browser.get("/clinic/")["Location"].startswith(SIGN_IN)


class TestCsrf:
    def test_a_sign_in_without_a_csrf_token_is_refused_with_a_plain_page(self, personas):
        browser = HttpClient(enforce_csrf_checks=True)

        response = sign_in(browser, "dana", PASSWORD)

        assert response.status_code == 403
        assert b"Your form expired or came from somewhere else" in response.content
        assert b"CSRF verification failed" not in response.content
        assert not is_signed_in(browser)

    def test_the_sign_in_form_works_with_its_csrf_token(self, personas):
        browser = HttpClient(enforce_csrf_checks=True)
        browser.get(SIGN_IN)
        token = browser.cookies[settings.CSRF_COOKIE_NAME].value

        response = browser.post(
            SIGN_IN, {"username": "dana", "password": PASSWORD, "csrfmiddlewaretoken": token}
        )

        assert response.status_code == 302
        assert is_signed_in(browser)

    def test_a_change_posted_without_a_csrf_token_is_refused(self, personas):
        browser = HttpClient(enforce_csrf_checks=True)
        browser.force_login(personas.dana, backend="django.contrib.auth.backends.ModelBackend")
        episode = personas.chris_episode

        response = browser.post(
            reverse("clinic:episode-phase", kwargs={"episode_id": episode.pk}),
            {"phase": Phase.EXPLORING},
        )

        assert response.status_code == 403
        assert CareEpisode.objects.get(pk=episode.pk).phase == Phase.RAPPORT
