from django.urls import path

from alliance.portal import consents, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("consents/", consents.consents, name="consents"),
    path("consents/revoke/", consents.revoke, name="consent-revoke"),
]
