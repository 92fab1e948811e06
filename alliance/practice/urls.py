from django.urls import path

from alliance.practice import views

app_name = "practice"
urlpatterns = [
    path("clients/new/", views.add, name="add-client"),
    path("clients/<int:client_id>/details/", views.details, name="client-details"),
    path("clients/<int:client_id>/consents/", views.consents_give, name="consents-give"),
    path("clients/<int:client_id>/consents/revoke/", views.consent_revoke, name="consent-revoke"),
    path("clients/<int:client_id>/invite/", views.invite_again, name="invite-again"),
]
