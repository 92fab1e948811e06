from __future__ import annotations

from typing import Any

from django import forms

from alliance.accounts.models import Role, User
from alliance.practice.models import Modality, Style, TherapistProfile


class AccountFields(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    email = forms.EmailField(required=False)
    username = forms.RegexField(
        regex=r"^[a-zA-Z0-9_.-]{3,40}$",
        max_length=40,
        error_messages={"invalid": "Use 3–40 letters, digits, dots, dashes or underscores."},
    )
    password = forms.CharField(
        widget=forms.PasswordInput,
        min_length=10,
        help_text="At least 10 characters. Share it with the person in a safe way.",
    )

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is already taken.")
        return username


class TherapistForm(AccountFields):
    modalities = forms.MultipleChoiceField(
        choices=Modality.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    styles = forms.MultipleChoiceField(
        choices=Style.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.CharField(
        required=False, max_length=200, help_text="Comma-separated, e.g. English, Spanish"
    )
    bio = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_languages(self) -> list[str]:
        raw: str = self.cleaned_data["languages"]
        return [language.strip() for language in raw.split(",") if language.strip()]


class AssignForm(forms.Form):
    therapist = forms.ModelChoiceField(queryset=TherapistProfile.objects.none())
    modality = forms.ChoiceField(choices=Modality.choices, initial=Modality.OTHER)
    style = forms.ChoiceField(choices=Style.choices, initial=Style.COLLABORATIVE)

    def __init__(self, *args: Any, practice_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = active_therapists(practice_id)  # type: ignore[attr-defined]


def active_therapists(practice_id: int) -> Any:
    return (
        TherapistProfile.objects.filter(
            practice_id=practice_id, user__is_active=True, user__role=Role.THERAPIST
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


class SupervisorsForm(forms.Form):
    supervisors = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Supervisors see this therapist's clients, read-only.",
    )

    def __init__(self, *args: Any, practice_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisors"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            practice_id=practice_id, role=Role.SUPERVISOR, is_active=True
        ).order_by("last_name", "first_name")
        self.fields["supervisors"].label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]
