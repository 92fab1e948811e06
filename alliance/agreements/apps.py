from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "alliance.agreements"
    label = "agreements"
