from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "alliance.signals"
    label = "signals"

    def ready(self) -> None:
        from datetime import timedelta

        from django.conf import settings

        from alliance.runtime import periodic
        from alliance.signals import receivers  # noqa: F401  (connects the receivers)

        periodic.every(
            timedelta(minutes=settings.REEVALUATE_MINUTES),
            "signals.reevaluate_open_episodes",
            "alliance.signals.tasks.reevaluate_open_episodes",
            first_after=timedelta(minutes=1),
        )
