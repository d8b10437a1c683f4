"""The root URLconf: the debate pages, accounts (allauth), member profiles and the admin."""

from allauth.account.decorators import secure_admin_login
from allauth.account.views import LogoutView
from django.contrib import admin
from django.urls import include, path

from accounts.views import suspended

from . import health
from .caching import anonymous_cache, int_between, matching, one_of
from .judging_orders import CURSOR_PATTERN, ORDERS
from .syndication import ArticleFeed
from .views import articles, discussion, judging, notifications, posting, site, voting

# What the polled tally sends back as `seen`: debate.sympathy.Tally.version, counts joined by "-".
TALLY_VERSION = matching(r"[0-9]{1,10}(?:-[0-9]{1,10}){0,15}", max_length=200)
# "Show more" continues a list below the id of the last item shown.
POST_ID = int_between(1, 2**63 - 1)
# The order of the sides' rebuttals, and where an ordered "Show more" continues.
ORDER = one_of(*ORDERS)
CURSOR = matching(CURSOR_PATTERN)

debate_patterns = (
    [
        path("", articles.article_list, name="article_list"),
        # Production profile: anonymous visitors share a rendering for a few seconds.
        path(
            "articles/<slug:slug>/",
            anonymous_cache(articles.article_detail, query={"order": ORDER}),
            name="article_detail",
        ),
        # Sympathy voting; anonymous tally polls share the page cache too.
        path("articles/<slug:slug>/vote/", voting.vote, name="vote"),
        path("articles/<slug:slug>/vote/withdraw/", voting.vote_withdraw, name="vote_withdraw"),
        path(
            "articles/<slug:slug>/tally/",
            anonymous_cache(voting.tally, query={"seen": TALLY_VERSION}),
            name="tally",
        ),
        path("articles/<slug:slug>/history/", anonymous_cache(voting.history), name="history"),
        # Discussion: rebuttals of a side, comments on the article, replies in threads.
        path(
            "articles/<slug:slug>/sides/<slug:position_slug>/rebuttals/",
            anonymous_cache(
                discussion.side_rebuttals,
                query={"order": ORDER, "before": POST_ID, "after": CURSOR},
            ),
            name="side_rebuttals",
        ),
        path(
            "articles/<slug:slug>/sides/<slug:position_slug>/rebut/",
            posting.rebut,
            name="rebut",
        ),
        path(
            "articles/<slug:slug>/discussion/",
            anonymous_cache(discussion.article_comments, query={"before": POST_ID}),
            name="article_comments",
        ),
        path("articles/<slug:slug>/discussion/comment/", posting.comment, name="comment"),
        path("articles/<slug:slug>/feed/", ArticleFeed(), name="article_feed"),
        path(
            "posts/<int:pk>/",
            anonymous_cache(discussion.post_detail, query={"after": POST_ID}),
            name="post_detail",
        ),
        path(
            "posts/<int:pk>/replies/",
            anonymous_cache(discussion.thread_replies),
            name="thread_replies",
        ),
        path("posts/<int:pk>/reply/", posting.reply, name="reply"),
        path("posts/<int:pk>/edit/", posting.edit, name="edit"),
        path("posts/<int:pk>/delete/", posting.delete, name="delete"),
        path("posts/<int:pk>/report/", posting.report, name="report"),
        # A member's notifications (never cached: they are the member's own).
        path("notifications/", notifications.notification_list, name="notification_list"),
        path(
            "notifications/<int:pk>/read/",
            notifications.notification_read,
            name="notification_read",
        ),
        path(
            "notifications/read-all/",
            notifications.notifications_read_all,
            name="notifications_read_all",
        ),
        path(
            "notifications/unsubscribe/<str:token>/",
            notifications.notification_unsubscribe,
            name="notification_unsubscribe",
        ),
        # Judging: "Convincing", and crediting the rebuttal that changed a member's mind.
        path("posts/<int:pk>/endorse/", judging.endorse, name="endorse"),
        path("posts/<int:pk>/credits/", judging.post_credits, name="post_credits"),
        path("articles/<slug:slug>/changed-mind/", judging.credit_prompt, name="credit_prompt"),
        path("articles/<slug:slug>/changed-mind/credit/", judging.credit, name="credit"),
        path("articles/<slug:slug>/changed-mind/skip/", judging.credit_skip, name="credit_skip"),
    ],
    "debate",
)

# The admin signs in through allauth, so its rate limits guard the admin too.
admin.site.login = secure_admin_login(admin.site.login)
# allauth answers a rate-limited request with ROOT_URLCONF.handler429.
handler429 = "accounts.views.rate_limited"

urlpatterns = [
    path("", include(debate_patterns)),
    # Where a suspended member is told why and until when (accounts.middleware).
    path("accounts/suspended/", suspended, name="account_suspended"),
    # Signing out also clears the drafts kept in the browser (views/posting.py).
    path(
        "accounts/logout/",
        posting.storage_cleared_at_sign_out(LogoutView.as_view()),
        name="account_logout",
    ),
    path("accounts/", include("allauth.urls")),
    path("members/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # Production profile: health probe and error pages (debate/health.py, debate/errors.py).
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", site.favicon, name="favicon"),
]

handler400 = "debate.errors.bad_request"
handler403 = "debate.errors.permission_denied"
handler404 = "debate.errors.page_not_found"
handler500 = "debate.errors.server_error"
