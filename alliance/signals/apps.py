from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "alliance.signals"
    label = "signals"

    def ready(self) -> None:
        from alliance.signals import receivers  # noqa: F401  (connects the receivers)
