from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("<str:display_name>/", views.profile, name="profile"),
]
