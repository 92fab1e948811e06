from django.urls import path

from alliance.agreements import views

app_name = "agreements"
urlpatterns = [
    path("clinic/episodes/<int:episode_id>/agreement/", views.draft, name="draft"),
    path("clinic/agreements/<int:agreement_id>/", views.detail, name="detail"),
    path("clinic/agreements/<int:agreement_id>/edit/", views.edit, name="edit"),
    path("clinic/agreements/<int:agreement_id>/reviewed/", views.reviewed, name="reviewed"),
    path("portal/agreement/", views.own_agreement, name="own"),
    path(
        "portal/agreement/versions/<int:version_id>/acknowledge/",
        views.acknowledge_version,
        name="acknowledge",
    ),
    path("portal/crisis/", views.crisis, name="crisis"),
]
