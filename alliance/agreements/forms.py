"""The shape of an agreement edit (every section's text, the session terms and a note) and of the
practice's template (the same, with the review interval instead of the note)."""

from __future__ import annotations

from typing import Any

from django import forms

from alliance.agreements.models import AgreementTemplate, AgreementVersion
from alliance.agreements.sections import DEFAULT_SECTIONS, SECTION_KEYS, SECTION_TITLES
from alliance.agreements.services import MAX_REVIEW_WEEKS, MAX_SECTION_CHARS
from alliance.agreements.terms import SessionTerms


class AgreementForm(forms.Form):
    frequency_days = forms.IntegerField(label="A session every … days", min_value=1, max_value=365)
    session_minutes = forms.IntegerField(
        label="Session length in minutes", min_value=10, max_value=480
    )
    late_cancellation_hours = forms.IntegerField(
        label="Late-cancellation window in hours",
        min_value=0,
        max_value=24 * 14,
        error_messages={"min_value": "The late-cancellation window cannot be negative."},
    )
    note = forms.CharField(
        label="What changed, and why (optional)", required=False, max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in SECTION_KEYS:
            self.fields[key] = forms.CharField(
                label=SECTION_TITLES[key],
                max_length=MAX_SECTION_CHARS,
                widget=forms.Textarea(attrs={"rows": 5}),
                error_messages={"required": f"“{SECTION_TITLES[key]}” cannot be empty."},
            )

    @classmethod
    def from_version(cls, version: AgreementVersion) -> AgreementForm:
        return cls(
            initial={
                **version.sections,
                "frequency_days": version.frequency_days,
                "session_minutes": version.session_minutes,
                "late_cancellation_hours": version.late_cancellation_hours,
            }
        )

    def section_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in SECTION_KEYS]

    def sections(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key in SECTION_KEYS}

    def terms(self) -> SessionTerms:
        return SessionTerms(
            frequency_days=self.cleaned_data["frequency_days"],
            session_minutes=self.cleaned_data["session_minutes"],
            late_cancellation_hours=self.cleaned_data["late_cancellation_hours"],
        )


class AgreementTemplateForm(AgreementForm):
    review_every_weeks = forms.IntegerField(
        label="Review each agreement every … weeks",
        min_value=1,
        max_value=MAX_REVIEW_WEEKS,
        help_text="An agreement is also due for review after each change of phase.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["note"]

    @classmethod
    def from_template(cls, template: AgreementTemplate) -> AgreementTemplateForm:
        return cls(
            initial={
                **{
                    key: template.sections.get(key) or DEFAULT_SECTIONS[key] for key in SECTION_KEYS
                },
                "frequency_days": template.frequency_days,
                "session_minutes": template.session_minutes,
                "late_cancellation_hours": template.late_cancellation_hours,
                "review_every_weeks": template.review_every_weeks,
            }
        )
