"""The only way to fetch an appointment for a signed-in person (same rules as care episodes)."""

from django.http import Http404

from alliance.accounts.models import User
from alliance.appointments.models import Appointment
from alliance.practice.access import episodes_for_user


def get_appointment_for_user(
    user: User, appointment_id: int, *, for_change: bool = False
) -> Appointment:
    appointment = (
        Appointment.objects.select_related("episode__client", "episode__therapist__user")
        .filter(pk=appointment_id, episode__in=episodes_for_user(user, for_change=for_change))
        .first()
    )
    if appointment is None:
        raise Http404("No such appointment.")
    return appointment
