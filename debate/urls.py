"""The root URLconf: the debate pages, accounts (allauth), member profiles and the admin."""

from django.contrib import admin
from django.urls import include, path

from . import views

debate_patterns = (
    [
        path("", views.article_list, name="article_list"),
        path("articles/<slug:slug>/", views.article_detail, name="article_detail"),
    ],
    "debate",
)

urlpatterns = [
    path("", include(debate_patterns)),
    path("accounts/", include("allauth.urls")),
    path("members/", include("accounts.urls")),
    path("admin/", admin.site.urls),
]
