from django import forms

from alliance.appointments.models import AppointmentStatus
from alliance.practice.models import Phase


class PhaseChangeForm(forms.Form):
    phase = forms.ChoiceField(choices=Phase.choices, label="Move to phase")
    note = forms.CharField(
        label="Why now?", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    # Sent by the confirmation page of a step back to an earlier phase (clinic/phase_confirm.html).
    confirm_step_back = forms.BooleanField(required=False)


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(choices=AppointmentStatus.choices, label="Attendance")
    minutes_late = forms.IntegerField(
        label="Started late by (minutes)", required=False, min_value=0, max_value=180
    )
