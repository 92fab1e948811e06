from django.contrib.auth import views as auth_views
from django.urls import path

from alliance.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("invitation/<str:uidb64>/<str:token>/", views.invitation, name="invitation"),
]
