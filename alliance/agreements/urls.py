"""The therapy agreement, under /agreements/: drafted, read, edited and reviewed by the
therapist; read, acknowledged and its crisis procedure opened by the client."""

from django.urls import path

from alliance.agreements import views

app_name = "agreements"
urlpatterns = [
    path("episodes/<int:episode_id>/draft/", views.draft, name="draft"),
    path("<int:agreement_id>/", views.detail, name="detail"),
    path("<int:agreement_id>/edit/", views.edit, name="edit"),
    path("<int:agreement_id>/reviewed/", views.reviewed, name="reviewed"),
    path("<int:agreement_id>/share/", views.share, name="share"),
    path("mine/", views.own_agreement, name="own"),
    path(
        "mine/versions/<int:version_id>/acknowledge/",
        views.acknowledge_version,
        name="acknowledge",
    ),
    path("crisis/", views.crisis, name="crisis"),
]
