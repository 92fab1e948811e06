from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "alliance.measures"
    label = "measures"

    def ready(self) -> None:
        from datetime import timedelta

        from django.core import checks
        from django.core.signals import setting_changed

        from alliance.measures import receivers  # noqa: F401  (connects the receivers)
        from alliance.measures.checks import check_instruments
        from alliance.measures.registry import reset_cache_on_setting_change
        from alliance.runtime import periodic

        checks.register(check_instruments)
        periodic.every(
            timedelta(hours=1),
            "measures.expire_overdue_forms",
            "alliance.measures.tasks.expire_overdue_forms",
        )
        setting_changed.connect(reset_cache_on_setting_change)
