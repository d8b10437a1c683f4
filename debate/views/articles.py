"""The article list and the article page."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..fragments import Fragment, rendered
from ..models import Article
from ..sympathy import options_for
from .voting import _sympathy_context, article_votes, history_fragment, vote_panel_fragment

# What the page needs of the article itself; the body, topics and sides come rendered from the
# fragment cache (debate/_article_content.html), loaded only when it misses.
PAGE_FIELDS = ("id", "slug", "title", "summary", "lang", "updated_at")


def article_list(request):
    return render(request, "debate/article_list.html", {"articles": Article.objects.listed()})


@require_safe
def article_detail(request, slug):
    votes = article_votes(request, slug, PAGE_FIELDS)
    article = votes.article
    context = _sympathy_context(request, votes)
    fragments = [
        Fragment(
            "debate/_article_content.html",
            (article.pk, article.updated_at.isoformat()),
            lambda: _article_content_context(article),
        )
    ]
    if context["options"]:
        fragments.append(vote_panel_fragment(request, context))
        fragments.append(history_fragment(article, context["options"], context["tally"]))
    # The article with its sides, the vote panel and the chart: one round trip to the cache.
    names = ("article_content", "vote_panel", "history_html")
    context.update(zip(names, rendered(*fragments), strict=False))
    return render(request, "debate/article_detail.html", context)


def _article_content_context(article) -> dict:
    full = Article.objects.defer("body_md").prefetch_related("topics").get(pk=article.pk)
    positions = list(full.positions.all())
    return {"article": full, "positions": positions, "options": options_for(positions)}
