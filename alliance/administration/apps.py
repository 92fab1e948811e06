from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "alliance.administration"
    label = "administration"
