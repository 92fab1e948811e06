"""The shape of what is posted on the session pages (a 400 with these messages when it is wrong)."""

from __future__ import annotations

from django import forms

from alliance.sessions.models import FEELING_SCALE_MAX

AGENDA_MAX_ITEMS = 15
AGENDA_ITEM_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 4000
NOTE_MAX_LENGTH = 20000


class PreparationForm(forms.Form):
    talk_about = forms.CharField(
        label="What I want to talk about",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One topic a line, if you like.",
    )
    since_last_time = forms.CharField(
        label="What happened since last time",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    feeling_today = forms.IntegerField(
        label="How I feel today (0 very low, 10 very good)",
        required=False,
        min_value=0,
        max_value=FEELING_SCALE_MAX,
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if not self.errors and not any(value not in (None, "") for value in cleaned.values()):
            raise forms.ValidationError("Please write something, or say how you feel today.")
        return cleaned


class SessionRecordForm(forms.Form):
    agenda = forms.CharField(
        label="Agenda",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One item a line.",
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_steps = forms.CharField(
        label="Next steps",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    share = forms.BooleanField(
        label="Share the summary and next steps with the client", required=False
    )

    def clean_agenda(self) -> list[str]:
        items = [line.strip(" -•*\t") for line in self.cleaned_data["agenda"].splitlines()]
        items = [item for item in items if item]
        if len(items) > AGENDA_MAX_ITEMS:
            raise forms.ValidationError(f"An agenda holds at most {AGENDA_MAX_ITEMS} items.")
        if any(len(item) > AGENDA_ITEM_MAX_LENGTH for item in items):
            raise forms.ValidationError(
                f"Keep each agenda item under {AGENDA_ITEM_MAX_LENGTH} characters."
            )
        return items


class PrivateNoteForm(forms.Form):
    body = forms.CharField(
        label="Private note",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Encrypted, and never shown to the client or your supervisor.",
        error_messages={"required": "The note is empty."},
    )
