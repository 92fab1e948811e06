from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "alliance.appointments"
    label = "appointments"
