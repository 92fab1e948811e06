"""Conversation analysis over HTTP: upload on the session page, the background analysis, the
report, deletion for good, consent for supervisors, the trends page, and the audit trail."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from alliance.audit.models import AuditAction, AuditEvent
from alliance.conversation.models import AnalysisStatus, ConversationReport, Transcript
from alliance.conversation.tasks import analyze_transcript
from alliance.conversation.tests.helpers import (
    REFLECTION_INDEX,
    SESSION_TEXT,
    RuleCoder,
    analysed,
    sample_upload,
    share_reports,
    uploaded,
)
from alliance.lib.encryption import decrypt
from alliance.testing.queries import assert_does_not_grow, measure


@pytest.fixture(autouse=True)
def rule_coder(monkeypatch):
    """Every analysis in these tests uses the tiny rule coder, not the shipped one."""
    monkeypatch.setattr("alliance.conversation.analysis.current_coder", RuleCoder)


def session_url(appointment_id: int) -> str:
    return reverse("sessions:page", args=[appointment_id])


def report_url(transcript: Transcript) -> str:
    return reverse("conversation:report", args=[transcript.pk])


def test_the_therapist_uploads_on_the_session_page_and_the_analysis_runs(signed_in, personas):
    appointment = personas.chris_past_appointment
    dana = signed_in("dana")
    page = dana.get(session_url(appointment.pk)).content.decode()
    assert "Conversation analysis" in page
    assert reverse("conversation:upload", args=[appointment.pk]) in page

    response = dana.post(
        reverse("conversation:upload", args=[appointment.pk]),
        {"file": sample_upload(), "speakers": ""},
    )
    transcript = Transcript.objects.get(appointment=appointment)
    assert response.status_code == 302 and response["Location"] == report_url(transcript)
    assert transcript.status == AnalysisStatus.PENDING
    assert (transcript.source_format, transcript.turn_count) == ("text", 8)
    assert transcript.uploaded_by == personas.dana
    assert transcript.original_filename == "session.txt"

    waiting = dana.get(report_url(transcript)).content.decode()
    assert "Analysing…" in waiting
    assert f'hx-get="{reverse("conversation:status", args=[transcript.pk])}"' in waiting
    poll = dana.get(reverse("conversation:status", args=[transcript.pk]), HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and "Analysing…" in poll.content.decode()

    assert analyze_transcript.call(transcript.pk) is True

    poll = dana.get(reverse("conversation:status", args=[transcript.pk]), HTTP_HX_REQUEST="true")
    assert poll.status_code == 204 and poll["HX-Redirect"] == report_url(transcript)
    plain = dana.get(reverse("conversation:status", args=[transcript.pk]))
    assert plain.status_code == 302 and plain["Location"] == report_url(transcript)
    html = dana.get(report_url(transcript)).content.decode()
    assert "Analysing…" not in html
    assert "Coded on this server by test-rules 1." in html  # behind "How this was worked out"
    assert "Reflections per question" in html and "MITI 4.2.1: fair 1:1, good 2:1" in html
    assert "no threshold in MITI 4.2.1" in html
    # Example quotes link to their turn in the coded transcript below.
    assert f'href="#turn-{REFLECTION_INDEX}"' in html
    assert f'id="turn-{REFLECTION_INDEX}"' in html
    assert "part of you is ready to change" in html
    assert "Withdrawal" in html and "Delete for good" in html
    assert "Conversation report" in dana.get(session_url(appointment.pk)).content.decode()


def test_the_upload_queues_the_analysis_when_it_commits(
    signed_in, personas, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    appointment = personas.chris_past_appointment
    with django_capture_on_commit_callbacks(execute=True):
        signed_in("dana").post(
            reverse("conversation:upload", args=[appointment.pk]),
            {"file": sample_upload(), "speakers": ""},
        )
    transcript = Transcript.objects.get(appointment=appointment)
    assert transcript.status == AnalysisStatus.DONE
    assert ConversationReport.objects.filter(transcript=transcript).exists()


def test_the_database_worker_runs_the_analysis(transactional_db, personas, settings):
    transcript = None
    from django.db import transaction

    with transaction.atomic():
        transcript = uploaded(personas)
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    transcript.refresh_from_db()
    assert transcript.status == AnalysisStatus.DONE


def test_a_transcript_that_cannot_be_read_comes_back_with_its_line(signed_in, personas):
    appointment = personas.chris_past_appointment
    response = signed_in("dana").post(
        reverse("conversation:upload", args=[appointment.pk]),
        {
            "file": sample_upload("s.srt", "1\n00:00:01,000 -> 00:00:02,000\nT: Hi\n"),
            "speakers": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "That transcript could not be read." in html
    assert "line 2: expected a timing line" in html
    assert not Transcript.objects.exists()


def test_the_speaker_list_maps_names_and_is_checked(signed_in, personas):
    appointment = personas.chris_past_appointment
    url = reverse("conversation:upload", args=[appointment.pk])
    dana = signed_in("dana")
    text = "Dr Reyes: How are you?\nChris: Tired.\n"
    bad = dana.post(url, {"file": sample_upload(text=text), "speakers": "Dr Reyes = boss"})
    assert bad.status_code == 400
    assert "&#x27;boss&#x27; is neither therapist nor client" in bad.content.decode()
    good = dana.post(
        url, {"file": sample_upload(text=text), "speakers": "Dr Reyes = therapist\nChris = client"}
    )
    assert good.status_code == 302
    [turn, answer] = Transcript.objects.get().turns()
    assert (turn.speaker, answer.speaker) == ("therapist", "client")


def test_the_upload_form_page_works_without_the_session_page(signed_in, personas):
    url = reverse("conversation:upload", args=[personas.chris_past_appointment.pk])
    assert "Upload a transcript" in signed_in("dana").get(url).content.decode()


def _stored(table: str, columns: str) -> tuple[str, ...]:
    """What the database holds, read past the models (the columns keep their old names)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608 (our own names)
        [row] = cursor.fetchall()
    return tuple(row)


def test_turns_and_reports_are_encrypted_at_rest(personas):
    transcript = analysed(personas)
    report = ConversationReport.objects.get(transcript=transcript)
    [turns] = _stored(Transcript._meta.db_table, "turns_token")
    figures, coded_turns = _stored(
        ConversationReport._meta.db_table, "figures_token, coded_turns_token"
    )
    for token in (turns, figures, coded_turns):
        assert "worry window" not in token and "Whatever" not in token
    assert "worry window" in decrypt(turns)
    coded = json.loads(decrypt(coded_turns))
    assert coded[REFLECTION_INDEX]["primary"] == "complex_reflection"
    assert json.loads(decrypt(figures)) == report.figures()
    assert report.figures()["reflection_to_question"] == report.reflection_to_question == 0.5


def test_a_report_under_a_missing_key_says_so(signed_in, personas, settings):
    transcript = analysed(personas)
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    html = signed_in("dana").get(report_url(transcript)).content.decode()
    assert "This report cannot be read" in html


def test_rotating_the_keys_re_encrypts_transcripts_and_reports(personas, settings, capsys):
    transcript = analysed(personas)
    old = settings.ENCRYPTION_KEYS[0]
    new = Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [new, old]
    call_command("rotate_keys", "--batch-size", "1")
    out = capsys.readouterr().out
    assert "conversation.Transcript.turns_json: 1 of 1 row(s) re-encrypted" in out
    assert "conversation.ConversationReport.figures_json: 1 of 1 row(s) re-encrypted" in out
    assert "conversation.ConversationReport.coded_turns_json: 1 of 1 row(s) re-encrypted" in out
    settings.ENCRYPTION_KEYS = [new]
    assert "worry window" in Transcript.objects.get(pk=transcript.pk).turns_json
    assert ConversationReport.objects.get().figures()["turns"] == 8
    call_command("rotate_keys")
    assert "Re-encrypted 0 value(s)" in capsys.readouterr().out


def test_a_failed_analysis_is_shown_without_quoting_the_session(signed_in, personas, monkeypatch):
    class BrokenCoder(RuleCoder):
        def code(self, turns):
            raise RuntimeError(f"could not code {turns[0].text}")

    monkeypatch.setattr("alliance.conversation.analysis.current_coder", BrokenCoder)
    transcript = uploaded(personas)
    assert analyze_transcript.call(transcript.pk) is False
    transcript.refresh_from_db()
    assert transcript.status == AnalysisStatus.FAILED
    assert transcript.failure == "The analysis stopped with an error (RuntimeError)."
    html = signed_in("dana").get(report_url(transcript)).content.decode()
    assert "The analysis did not finish" in html


def test_a_transcript_deleted_before_its_analysis_is_skipped(personas):
    transcript = uploaded(personas)
    Transcript.objects.filter(pk=transcript.pk).delete()
    assert analyze_transcript.call(transcript.pk) is False


def test_delete_for_good_leaves_an_audit_row_without_content(signed_in, personas):
    transcript = analysed(personas)
    response = signed_in("dana").post(reverse("conversation:delete", args=[transcript.pk]))
    assert response.status_code == 302
    assert response["Location"] == session_url(personas.chris_past_appointment.pk)
    assert not Transcript.objects.exists() and not ConversationReport.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.DELETE)
    assert event.target == "session transcript"
    assert event.actor == personas.dana and event.client_id == personas.chris_client.pk
    assert event.detail == {
        "transcript": transcript.pk,
        "appointment": personas.chris_past_appointment.pk,
        "with_report": True,
    }
    trail = json.dumps(list(AuditEvent.objects.values("detail", "target", "path")))
    assert "worry" not in trail and "session.txt" not in trail and "s.txt" not in trail
    assert signed_in("dana").get(report_url(transcript)).status_code == 404


def test_every_read_is_audited(signed_in, personas):
    transcript = analysed(personas)
    signed_in("dana").get(report_url(transcript))
    signed_in("dana").get(reverse("conversation:trends"))
    reads = AuditEvent.objects.filter(action=AuditAction.READ).order_by("id")
    assert [(event.target, event.client_id) for event in reads] == [
        ("conversation report", personas.chris_client.pk),
        ("conversation trends", None),
    ]
    [created_transcript, created_report] = AuditEvent.objects.filter(
        action=AuditAction.CREATE, target__in=["session transcript", "conversation report"]
    ).order_by("id")
    assert created_transcript.detail == {"format": "text", "turns": 8}
    assert created_report.detail == {"coder": "test-rules", "coder_version": "1"}


def test_supervisors_read_reports_only_with_the_therapists_consent(signed_in, personas):
    transcript = analysed(personas)
    sam = signed_in("sam")
    assert sam.get(report_url(transcript)).status_code == 404
    session_page = sam.get(session_url(personas.chris_past_appointment.pk)).content.decode()
    assert "Conversation analysis" not in session_page

    dana = signed_in("dana")
    assert (
        "Let my supervisors see my conversation reports"
        in dana.get(reverse("conversation:trends")).content.decode()
    )
    dana.post(reverse("conversation:sharing"), {"share": "on"})
    personas.dana_profile.refresh_from_db()
    assert personas.dana_profile.share_conversation_reports is True
    assert AuditEvent.objects.filter(
        target="conversation report sharing", detail={"share_with_supervisors": True}
    ).exists()

    html = sam.get(report_url(transcript)).content.decode()
    assert "Read-only" in html and "Delete for good" not in html
    assert "part of you is ready to change" in html
    session_page = sam.get(session_url(personas.chris_past_appointment.pk)).content.decode()
    assert report_url(transcript) in session_page and "Upload and analyse" not in session_page
    assert sam.post(reverse("conversation:delete", args=[transcript.pk])).status_code == 404

    dana.post(reverse("conversation:sharing"), {})
    assert sam.get(report_url(transcript)).status_code == 404


def test_the_sharing_setting_is_off_by_default(personas):
    assert personas.dana_profile.share_conversation_reports is False


def test_trends_show_the_therapists_own_sessions(signed_in, personas):
    analysed(personas)
    analysed(personas, personas.chris_next_appointment)
    olga_appointment = personas.casey_episode.appointments.first()
    analysed(personas, olga_appointment)
    html = signed_in("dana").get(reverse("conversation:trends")).content.decode()
    assert "Reflections per question" in html and "% open questions" in html
    assert html.count('href="/conversation/transcripts/') == 2
    assert "Casey" not in html
    empty = signed_in("olga").get(reverse("conversation:trends")).content.decode()
    assert "Casey Nakamura" in empty


def supervised_trends_url(personas) -> str:
    return reverse("conversation:supervised-trends", args=[personas.dana_profile.pk])


def test_a_supervisor_sees_the_trends_only_while_the_therapist_shares(signed_in, personas):
    analysed(personas)
    analysed(personas, personas.casey_episode.appointments.first())
    sam = signed_in("sam")
    caseload = reverse("clinic:supervised-caseload", args=[personas.dana_profile.pk])
    assert sam.get(supervised_trends_url(personas)).status_code == 404
    assert supervised_trends_url(personas) not in sam.get(caseload).content.decode()

    share_reports(personas.dana_profile)
    assert supervised_trends_url(personas) in sam.get(caseload).content.decode()
    html = sam.get(supervised_trends_url(personas)).content.decode()
    assert "Dana" in html and "conversation trends" in html and "Read-only" in html
    assert "Reflections per question" in html
    assert html.count('href="/conversation/transcripts/') == 1
    assert "Casey" not in html
    assert "Let my supervisors see" not in html  # the setting is the therapist's alone
    event = AuditEvent.objects.filter(action=AuditAction.READ, target="conversation trends").get()
    assert event.actor == personas.sam and event.client_id is None

    share_reports(personas.dana_profile, share=False)
    assert sam.get(supervised_trends_url(personas)).status_code == 404


def test_a_supervisor_cannot_see_the_trends_of_someone_they_do_not_supervise(signed_in, personas):
    olga_profile = personas.casey_episode.therapist
    share_reports(olga_profile)
    url = reverse("conversation:supervised-trends", args=[olga_profile.pk])
    assert signed_in("sam").get(url).status_code == 404
    share_reports(personas.dana_profile)
    assert signed_in("dana").get(supervised_trends_url(personas)).status_code == 404


def test_supervised_trends_queries_do_not_grow_with_the_sessions(signed_in, personas):
    share_reports(personas.dana_profile)
    analysed(personas)
    sam = signed_in("sam")
    url = supervised_trends_url(personas)
    small = measure(sam, url)
    for appointment in personas.chris_episode.appointments.all():
        analysed(personas, appointment)
    big = measure(sam, url)
    assert_does_not_grow(small, big)


def test_trends_queries_do_not_grow_with_the_sessions(signed_in, personas):
    analysed(personas)
    dana = signed_in("dana")
    url = reverse("conversation:trends")
    small = measure(dana, url)
    for appointment in personas.chris_episode.appointments.all():
        analysed(personas, appointment, SESSION_TEXT + f"T: See you after {appointment.pk}.\n")
    big = measure(dana, url)
    assert Transcript.objects.count() == 6
    assert_does_not_grow(small, big)


def test_the_session_page_queries_do_not_grow_with_the_transcripts(signed_in, personas):
    appointment = personas.chris_past_appointment
    analysed(personas)
    dana = signed_in("dana")
    url = session_url(appointment.pk)
    small = measure(dana, url)
    for take in range(4):
        analysed(personas, text=SESSION_TEXT + f"T: Take {take}.\n")
    big = measure(dana, url)
    assert Transcript.objects.filter(appointment=appointment).count() == 5
    assert_does_not_grow(small, big)


def test_the_report_page_queries_do_not_grow_with_the_turns(signed_in, personas):
    short = analysed(personas)
    long = analysed(personas, text=SESSION_TEXT * 20)
    dana = signed_in("dana")
    assert_does_not_grow(measure(dana, report_url(short)), measure(dana, report_url(long)))
