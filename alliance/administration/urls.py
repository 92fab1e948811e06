from django.urls import path

from alliance.administration import views

app_name = "administration"
urlpatterns = [
    path("", views.home, name="home"),
    path("therapists/new/", views.add_therapist, name="add-therapist"),
    path("clients/<int:client_id>/assign/", views.assign, name="assign"),
    path("therapists/<int:therapist_id>/supervisors/", views.supervisors, name="supervisors"),
    path("clients/<int:client_id>/audit/", views.client_audit, name="client-audit"),
    path("accounts/<int:user_id>/deactivate/", views.deactivate, name="deactivate"),
    path("accounts/<int:user_id>/reactivate/", views.reactivate, name="reactivate"),
    path("agreement/", views.agreement_template, name="agreement-template"),
    path("signals/", views.signal_rules, name="signal-rules"),
    path("signals/evaluate/", views.signal_evaluate, name="signal-evaluate"),
    path("signals/reestimate/", views.signal_reestimate, name="signal-reestimate"),
    path(
        "signals/reestimate/<int:reestimation_id>/adopt/",
        views.signal_adopt,
        name="signal-adopt",
    ),
    path(
        "signals/reestimate/shipped-model/",
        views.signal_restore_model,
        name="signal-restore-model",
    ),
]
