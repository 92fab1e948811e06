"""Reminders, under /reminders/: the practice's timing (admin) and a client's choices (portal)."""

from django.urls import path

from alliance.reminders import views

app_name = "reminders"
urlpatterns = [
    path("settings/", views.practice_settings, name="settings"),
    path("mine/", views.my_reminders, name="mine"),
]
