"""Every URL the application answers: each app under a prefix of its own (app = folder = URL
prefix), the site root and /healthz, and the old addresses that redirect (alliance/moved.py).
The access-matrix test walks this list: a new URL needs an entry there saying who may open it."""

from django.urls import include, path

from alliance.accounts import views as account_views
from alliance.runtime import views as runtime_views

urlpatterns = [
    path("", account_views.home, name="home"),
    # Load balancers and uptime checks expect /healthz; the runtime app's own page.
    path("healthz", runtime_views.healthz, name="healthz"),
    path("accounts/", include("alliance.accounts.urls")),
    path("clinic/", include("alliance.clinic.urls")),
    path("portal/", include("alliance.portal.urls")),
    path("reminders/", include("alliance.reminders.urls")),
    path("administration/", include("alliance.administration.urls")),
    path("practice/", include("alliance.practice.urls")),
    path("agreements/", include("alliance.agreements.urls")),
    path("appointments/", include("alliance.appointments.urls")),
    path("sessions/", include("alliance.sessions.urls")),
    path("measures/", include("alliance.measures.urls")),
    path("goals/", include("alliance.goals.urls")),
    path("signals/", include("alliance.signals.urls")),
    path("conversation/", include("alliance.conversation.urls")),
    path("fhir/", include("alliance.fhir.urls")),
    # Addresses from before every app had its own prefix: permanent redirects.
    path("", include("alliance.moved")),
]

handler400 = "alliance.lib.error_pages.bad_request"
handler403 = "alliance.lib.error_pages.permission_denied"
handler404 = "alliance.lib.error_pages.page_not_found"
handler500 = "alliance.lib.error_pages.server_error"
