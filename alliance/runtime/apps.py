from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "alliance.runtime"
    label = "runtime"
    verbose_name = "How Alliance runs: server, background worker, periodic jobs, health"

    def ready(self) -> None:
        from django.core import checks

        from alliance.lib.encryption import check_key_variable, log_key_variable_warnings
        from alliance.runtime import periodic

        periodic.register_housekeeping()
        # The encryption keys read from their old variable name: a check warning (alliance
        # check, migrate) and a log line at start (alliance serve and worker run no checks).
        checks.register(check_key_variable)
        log_key_variable_warnings()
