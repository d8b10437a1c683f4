"""The root URLconf: the debate pages, accounts (allauth), member profiles and the admin."""

from allauth.account.decorators import secure_admin_login
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

# --- Accounts: the admin signs in through allauth, so its rate limits guard the admin too.
admin.site.login = secure_admin_login(admin.site.login)
# allauth answers a rate-limited request with ROOT_URLCONF.handler429.
handler429 = "accounts.views.rate_limited"
# --- end of accounts

urlpatterns = [
    path("", include(debate_patterns)),
    path("accounts/", include("allauth.urls")),
    path("members/", include("accounts.urls")),
    path("admin/", admin.site.urls),
]
