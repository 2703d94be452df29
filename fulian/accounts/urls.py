from django.urls import path

from fulian.accounts import views

app_name = "accounts"

urlpatterns = [
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/reset-2fa/", views.user_reset_totp, name="user_reset_totp"),
    path("2fa/", views.totp_setup, name="totp_setup"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("sessions/", views.my_sessions, name="sessions"),
]
