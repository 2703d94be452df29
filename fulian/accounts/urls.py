from django.contrib.auth import views as auth_views
from django.urls import path

from fulian.accounts import views

app_name = "accounts"

urlpatterns = [
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/reset-2fa/", views.user_reset_totp, name="user_reset_totp"),
    path("2fa/", views.totp_setup, name="totp_setup"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url="/"
        ),
        name="password_change",
    ),
]
