"""Forms to answer, under /measures/: from the portal, or by the single-use link in an email."""

from django.urls import path

from alliance.measures import views

app_name = "measures"
urlpatterns = [
    path("forms/<int:request_id>/", views.answer, name="answer"),
    path("link/<str:token>/", views.answer_by_link, name="answer-by-link"),
]
