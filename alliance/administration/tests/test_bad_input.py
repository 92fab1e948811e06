"""Wrong input on the admin forms answers 400 with a message on the form, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alliance.accounts.models import User
from alliance.practice.models import CareEpisode, Client, TherapistProfile

GOOD_PASSWORD = "a-long-unusual-passphrase-91"


def account(**changes) -> dict[str, str]:
    return {
        "first_name": "Nina",
        "last_name": "Quist",
        "username": "nina",
        "password": GOOD_PASSWORD,
    } | changes


@pytest.mark.parametrize("username", ["dana", "DANA", "erin"])
def test_a_taken_username_answers_400_with_a_message(signed_in, personas, username):
    users = User.objects.count()

    response = signed_in("alex").post(
        reverse("administration:add-therapist"), account(username=username)
    )

    assert response.status_code == 400
    assert "That username is already taken." in response.content.decode()
    assert User.objects.count() == users


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": "a b"}, "Use 3–40 letters, digits, dots, dashes or underscores."),
        ({"password": "short"}, "Ensure this value has at least 10 characters"),
        ({"password": "1234567890"}, "This password is entirely numeric."),
        ({"password": "password123"}, "This password is too common."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"first_name": ""}, "This field is required."),
    ],
    ids=["username", "short password", "numeric password", "common password", "email", "name"],
)
def test_bad_account_details_answer_400_with_a_message(signed_in, personas, changes, message):
    users = User.objects.count()

    response = signed_in("alex").post(reverse("administration:add-therapist"), account(**changes))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == users


def test_an_unknown_modality_answers_400(signed_in, personas):
    response = signed_in("alex").post(
        reverse("administration:add-therapist"), account(modalities=["astrology"])
    )

    assert response.status_code == 400
    assert "Select a valid choice. astrology is not one of the available choices." in (
        response.content.decode()
    )


def test_a_client_cannot_be_given_a_therapist_of_another_practice(signed_in, personas):
    theo = TherapistProfile.objects.get(user__username="theo")
    clients = Client.objects.count()

    # Clients are added through intake (alliance/practice/views.py), the admin picking the
    # therapist; no password is set by staff.
    response = signed_in("alex").post(
        reverse("practice:add-client"),
        {
            "first_name": "Nina",
            "last_name": "Quist",
            "email": "nina@example.org",
            "consents": ["treatment"],
            "therapist": str(theo.pk),
        },
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Client.objects.count() == clients


def assign_url(personas) -> str:
    return reverse("administration:assign", kwargs={"client_id": personas.chris_client.pk})


@pytest.mark.parametrize(
    ("therapist", "message"),
    [
        ("theo", "Select a valid choice"),
        ("123456", "Select a valid choice"),
        ("dana", "Chris Moreau is already assigned to Dana Reyes."),
    ],
    ids=["other practice", "no such therapist", "already assigned"],
)
def test_a_bad_assignment_answers_400_with_a_message(signed_in, personas, therapist, message):
    if not therapist.isdigit():
        therapist = str(TherapistProfile.objects.get(user__username=therapist).pk)
    episodes = CareEpisode.objects.count()

    response = signed_in("alex").post(
        assign_url(personas), {"therapist": therapist, "modality": "cbt", "style": "directive"}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert CareEpisode.objects.count() == episodes


def test_a_deactivated_therapist_cannot_be_assigned(signed_in, personas):
    alex = signed_in("alex")
    alex.post(reverse("administration:deactivate", kwargs={"user_id": personas.olga.pk}))

    response = alex.post(
        assign_url(personas),
        {"therapist": personas.olga_profile.pk, "modality": "cbt", "style": "directive"},
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_an_unknown_style_answers_400(signed_in, personas):
    response = signed_in("alex").post(
        assign_url(personas),
        {"therapist": personas.olga_profile.pk, "modality": "cbt", "style": "shouting"},
    )

    assert response.status_code == 400
    assert "Select a valid choice. shouting is not one of the available choices." in (
        response.content.decode()
    )


def test_an_admin_cannot_deactivate_their_own_account(signed_in, personas):
    response = signed_in("alex").post(
        reverse("administration:deactivate", kwargs={"user_id": personas.alex.pk})
    )

    assert response.status_code == 400
    assert "You cannot deactivate your own account." in response.content.decode()
    assert reverse("administration:home") in response.content.decode()  # the way back
    personas.alex.refresh_from_db()
    assert personas.alex.is_active


def test_a_deactivated_account_is_signed_out_and_cannot_come_back(signed_in, personas):
    dana = signed_in("dana")
    assert dana.get(reverse("clinic:dashboard")).status_code == 200

    signed_in("alex").post(
        reverse("administration:deactivate", kwargs={"user_id": personas.dana.pk})
    )

    response = dana.get(reverse("clinic:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
