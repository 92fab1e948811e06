"""A session's transcript and its conversation report, both encrypted at rest.

The turns of a transcript, and the report's figures and coded turns (which quote the session),
are ``EncryptedTextField``s (alliance/lib/encrypted_fields.py), like private notes: the
database and its backups hold nothing readable without the encryption keys, and
``alliance rotate_keys`` re-encrypts them too. The report's four trend figures (numbers,
no words of the session) are kept in plain columns so that the trends page needs no decryption.
Deleting a transcript deletes its report with it, for good.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from alliance.appointments.models import Appointment
from alliance.conversation.coding import CodedTurn, Turn
from alliance.conversation.importers import FORMAT_LABELS, FORMATS
from alliance.lib.encrypted_fields import EncryptedTextField
from alliance.practice.models import Practice


class AnalysisStatus(models.TextChoices):
    PENDING = "pending", "Analysing"
    DONE = "done", "Analysed"
    FAILED = "failed", "Analysis failed"


class TranscriptQuerySet(models.QuerySet["Transcript"]):
    def for_appointment(self, appointment: Appointment) -> TranscriptQuerySet:
        return self.filter(appointment=appointment).order_by("uploaded_at", "id")


class Transcript(models.Model):
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="transcripts"
    )
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    source_format = models.CharField(
        max_length=8, choices=[(value, FORMAT_LABELS[value]) for value in FORMATS]
    )
    original_filename = models.CharField(max_length=255, blank=True)
    turn_count = models.PositiveIntegerField(default=0)
    # The turns as JSON: [{"speaker", "text", "start", "end", "line"}, ...], encrypted. (Each
    # encrypted column keeps the name it had when the model stored the token by hand.)
    turns_json = EncryptedTextField(editable=False, db_column="turns_token")
    status = models.CharField(
        max_length=10, choices=AnalysisStatus.choices, default=AnalysisStatus.PENDING
    )
    # Why the analysis failed, in words that quote nothing from the session.
    failure = models.CharField(max_length=200, blank=True)
    # A keyed digest (HMAC-SHA256 under the server's secret key) of the parsed turns, so that
    # uploading the same transcript to the same session twice (a double submit) keeps one.
    # Without the key it says nothing about the words; empty for transcripts stored before it.
    content_digest = models.CharField(max_length=64, blank=True, editable=False)

    objects = TranscriptQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "content_digest"],
                condition=~models.Q(content_digest=""),
                name="transcript_once_per_session",
            )
        ]

    def __str__(self) -> str:
        return f"Transcript {self.pk} of appointment {self.appointment_id}"

    def turns(self) -> list[Turn]:
        """The decrypted turns. Raises ``InvalidToken`` if no configured key opens them."""
        return [
            Turn(index, item["speaker"], item["text"], item["start"], item["end"], item["line"])
            for index, item in enumerate(json.loads(self.turns_json))
        ]

    def set_turns(self, turns: list[Turn] | tuple[Turn, ...]) -> None:
        plain = json.dumps(
            [
                {
                    "speaker": turn.speaker,
                    "text": turn.text,
                    "start": turn.start,
                    "end": turn.end,
                    "line": turn.line,
                }
                for turn in turns
            ],
            ensure_ascii=False,
        )
        self.turn_count = len(turns)
        self.turns_json = plain  # encrypted here, before the caller's write transaction opens
        self.content_digest = salted_hmac(_DIGEST_SALT, plain, algorithm="sha256").hexdigest()


_DIGEST_SALT = "alliance.conversation.Transcript.content_digest"


def coded_turn_json(coded: CodedTurn) -> dict[str, Any]:
    turn = coded.turn
    return {
        "index": turn.index,
        "speaker": turn.speaker,
        "text": turn.text,
        "start": turn.start,
        "end": turn.end,
        "codes": list(coded.codes),
        "primary": coded.primary,
        "detail": coded.detail,
    }


class ConversationReport(models.Model):
    transcript = models.OneToOneField(Transcript, on_delete=models.CASCADE, related_name="report")
    # JSON, encrypted: Report.as_json(), and the coded turns (coded_turn_json each).
    figures_json = EncryptedTextField(editable=False, db_column="figures_token")
    coded_turns_json = EncryptedTextField(editable=False, db_column="coded_turns_token")
    coder_name = models.CharField(max_length=100)
    coder_version = models.CharField(max_length=50)
    created_at = models.DateTimeField(default=timezone.now)
    # The trend figures, numbers only (None when a session has nothing to count).
    reflection_to_question = models.FloatField(null=True, blank=True)
    complex_reflection_pct = models.FloatField(null=True, blank=True)
    open_question_pct = models.FloatField(null=True, blank=True)
    therapist_talk_share = models.FloatField(null=True, blank=True)
    # How many client turns carry each rupture marker: numbers only, read by the signals engine.
    client_withdrawal_markers = models.PositiveIntegerField(default=0)
    client_confrontation_markers = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Conversation report {self.pk} of transcript {self.transcript_id}"

    def figures(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.figures_json)
        return data

    def coded_turns(self) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = json.loads(self.coded_turns_json)
        return data
