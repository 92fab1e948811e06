from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from alliance.appointments.models import Weekday, WorkingHours
from alliance.appointments.services import MAX_RECURRING
from alliance.practice.models import CareEpisode


class BookRecurringForm(forms.Form):
    first_start = forms.DateTimeField(label="First session")
    count = forms.IntegerField(label="Number of sessions", min_value=1, max_value=MAX_RECURRING)


class RescheduleForm(forms.Form):
    new_start = forms.DateTimeField(label="New time")


class CancelForm(forms.Form):
    by = forms.ChoiceField(
        label="Cancelled by", choices=[("client", "Client"), ("therapist", "Therapist")]
    )


class BookSlotForm(forms.Form):
    """Booking from a free slot: which client, and once or weekly."""

    start = forms.DateTimeField(widget=forms.HiddenInput)
    # The view fetches the episode through the access rules (another's is a 404).
    episode = forms.IntegerField(label="Client", widget=forms.Select)
    count = forms.IntegerField(
        label="Number of sessions (1: just this one; more: at the agreed rhythm)",
        min_value=1,
        max_value=MAX_RECURRING,
        initial=1,
    )

    def __init__(self, *args: Any, episodes: Iterable[CareEpisode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["episode"].widget.choices = [
            ("", "Choose a client"),
            *((str(e.pk), str(e.client)) for e in episodes),
        ]


def _hour_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label, required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )


STRETCHES_PER_DAY = 2


class WorkingHoursForm(forms.Form):
    """Up to two stretches a day (a morning and an afternoon); an empty stretch is no work."""

    def __init__(self, *args: Any, current: list[WorkingHours], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        by_day: dict[int, list[WorkingHours]] = {}
        for stretch in current:
            by_day.setdefault(stretch.weekday, []).append(stretch)
        for weekday, label in Weekday.choices:
            existing = by_day.get(weekday, [])
            for n in range(STRETCHES_PER_DAY):
                start, end = _hour_field(f"{label} from"), _hour_field("to")
                if n < len(existing):
                    start.initial, end.initial = existing[n].start, existing[n].end
                self.fields[f"start_{weekday}_{n}"] = start
                self.fields[f"end_{weekday}_{n}"] = end

    def rows(self) -> list[tuple[str, list[tuple[forms.BoundField, forms.BoundField]]]]:
        return [
            (
                label,
                [
                    (self[f"start_{weekday}_{n}"], self[f"end_{weekday}_{n}"])
                    for n in range(STRETCHES_PER_DAY)
                ],
            )
            for weekday, label in Weekday.choices
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for weekday, label in Weekday.choices:
            for n in range(STRETCHES_PER_DAY):
                start, end = data.get(f"start_{weekday}_{n}"), data.get(f"end_{weekday}_{n}")
                if (start is None) != (end is None):
                    raise forms.ValidationError(f"{label}: give both a start and an end.")
        return data

    def stretches(self) -> list[tuple[int, time, time]]:
        out = []
        for weekday, _ in Weekday.choices:
            for n in range(STRETCHES_PER_DAY):
                start = self.cleaned_data.get(f"start_{weekday}_{n}")
                end = self.cleaned_data.get(f"end_{weekday}_{n}")
                if start is not None and end is not None:
                    out.append((weekday, start, end))
        return out


class MoveRequestForm(forms.Form):
    proposed_start = forms.ChoiceField(
        label="Times your therapist has free", widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, slots: list[datetime], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposed_start"].choices = [  # type: ignore[attr-defined]
            (slot.isoformat(), f"{timezone.localtime(slot):%A %d %B, %H:%M}") for slot in slots
        ]

    def clean_proposed_start(self) -> datetime:
        return datetime.fromisoformat(self.cleaned_data["proposed_start"])
