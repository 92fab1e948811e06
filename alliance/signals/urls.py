"""Clinician pages and forms for signals, under /signals/: ruptures and their repair, flags,
replies to a client's feedback."""

from django.urls import path

from alliance.signals import views

app_name = "signals"
urlpatterns = [
    path("ruptures/<int:rupture_id>/", views.rupture_detail, name="rupture"),
    path(
        "ruptures/<int:rupture_id>/acknowledge/",
        views.rupture_acknowledge,
        name="rupture-acknowledge",
    ),
    path("ruptures/<int:rupture_id>/repair/", views.rupture_repair, name="rupture-repair"),
    path("ruptures/<int:rupture_id>/resolve/", views.rupture_resolve, name="rupture-resolve"),
    path("ruptures/<int:rupture_id>/close/", views.rupture_close, name="rupture-close"),
    path("episodes/<int:episode_id>/ruptures/", views.rupture_open, name="rupture-open"),
    path("flags/<int:flag_id>/acknowledge/", views.flag_acknowledge, name="flag-acknowledge"),
    path("feedback/<int:response_id>/reply/", views.feedback_reply, name="feedback-reply"),
]
