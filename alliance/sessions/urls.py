"""Session pages, under /sessions/: the clinician's session page and forms, the client's
preparation and what was agreed."""

from django.urls import path

from alliance.sessions import views

app_name = "sessions"
urlpatterns = [
    path("<int:appointment_id>/", views.session_page, name="page"),
    path("<int:appointment_id>/record/", views.session_record_save, name="record"),
    path("<int:appointment_id>/notes/", views.note_add, name="note-add"),
    path("notes/<int:note_id>/", views.note_edit, name="note"),
    path("<int:appointment_id>/prepare/", views.prepare, name="prepare"),
    path("<int:appointment_id>/agreed/", views.agreed, name="agreed"),
]
