from django import forms

from alliance.appointments.services import MAX_RECURRING


class BookRecurringForm(forms.Form):
    first_start = forms.DateTimeField(label="First session")
    count = forms.IntegerField(label="Number of sessions", min_value=1, max_value=MAX_RECURRING)


class RescheduleForm(forms.Form):
    new_start = forms.DateTimeField(label="New time")


class CancelForm(forms.Form):
    by = forms.ChoiceField(
        label="Cancelled by", choices=[("client", "Client"), ("therapist", "Therapist")]
    )
