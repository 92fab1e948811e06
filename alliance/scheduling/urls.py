from django.urls import path

from alliance.scheduling import views

app_name = "scheduling"
urlpatterns = [
    path("clinic/episodes/<int:episode_id>/book/", views.book_sessions, name="book-recurring"),
    path(
        "clinic/appointments/<int:appointment_id>/reschedule/",
        views.reschedule_appointment,
        name="reschedule",
    ),
    path(
        "clinic/appointments/<int:appointment_id>/cancel/",
        views.cancel_appointment,
        name="cancel",
    ),
    path("clinic/calendar-feed/", views.calendar_feed_page, name="calendar-feed"),
    path("clinic/calendar-feed/new/", views.calendar_feed_create, name="calendar-feed-create"),
    path(
        "clinic/calendar-feed/<int:feed_id>/revoke/",
        views.calendar_feed_revoke,
        name="calendar-feed-revoke",
    ),
    path("calendar/<slug:token>.ics", views.calendar_feed_ics, name="calendar-feed-ics"),
]
