import zoneinfo

from django import forms


def _zones() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ReminderSettingsForm(forms.Form):
    time_zone = forms.ChoiceField(label="The practice's time zone", choices=_zones)
    session_hours_before = forms.IntegerField(
        label="Session reminder: hours before the session (0: none)", min_value=0, max_value=168
    )
    form_hours_after = forms.IntegerField(
        label="Form reminder: hours after a form is due, if still unanswered (0: none)",
        min_value=0,
        max_value=336,
    )
    digest_hour = forms.IntegerField(
        label="Therapists' daily digest at this hour (0–23; empty: none)",
        min_value=0,
        max_value=23,
        required=False,
    )


class ReminderPreferenceForm(forms.Form):
    sessions = forms.BooleanField(label="Email me before each session", required=False)
    forms = forms.BooleanField(label="Email me when a form is waiting", required=False)
