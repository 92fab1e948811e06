"""Appointments, under /appointments/: booking, moving and cancelling sessions, and the
therapist's calendar feed (its page, and the feed itself that calendar apps read)."""

from django.urls import path

from alliance.appointments import views

app_name = "appointments"
urlpatterns = [
    path("episodes/<int:episode_id>/book/", views.book_sessions, name="book-recurring"),
    path("<int:appointment_id>/reschedule/", views.reschedule_appointment, name="reschedule"),
    path("<int:appointment_id>/cancel/", views.cancel_appointment, name="cancel"),
    path("calendar-feed/", views.calendar_feed_page, name="calendar-feed"),
    path("calendar-feed/new/", views.calendar_feed_create, name="calendar-feed-create"),
    path(
        "calendar-feed/<int:feed_id>/revoke/",
        views.calendar_feed_revoke,
        name="calendar-feed-revoke",
    ),
    path("calendar/<slug:token>.ics", views.calendar_feed_ics, name="calendar-feed-ics"),
]
