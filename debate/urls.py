"""The root URLconf: the debate pages, accounts (allauth), member profiles and the admin."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import health
from .caching import anonymous_cache
from .views import articles, voting

debate_patterns = (
    [
        path("", articles.article_list, name="article_list"),
        # Production profile: anonymous visitors share a rendering for a few seconds.
        path(
            "articles/<slug:slug>/",
            anonymous_cache(articles.article_detail),
            name="article_detail",
        ),
        # Sympathy voting; anonymous tally polls share the page cache too.
        path("articles/<slug:slug>/vote/", voting.vote, name="vote"),
        path("articles/<slug:slug>/vote/withdraw/", voting.vote_withdraw, name="vote_withdraw"),
        path("articles/<slug:slug>/tally/", anonymous_cache(voting.tally), name="tally"),
        path("articles/<slug:slug>/history/", anonymous_cache(voting.history), name="history"),
    ],
    "debate",
)

# The admin signs in through allauth, so its rate limits guard the admin too.
admin.site.login = secure_admin_login(admin.site.login)
# allauth answers a rate-limited request with ROOT_URLCONF.handler429.
handler429 = "accounts.views.rate_limited"

urlpatterns = [
    path("", include(debate_patterns)),
    path("accounts/", include("allauth.urls")),
    path("members/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # Production profile: health probe and error pages (debate/health.py, debate/errors.py).
    path("healthz", health.healthz, name="healthz"),
]

handler400 = "debate.errors.bad_request"
handler403 = "debate.errors.permission_denied"
handler404 = "debate.errors.page_not_found"
handler500 = "debate.errors.server_error"
