from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "alliance.scheduling"
    label = "scheduling"
