"""The shape of goal requests. Wrong input answers 400 with these messages."""

from __future__ import annotations

from django import forms

from alliance.goals.models import SCORE_MAX, SCORE_MIN
from alliance.goals.services import MAX_WORDS

REQUIRED_WORDS = {"required": "Please write the goal in a few words."}


class ProposeGoalForm(forms.Form):
    words = forms.CharField(max_length=MAX_WORDS, error_messages=REQUIRED_WORDS)
    # The id of an active goal this proposal would change; empty for a new goal.
    replaces = forms.IntegerField(required=False, min_value=1)


class ConfirmGoalForm(forms.Form):
    framing = forms.CharField(max_length=MAX_WORDS, required=False)


class RateGoalForm(forms.Form):
    score = forms.IntegerField(
        min_value=SCORE_MIN,
        max_value=SCORE_MAX,
        error_messages={
            "required": f"Please choose a number from {SCORE_MIN} to {SCORE_MAX}.",
            "invalid": f"Please choose a number from {SCORE_MIN} to {SCORE_MAX}.",
            "min_value": f"Please choose a number from {SCORE_MIN} to {SCORE_MAX}.",
            "max_value": f"Please choose a number from {SCORE_MIN} to {SCORE_MAX}.",
        },
    )
    note = forms.CharField(max_length=2000, required=False)


class ReviseGoalForm(forms.Form):
    words = forms.CharField(max_length=MAX_WORDS, error_messages=REQUIRED_WORDS)
    framing = forms.CharField(max_length=MAX_WORDS, required=False)


class DropGoalForm(forms.Form):
    reason = forms.CharField(
        max_length=2000, error_messages={"required": "Please say why the goal is dropped."}
    )
