"""Intake to ending: adding a client, the emailed invitation, details, consents and their
gates, and the ending of an episode (reason, summary, final measure, the practice's figures)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.audit.services import Actor
from alliance.conversation.services import upload_transcript
from alliance.lib.errors import DomainError
from alliance.measures.definitions import HEADLINE_OUTCOME_ID
from alliance.measures.models import FormRequest
from alliance.measures.services import create_forms_after_session
from alliance.once.decorators import ONCE_FIELD
from alliance.practice.consents import has_consent, revoke_consent
from alliance.practice.models import CareEpisode, Client, Consent, ConsentKind, EndReason
from alliance.practice.services import end_episode
from alliance.practice.tests.intake_helpers import (
    details_of,
    intake_data,
    invitation_kwargs,
    invited,
    link_in_last_email,
)
from alliance.signals.reestimate_service import ended_with_reason, endings_count

ACTOR = Actor.system("test")
NEW_PASSWORD = "a-long-unusual-passphrase-91"


def add_as(browser: Any, **changes: Any) -> Any:
    return browser.post(reverse("practice:add-client"), intake_data(**changes))


@pytest.fixture
def dana(signed_in, personas):
    return signed_in("dana")


def test_a_therapist_adds_a_client_to_her_own_caseload_and_an_invitation_is_emailed(
    dana, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = add_as(dana)

    client = Client.objects.get(last_name="Quist")
    assert response.status_code == 302
    assert response["Location"] == reverse("clinic:client", args=[client.pk])
    assert (client.preferred_name, client.pronouns, str(client.date_of_birth)) == (
        "Nin",
        "she/her",
        "1990-04-02",
    )
    assert client.emergency_contact_notes.startswith("Only if Nina")
    assert client.email == "nina.quist@example.org"
    episode = CareEpisode.objects.get(client=client)
    assert episode.therapist == personas.dana_profile and episode.is_open
    user = client.user
    assert user is not None and user.username == "nina.quist@example.org"
    assert not user.has_usable_password()  # nobody on the staff set it
    assert [m.to for m in mail.outbox] == [["nina.quist@example.org"]]
    assert "/accounts/invitation/" in mail.outbox[0].body
    assert {c.kind for c in Consent.objects.in_force().filter(client=client)} == {
        "treatment",
        "measurement",
    }
    consent = Consent.objects.get(client=client, kind="measurement")
    assert consent.version and consent.recorded_by == personas.dana
    # Measurement consent given: the intake forms wait for the client.
    assert FormRequest.objects.filter(episode=episode, respondent_role="client").exists()


def test_the_encrypted_notes_are_not_readable_in_the_database(dana, personas):
    add_as(dana)
    raw = Client.objects.filter(last_name="Quist").values_list("emergency_contact_notes", flat=True)
    assert "Only if Nina" not in str(raw[0].token)  # type: ignore[attr-defined]


def test_without_measurement_consent_no_intake_forms_are_sent(dana, personas):
    add_as(dana, consents=["treatment"])
    episode = CareEpisode.objects.get(client__last_name="Quist")
    assert not FormRequest.objects.filter(episode=episode).exists()


def test_forms_after_a_session_stop_when_the_client_revokes_measurement_consent(personas):
    revoke_consent(actor=ACTOR, client=personas.chris_client, kind=ConsentKind.MEASUREMENT)
    appointment = personas.chris_past_appointment
    FormRequest.objects.filter(appointment=appointment).delete()

    due = create_forms_after_session(appointment=appointment)

    # The therapist's own self-rating is hers, not the client's measure: still due.
    assert {form.respondent_role for form in due} == {"therapist"}


def test_a_transcript_is_refused_without_consent_to_analysis_and_the_page_says_why(
    signed_in, personas
):
    revoke_consent(actor=ACTOR, client=personas.chris_client, kind=ConsentKind.TRANSCRIPT_ANALYSIS)
    appointment = personas.chris_past_appointment
    with pytest.raises(DomainError, match="consent to the analysis"):
        upload_transcript(actor=Actor(user=personas.dana), appointment=appointment, data=b"T: hi")
    page = signed_in("dana").get(reverse("conversation:upload", args=[appointment.pk]))
    assert "consent to the analysis of session transcripts" in page.content.decode()
    assert 'type="file"' not in page.content.decode()


def test_the_admin_adds_a_client_for_a_therapist_she_picks(signed_in, personas):
    response = add_as(signed_in("alex"), therapist=str(personas.olga_profile.pk))
    assert response.status_code == 302
    episode = CareEpisode.objects.get(client__last_name="Quist")
    assert episode.therapist == personas.olga_profile
    # The admin's form has no clinical notes field: nothing of it is stored.
    assert episode.client.emergency_contact_notes == ""


def test_a_double_submit_adds_the_client_once(dana, personas):
    data = intake_data() | {ONCE_FIELD: "6f1c1c84-3a43-4a8a-9f43-111111111111"}
    first = dana.post(reverse("practice:add-client"), data)
    second = dana.post(reverse("practice:add-client"), data)
    assert first.status_code == second.status_code == 302
    assert Client.objects.filter(last_name="Quist").count() == 1
    assert User.objects.filter(username="nina.quist@example.org").count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": ""}, "This field is required."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"consents": ["measurement"]}, "Therapy cannot start without consent to treatment."),
        ({"consents": ["astrology"]}, "Select a valid choice."),
        ({"date_of_birth": "2999-01-01"}, "That date of birth is not possible."),
        ({"date_of_birth": "yesterday"}, "Enter a valid date."),
        ({"phone": "call me"}, "Use digits, spaces and"),
        ({"email": "dana@example.org", "first_name": ""}, "This field is required."),
    ],
)
def test_bad_intake_answers_400_with_a_message(dana, personas, changes, message):
    response = add_as(dana, **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Client.objects.filter(last_name="Quist").exists()


def test_an_email_already_used_by_an_account_answers_400(dana, personas):
    invited(personas, email="taken@example.org")
    response = add_as(dana, email="TAKEN@example.org")
    assert response.status_code == 400
    assert "There is already an account with that email address." in response.content.decode()


def test_the_invitation_link_sets_a_password_once_and_signs_the_client_in(
    client, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        noor = invited(personas)
    link = link_in_last_email()
    assert client.get(link).status_code == 200

    weak = client.post(link, {"new_password1": "12345678901", "new_password2": "12345678901"})
    assert weak.status_code == 400
    assert "entirely numeric" in weak.content.decode()

    done = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("portal:home")
    assert noor.user is not None
    noor.user.refresh_from_db()
    assert noor.user.check_password(NEW_PASSWORD)
    assert client.get(reverse("portal:home")).status_code == 200
    # Used once: the same link no longer works.
    client.logout()
    assert client.get(link).status_code == 410
    assert AuditEvent.objects.filter(target="password set from invitation").count() == 1


def test_an_invitation_link_expires(client, personas, settings):
    noor = invited(personas)
    link = reverse("accounts:invitation", kwargs=invitation_kwargs(noor.user))
    settings.PASSWORD_RESET_TIMEOUT = -1  # every token is older than that
    assert client.get(link).status_code == 410
    forged = reverse("accounts:invitation", kwargs={"uidb64": "zz", "token": "x-y"})
    assert client.get(forged).status_code == 410


def test_details_are_changed_by_the_therapist_and_every_change_is_audited(dana, personas):
    chris = personas.chris_client
    data = details_of(chris) | {"phone": "+44 20 7946 0001", "emergency_contact_notes": "Secret"}
    response = dana.post(reverse("practice:client-details", args=[chris.pk]), data)
    assert response.status_code == 302
    chris.refresh_from_db()
    assert chris.phone == "+44 20 7946 0001"
    event = AuditEvent.objects.get(target="client details", action="change")
    assert event.client_id == chris.pk and event.actor == personas.dana
    assert event.detail["phone"] == {"from": "", "to": "+44 20 7946 0001"}
    assert event.detail["emergency_contact_notes"] == {"changed": True}
    assert "Secret" not in str(event.detail)


def test_reading_the_details_page_is_audited_and_shows_no_notes_to_the_admin(signed_in, personas):
    chris = personas.chris_client
    chris.emergency_contact_notes = "Call her sister first"
    chris.save()
    admin_page = signed_in("alex").get(reverse("practice:client-details", args=[chris.pk]))
    assert "Call her sister first" not in admin_page.content.decode()
    therapist_page = signed_in("dana").get(reverse("practice:client-details", args=[chris.pk]))
    assert "Call her sister first" in therapist_page.content.decode()
    assert AuditEvent.objects.filter(target="client details", action="read").count() == 2


def test_another_therapist_and_the_supervisor_cannot_change_chris_details(signed_in, personas):
    chris = personas.chris_client
    url = reverse("practice:client-details", args=[chris.pk])
    data = details_of(chris) | {"phone": "+1 555 0100"}
    assert signed_in("olga").get(url).status_code == 404
    assert signed_in("olga").post(url, data).status_code == 404
    supervisor = signed_in("sam")
    page = supervisor.get(url)
    assert page.status_code == 200 and 'name="first_name"' not in page.content.decode()
    assert supervisor.post(url, data).status_code == 404
    assert signed_in("chris").get(url).status_code == 404
    chris.refresh_from_db()
    assert chris.phone == ""


def test_a_client_revokes_a_consent_in_the_portal_and_the_history_is_kept(signed_in, personas):
    chris = signed_in("chris")
    response = chris.post(reverse("portal:consent-revoke"), {"kind": "measurement"})
    assert response.status_code == 302
    client = personas.chris_client
    assert not has_consent(client, ConsentKind.MEASUREMENT)
    row = Consent.objects.get(client=client, kind="measurement")
    assert row.revoked_at is not None and row.revoked_by == personas.chris
    assert AuditEvent.objects.filter(target="consent revoked", client_id=client.pk).exists()
    again = chris.post(reverse("portal:consent-revoke"), {"kind": "measurement"})
    assert again.status_code == 400
    # The therapist records it anew: a second row, the first kept.
    signed_in("dana").post(
        reverse("practice:consents-give", args=[client.pk]), {"consents": ["measurement"]}
    )
    assert Consent.objects.filter(client=client, kind="measurement").count() == 2
    assert has_consent(client, ConsentKind.MEASUREMENT)


def end_url(personas) -> str:
    return reverse("clinic:episode-end", args=[personas.chris_episode.pk])


ENDING = {
    "reason": "client_withdrew",
    "summary": "We worked on sleep and worry.",
    "final_measure": "on",
    "confirm": "on",
}


def final_measures(personas) -> int:
    return FormRequest.objects.filter(
        episode=personas.chris_episode, appointment=None, instrument_id=HEADLINE_OUTCOME_ID
    ).count()


def test_ending_an_episode_records_the_reason_the_summary_and_offers_a_final_measure(
    dana, signed_in, personas
):
    before = final_measures(personas)
    response = dana.post(end_url(personas), ENDING)
    assert response.status_code == 302
    episode = CareEpisode.objects.get(pk=personas.chris_episode.pk)
    assert episode.end_reason == EndReason.CLIENT_WITHDREW and not episode.is_open
    assert episode.ending_summary == "We worked on sleep and worry."
    final = FormRequest.objects.filter(
        episode=episode, instrument_id=HEADLINE_OUTCOME_ID, appointment=None
    ).latest("pk")
    assert final.status == "pending"
    assert final.respondent == personas.chris
    assert final_measures(personas) == before + 1
    portal = signed_in("chris").get(reverse("portal:home")).content.decode()
    assert "We worked on sleep and worry." in portal
    assert "at the end of our work" in portal
    event = AuditEvent.objects.get(target="episode ended")
    assert event.detail == {"reason": "client_withdrew", "summary_written": True}


def test_an_ended_episode_of_a_client_who_stopped_attending_counts_as_a_dropout(dana, personas):
    practice_id = personas.practice.pk
    planned, dropouts = endings_count(practice_id)
    dana.post(end_url(personas), ENDING)
    assert endings_count(practice_id) == (planned, dropouts + 1)
    labelled = dict((item.episode_id, dropped) for item, dropped in ended_with_reason(practice_id))
    assert labelled[personas.chris_episode.pk] is True


def test_a_planned_ending_counts_as_planned_and_other_reasons_as_neither(personas):
    practice_id = personas.practice.pk
    end_episode(actor=ACTOR, episode=personas.chris_episode, reason=EndReason.COMPLETED)
    end_episode(actor=ACTOR, episode=personas.casey_episode, reason=EndReason.CLIENT_CHOSE_TO_STOP)
    assert endings_count(practice_id) == (1, 0)


def test_no_final_measure_without_measurement_consent(dana, personas):
    revoke_consent(actor=ACTOR, client=personas.chris_client, kind=ConsentKind.MEASUREMENT)
    page = dana.get(end_url(personas)).content.decode()
    assert "has not given (or has revoked) consent to outcome measures" in page
    before = final_measures(personas)
    dana.post(end_url(personas), ENDING)
    assert not CareEpisode.objects.get(pk=personas.chris_episode.pk).is_open
    assert final_measures(personas) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"confirm": ""}, "Tick the confirmation to end the episode."),
        ({"reason": "transferred"}, "Select a valid choice."),
        ({"reason": ""}, "This field is required."),
    ],
)
def test_bad_endings_answer_400_and_end_nothing(dana, personas, changes, message):
    response = dana.post(end_url(personas), ENDING | changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CareEpisode.objects.get(pk=personas.chris_episode.pk).is_open


def test_only_the_therapist_ends_her_episode(signed_in, personas):
    for name in ("olga", "sam", "alex", "chris"):
        assert signed_in(name).post(end_url(personas), ENDING).status_code == 404
    assert CareEpisode.objects.get(pk=personas.chris_episode.pk).is_open


def test_ending_twice_is_refused_and_offers_one_final_measure(dana, personas):
    before = final_measures(personas)
    dana.post(end_url(personas), ENDING)
    again = dana.post(end_url(personas), ENDING)
    assert again.status_code == 400
    assert final_measures(personas) == before + 1


def test_the_client_page_says_which_consent_is_missing_and_what_that_stops(dana, personas):
    url = reverse("clinic:client", args=[personas.chris_client.pk])
    assert "No consent in force" not in dana.get(url).content.decode()
    revoke_consent(actor=ACTOR, client=personas.chris_client, kind=ConsentKind.MEASUREMENT)
    page = dana.get(url).content.decode()
    assert "No consent in force to: outcome measures and check-in forms." in page
    assert "No forms are sent to the client." in page


def test_the_client_answers_the_final_measure_of_an_ended_episode(dana, signed_in, personas):
    dana.post(end_url(personas), ENDING)
    final = FormRequest.objects.filter(
        episode=personas.chris_episode, appointment=None, instrument_id=HEADLINE_OUTCOME_ID
    ).latest("pk")
    answers = {f"PHQ9_{item}": "0" for item in range(1, 10)}

    response = signed_in("chris").post(reverse("measures:answer", args=[final.pk]), answers)

    assert response.status_code == 302
    final.refresh_from_db()
    assert final.status == "completed"
    # The score belongs to the ended episode: the practice's expected bands read it.
    assert final.episode.status == "ended"


def test_ending_withdraws_the_forms_still_waiting_and_leaves_only_the_final_measure(dana, personas):
    episode = personas.chris_episode
    assert FormRequest.objects.filter(episode=episode, status="pending").count() >= 2

    dana.post(end_url(personas), ENDING)

    waiting = FormRequest.objects.filter(episode=episode, status="pending")
    assert [(f.instrument_id, f.appointment_id) for f in waiting] == [(HEADLINE_OUTCOME_ID, None)]
    assert FormRequest.objects.filter(episode=episode, status="withdrawn").exists()


def test_revoking_consent_to_measures_withdraws_the_forms_waiting_for_the_client(personas):
    chris = personas.chris_client
    assert FormRequest.objects.filter(client=chris, respondent_role="client", status="pending")

    revoke_consent(actor=ACTOR, client=chris, kind=ConsentKind.MEASUREMENT)

    assert not FormRequest.objects.filter(client=chris, respondent_role="client", status="pending")
    personas.dana_self_rating.refresh_from_db()
    assert personas.dana_self_rating.status == "pending"  # the therapist's own form stays
