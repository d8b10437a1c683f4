"""The article list and the article page."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..fragments import cached_fragment
from ..models import Article
from ..sympathy import options_for
from .voting import _sympathy_context, article_votes, history_html, vote_panel_html

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
    context["article_content"] = cached_fragment(
        "debate/_article_content.html",
        (article.pk, article.updated_at.isoformat()),
        lambda: _article_content_context(article),
    )
    if context["options"]:
        context["vote_panel"] = vote_panel_html(request, context)
        context["history_html"] = history_html(article, context["options"], context["tally"])
    return render(request, "debate/article_detail.html", context)


def _article_content_context(article) -> dict:
    full = Article.objects.defer("body_md").prefetch_related("topics").get(pk=article.pk)
    positions = list(full.positions.all())
    return {"article": full, "positions": positions, "options": options_for(positions)}
