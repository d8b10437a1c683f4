"""The Atom feed of an article's published rebuttals and comments (Django's syndication
framework). An item enters the feed once its edit window has closed, so readers of the feed
never keep a text its author changed a minute later."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from accounts.models import member_name

from .models import Article, Post, PostKind
from .models.discussion import EDIT_WINDOW

FEED_ITEMS = 50


class ArticleFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(Article.objects.only("id", "slug", "title"), slug=slug)

    def title(self, article):
        return f"Rebuttals and comments on “{article.title}” · Both Sides"

    def link(self, article):
        return article.get_absolute_url()

    def subtitle(self, article):
        return "New rebuttals of each side and comments on the article, as members post them."

    def items(self, article):
        closed = timezone.now() - EDIT_WINDOW
        return (
            Post.objects.published()
            .filter(
                article=article,
                kind__in=[PostKind.REBUTTAL, PostKind.COMMENT],
                created_at__lte=closed,
            )
            .select_related("author", "position")
            .only(
                "id",
                "kind",
                "body_html",
                "created_at",
                "edited_at",
                "author__display_name",
                "position__label",
            )
            .order_by("-id")[:FEED_ITEMS]
        )

    def item_title(self, post):
        author = member_name(post.author)
        if post.kind == PostKind.REBUTTAL:
            return f"{author} rebuts {post.position.label}"
        return f"{author} comments"

    def item_description(self, post):
        return post.body_html

    def item_link(self, post):
        return post.get_absolute_url()

    def item_author_name(self, post):
        return member_name(post.author)

    def item_pubdate(self, post):
        return post.created_at

    def item_updateddate(self, post):
        return post.edited_at or post.created_at
