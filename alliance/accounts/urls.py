from django.contrib.auth import views as auth_views
from django.urls import path

from alliance.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("invitation/<str:uidb64>/<str:token>/", views.invitation, name="invitation"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/changed/", views.PasswordChangeDoneView.as_view(), name="password-change-done"),
    path("password/forgotten/", views.password_reset, name="password-reset"),
    path(
        "password/forgotten/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password/reset/<str:uidb64>/<str:token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]
