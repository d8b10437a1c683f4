"""The version of each article's discussion, which names the page's cached rendering.

Every service that changes what an article's discussion shows calls one of these inside its
own transaction, as its last write: a post written, edited, deleted or moderated, an
endorsement given or withdrawn, an endorser's change of sides (it moves the bridging order),
a credit, an author's new name or deletion. Last, because the article row is then locked only
until the commit, after the rows that serialise the write itself (the post, the member, the
vote), so it never waits on them while holding the article.

A page that read the old version may store a rendering under it that already shows the write:
harmless, since no later request asks for the old version.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F

from .models import Article, Post


def discussion_changed(article_ids: Iterable[int]) -> None:
    ids = sorted(set(article_ids))
    if ids:
        Article.objects.filter(pk__in=ids).update(discussion_version=F("discussion_version") + 1)


def member_posts_changed(member) -> None:
    """The member's name shows on their posts: every article they wrote in renders anew."""
    articles = Post.objects.filter(author=member).values_list("article_id", flat=True)
    discussion_changed(articles.distinct())
