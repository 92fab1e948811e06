from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "alliance.audit"
    label = "audit"

    def ready(self) -> None:
        from alliance.audit import receivers  # noqa: F401  (connects the signal receivers)
