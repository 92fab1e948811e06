"""What happens to an appointment, announced for the apps that build on appointments (measures
sends the forms due after a session). Receivers run at once, in the same transaction."""

from django.dispatch import Signal

# Sent with ``appointment`` when a session is first recorded as attended.
session_attended = Signal()
