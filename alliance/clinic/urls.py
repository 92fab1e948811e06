from django.urls import path

from alliance.clinic import ending, views

app_name = "clinic"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("clients/<int:client_id>/", views.client_detail, name="client"),
    path("episodes/<int:episode_id>/phase/", views.episode_phase, name="episode-phase"),
    path("episodes/<int:episode_id>/end/", ending.end_episode, name="episode-end"),
    path(
        "appointments/<int:appointment_id>/attendance/",
        views.appointment_attendance,
        name="appointment-attendance",
    ),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/clients/", views.supervised_clients, name="supervised-clients"),
    path(
        "supervision/therapists/<int:therapist_id>/",
        views.supervised_caseload,
        name="supervised-caseload",
    ),
]
