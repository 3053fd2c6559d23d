"""The single login, logout and account pages for everybody (mounted at /accounts/)."""
from django.urls import path

from . import views_auth, views_unlock

app_name = "accounts"
urlpatterns = [
    path("login/", views_auth.LoginView.as_view(), name="login"),
    path("logout/", views_auth.logout_view, name="logout"),
    path("", views_auth.account, name="account"),
    path("password/", views_auth.PasswordChangeView.as_view(), name="password_change"),
    path("otp/setup/", views_auth.otp_setup, name="otp_setup"),
    path("otp/verify/", views_auth.otp_verify, name="otp_verify"),
    path("unlock/", views_unlock.unlock, name="unlock"),
    path("oidc/start/", views_auth.oidc_start, name="oidc_start"),
    path("oidc/callback/", views_auth.oidc_callback, name="oidc_callback"),
]
