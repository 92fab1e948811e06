from django.apps import AppConfig


class OnceConfig(AppConfig):
    name = "alliance.once"
    label = "once"
    verbose_name = "Each form submission handled once"

    def ready(self) -> None:
        from datetime import timedelta

        from alliance.runtime import periodic

        periodic.every(timedelta(hours=6), "once.prune", "alliance.once.tasks.prune_submissions")
