"""Conversation analysis pages, under /conversation/."""

from django.urls import path

from alliance.conversation import views

app_name = "conversation"
urlpatterns = [
    path("sessions/<int:appointment_id>/upload/", views.upload, name="upload"),
    path("transcripts/<int:transcript_id>/", views.report, name="report"),
    path("transcripts/<int:transcript_id>/status/", views.status, name="status"),
    path("transcripts/<int:transcript_id>/delete/", views.delete, name="delete"),
    path("trends/", views.trends, name="trends"),
    path("trends/sharing/", views.sharing, name="sharing"),
    path(
        "trends/therapists/<int:therapist_id>/",
        views.supervised_trends,
        name="supervised-trends",
    ),
]
