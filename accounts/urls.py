from django.urls import path

from . import views

app_name = "accounts"

# "settings" is a reserved display name (accounts.models.RESERVED_DISPLAY_NAMES), so these
# paths can never hide a member's profile.
urlpatterns = [
    path("settings/", views.member_settings, name="settings"),
    path("settings/delete/", views.member_delete_confirm, name="delete"),
    path("<str:display_name>/", views.profile, name="profile"),
]
