"""The practice's reminder timing (its admin) and a client's own reminder choices (portal)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from alliance.accounts.decorators import AuthenticatedHttpRequest, role_required
from alliance.accounts.models import Role
from alliance.appointments.models import PracticeCalendar
from alliance.audit.services import Actor
from alliance.lib.domain_errors import cleaned, show_problems_on
from alliance.once.decorators import once_per_submission
from alliance.practice.access import get_own_client_record
from alliance.practice.models import Practice
from alliance.reminders.forms import ReminderPreferenceForm, ReminderSettingsForm
from alliance.reminders.models import ReminderPreference
from alliance.reminders.sending import settings_of
from alliance.reminders.services import update_preference, update_settings

SETTINGS_TEMPLATE = "reminders/settings.html"


def _current_settings(practice: Practice) -> dict[str, object]:
    rules = settings_of(practice)
    zone = (
        PracticeCalendar.objects.filter(practice=practice)
        .values_list("time_zone", flat=True)
        .first()
    )
    return {
        "time_zone": zone or settings.TIME_ZONE,
        "session_hours_before": rules.session_hours_before,
        "form_hours_after": rules.form_hours_after,
        "digest_hour": rules.digest_hour,
    }


@role_required(Role.ADMIN)
@once_per_submission
def practice_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    practice = Practice.objects.get(pk=request.practice_id)
    form = ReminderSettingsForm(request.POST or None, initial=_current_settings(practice))
    context = {"form": form}
    if request.method != "POST":
        return render(request, SETTINGS_TEMPLATE, context)
    show_problems_on(request, form, SETTINGS_TEMPLATE, context)
    data = cleaned(form)
    update_settings(actor=Actor.from_request(request), practice=practice, **data)
    messages.success(request, "Saved the calendar and reminder settings.")
    return redirect("reminders:settings")


@role_required(Role.CLIENT)
@once_per_submission
def my_reminders(request: AuthenticatedHttpRequest) -> HttpResponse:
    client = get_own_client_record(request.user)
    current = ReminderPreference.objects.filter(client=client).first()
    initial = {"sessions": True, "forms": True}
    if current is not None:
        initial = {"sessions": current.sessions, "forms": current.forms}
    form = ReminderPreferenceForm(request.POST or None, initial=initial)
    if request.method != "POST":
        return render(request, "reminders/mine.html", {"form": form, "client": client})
    data = cleaned(form)
    update_preference(actor=Actor.from_request(request), client=client, **data)
    messages.success(request, "Saved your reminder choices.")
    return redirect("reminders:mine")
