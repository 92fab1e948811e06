from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "alliance.portal"
    label = "portal"
