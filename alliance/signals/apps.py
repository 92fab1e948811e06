from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "alliance.signals"
    label = "signals"

    def ready(self) -> None:
        from datetime import timedelta

        from django.conf import settings

        from alliance.lib import crisis_checks
        from alliance.runtime import periodic
        from alliance.signals import receivers  # noqa: F401  (connects the receivers)
        from alliance.signals.crisis import raised_crisis_for

        # The pages that thank a client for a form or a preparation ask whether it raised a
        # crisis, to show the crisis procedure at once.
        crisis_checks.answer_with(raised_crisis_for)

        periodic.every(
            timedelta(minutes=settings.REEVALUATE_MINUTES),
            "signals.reevaluate_open_episodes",
            "alliance.signals.tasks.reevaluate_open_episodes",
            first_after=timedelta(minutes=1),
        )
