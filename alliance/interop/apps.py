from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "alliance.interop"
    label = "interop"
