"""The shape of intake, detail and ending requests; the clinic and the admin pages share them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from alliance.practice.consents import CONSENT_MEANING, CONSENT_VERSIONS
from alliance.practice.models import CHOSEN_END_REASONS, ConsentKind, EndReason

OLDEST_AGE_YEARS = 120
PHONE = r"^\+?[0-9 ()./-]{5,30}$"
PHONE_ERROR = "Use digits, spaces and + ( ) - . / only, e.g. +44 20 7946 0000."


def _phone(label: str) -> forms.RegexField:
    return forms.RegexField(
        regex=PHONE,
        label=label,
        required=False,
        max_length=40,
        error_messages={"invalid": PHONE_ERROR},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )


class ClientDetailsForm(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    preferred_name = forms.CharField(
        max_length=100,
        required=False,
        help_text="What they like to be called, if not the first name.",
    )
    pronouns = forms.CharField(max_length=40, required=False, help_text="e.g. she/her, they/them")
    date_of_birth = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="YYYY-MM-DD",
    )
    email = forms.EmailField(max_length=254, required=False)
    phone = _phone("Phone")
    preferred_language = forms.CharField(max_length=60, required=False)
    emergency_contact_name = forms.CharField(max_length=200, required=False)
    emergency_contact_phone = _phone("Emergency contact phone")
    emergency_contact_relation = forms.CharField(
        max_length=100, required=False, help_text="e.g. partner, parent, friend"
    )
    emergency_contact_notes = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="When and how to use this contact (kept encrypted).",
    )

    def clean_date_of_birth(self) -> date | None:
        born: date | None = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born is not None and not (date(today.year - OLDEST_AGE_YEARS, 1, 1) <= born <= today):
            raise forms.ValidationError("That date of birth is not possible.")
        return born

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.fields:
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        return data


def _consent_choices() -> list[tuple[str, str]]:
    return [
        (
            kind,
            f"{ConsentKind(kind).label} (version {CONSENT_VERSIONS[kind]}): {CONSENT_MEANING[kind]}",
        )
        for kind in ConsentKind.values
    ]


class ConsentsField(forms.MultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=_consent_choices(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="Consents the client has given",
            help_text="Each is recorded with its version and the time; the client can revoke it in the portal.",
            **kwargs,
        )


class IntakeForm(ClientDetailsForm):
    consents = ConsentsField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields[
            "email"
        ].help_text = "The invitation to set a password is sent here; it is also the sign-in name."

    def clean_consents(self) -> list[ConsentKind]:
        kinds = [ConsentKind(value) for value in self.cleaned_data["consents"]]
        if ConsentKind.TREATMENT not in kinds:
            raise forms.ValidationError("Therapy cannot start without consent to treatment.")
        return kinds


class GiveConsentsForm(forms.Form):
    consents = ConsentsField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consents"].label = "Record a consent the client has given (or given anew)"

    def clean_consents(self) -> list[ConsentKind]:
        return [ConsentKind(value) for value in self.cleaned_data["consents"]]


class RevokeConsentForm(forms.Form):
    kind = forms.ChoiceField(choices=ConsentKind.choices)


class EndEpisodeForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[(reason.value, reason.label) for reason in CHOSEN_END_REASONS],
        widget=forms.RadioSelect,
        label="How did the work end?",
    )
    summary = forms.CharField(
        max_length=6000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Ending summary for the client",
        help_text="Shown to the client in their portal (kept encrypted). What you worked on, what changed, what to keep doing.",
    )
    final_measure = forms.BooleanField(
        required=False, label="Offer a final outcome measure to the client", initial=True
    )
    confirm = forms.BooleanField(
        label="I confirm this episode ends now; it cannot be reopened.",
        error_messages={"required": "Tick the confirmation to end the episode."},
    )

    def reason_value(self) -> EndReason:
        return EndReason(self.cleaned_data["reason"])
