"""Appointments, under /appointments/: booking, moving and cancelling sessions, the therapist's
week and day (working hours, booking from a free slot, move requests), the client's own sessions
(mine/: cancel, ask to move), and the calendar feed (its page, and the feed calendar apps read)."""

from django.urls import path

from alliance.appointments import calendar_views, client_views, views

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
    path("week/", calendar_views.week, name="calendar-week"),
    path("day/", calendar_views.day, name="calendar-day"),
    path("hours/", calendar_views.working_hours, name="working-hours"),
    path("book/", calendar_views.book_slot, name="book-slot"),
    path("move-requests/<int:move_id>/accept/", calendar_views.move_accept, name="move-accept"),
    path("move-requests/<int:move_id>/decline/", calendar_views.move_decline, name="move-decline"),
    path("mine/", client_views.my_sessions, name="mine"),
    path("mine/<int:appointment_id>/cancel/", client_views.my_cancel, name="my-cancel"),
    path("mine/<int:appointment_id>/move/", client_views.my_move, name="my-move"),
    path("calendar/<slug:token>.ics", views.calendar_feed_ics, name="calendar-feed-ics"),
]
