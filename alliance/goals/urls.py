from django.urls import path

from alliance.goals import views

app_name = "goals"
urlpatterns = [
    path("<int:goal_id>/", views.detail, name="detail"),
    path("episodes/<int:episode_id>/propose/", views.propose, name="propose"),
    path("<int:goal_id>/confirm/", views.confirm, name="confirm"),
    path("<int:goal_id>/rate/", views.rate, name="rate"),
    path("<int:goal_id>/achieved/", views.achieved, name="achieved"),
    path("<int:goal_id>/revise/", views.revise, name="revise"),
    path("<int:goal_id>/drop/", views.drop, name="drop"),
]
