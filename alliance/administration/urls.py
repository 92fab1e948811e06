from django.urls import path

from alliance.administration import views

app_name = "administration"
urlpatterns = [
    path("", views.home, name="home"),
    path("therapists/new/", views.add_therapist, name="add-therapist"),
    path("clients/new/", views.add_client, name="add-client"),
    path("clients/<int:client_id>/assign/", views.assign, name="assign"),
    path("therapists/<int:therapist_id>/supervisors/", views.supervisors, name="supervisors"),
    path("clients/<int:client_id>/audit/", views.client_audit, name="client-audit"),
    path("accounts/<int:user_id>/deactivate/", views.deactivate, name="deactivate"),
    path("agreement/", views.agreement_template, name="agreement-template"),
    path("signals/", views.signal_rules, name="signal-rules"),
    path("signals/evaluate/", views.signal_evaluate, name="signal-evaluate"),
]
