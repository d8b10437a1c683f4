"""The root URLconf: the debate pages, accounts (allauth), member profiles and the admin."""

from django.contrib import admin
from django.urls import include, path

from . import views

debate_patterns = (
    [
        path("", views.article_list, name="article_list"),
        path("articles/<slug:slug>/", views.article_detail, name="article_detail"),
        # Sympathy voting (issue 4)
        path("articles/<slug:slug>/vote/", views.vote, name="vote"),
        path("articles/<slug:slug>/vote/withdraw/", views.vote_withdraw, name="vote_withdraw"),
        path("articles/<slug:slug>/tally/", views.tally, name="tally"),
    ],
    "debate",
)

urlpatterns = [
    path("", include(debate_patterns)),
    path("accounts/", include("allauth.urls")),
    path("members/", include("accounts.urls")),
    path("admin/", admin.site.urls),
]
