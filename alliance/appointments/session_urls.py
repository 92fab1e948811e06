"""Session pages: under /clinic/ for clinicians and /portal/ for the client."""

from django.urls import path

from alliance.appointments import session_views as views

app_name = "session"
urlpatterns = [
    path("clinic/appointments/<int:appointment_id>/session/", views.session_page, name="page"),
    path(
        "clinic/appointments/<int:appointment_id>/session/record/",
        views.session_record_save,
        name="record",
    ),
    path(
        "clinic/appointments/<int:appointment_id>/session/notes/",
        views.note_add,
        name="note-add",
    ),
    path("clinic/session-notes/<int:note_id>/", views.note_edit, name="note"),
    path("portal/appointments/<int:appointment_id>/prepare/", views.prepare, name="prepare"),
    path("portal/appointments/<int:appointment_id>/agreed/", views.agreed, name="agreed"),
]
