from django.apps import AppConfig


class SessionsConfig(AppConfig):
    """The session itself: the client's preparation, the agenda, summary and next steps, and
    the therapist's private notes. (Its label is not "sessions": Django's own session store
    has that one.)"""

    name = "alliance.sessions"
    label = "therapy_sessions"
    verbose_name = "Therapy sessions"
