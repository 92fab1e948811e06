from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "alliance.measures"
    label = "measures"

    def ready(self) -> None:
        from django.core import checks
        from django.core.signals import setting_changed

        from alliance.measures.checks import check_instruments
        from alliance.measures.registry import reset_cache_on_setting_change

        checks.register(check_instruments)
        setting_changed.connect(reset_cache_on_setting_change)
