from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "alliance.runtime"
    label = "runtime"
    verbose_name = "How Alliance runs: server, background worker, periodic jobs, health"

    def ready(self) -> None:
        from alliance.runtime import periodic

        periodic.register_housekeeping()
