from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "alliance.reminders"
    label = "reminders"

    def ready(self) -> None:
        from datetime import timedelta

        from alliance.runtime import periodic

        periodic.every(
            timedelta(minutes=15),
            "reminders.send_due",
            "alliance.reminders.tasks.send_due_reminders",
            first_after=timedelta(minutes=1),
        )
