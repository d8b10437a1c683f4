"""The article list and the article page."""

from functools import cache

from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..fragments import Fragment, rendered
from ..judging_orders import order_of
from ..models import Article, Position
from ..sympathy import options_for
from .discussion import discussion_context
from .judging import article_judging_context
from .voting import _sympathy_context, article_votes, history_fragment, vote_panel_fragment

# What the page needs of the article itself; the body, the topics and each side's card come
# rendered from the fragment cache, loaded only when it misses.
PAGE_FIELDS = ("id", "slug", "title", "summary", "lang", "updated_at")


def article_list(request):
    return render(request, "debate/article_list.html", {"articles": Article.objects.listed()})


@require_safe
def article_detail(request, slug):
    votes = article_votes(request, slug, PAGE_FIELDS)
    article = votes.article
    context = _sympathy_context(request, votes)
    edition = (article.pk, article.updated_at.isoformat())
    sides = [option for option in context["options"] if option.position is not None]

    @cache
    def positions():  # in full, once, and only if a fragment has to be rendered
        return {position.pk: position for position in Position.objects.filter(article=article)}

    fragments = [
        Fragment(
            "debate/_article_content.html",
            edition,
            lambda: _article_content_context(article, list(positions().values())),
        ),
        # Each side's card: its rebuttals follow it on the page, drawn afresh for each viewer.
        *(
            Fragment(
                "debate/_position_column.html",
                (*edition, option.position.pk),
                lambda option=option: {
                    "position": positions()[option.position.pk],
                    "side": option.side,
                },
            )
            for option in sides
        ),
    ]
    if context["options"]:
        fragments.append(vote_panel_fragment(request, context))
        fragments.append(history_fragment(article, context["options"], context["tally"]))
    # The article, the sides' cards, the vote panel and the chart: one round trip to the cache.
    article_content, *rest = rendered(*fragments)
    cards, rest = rest[: len(sides)], rest[len(sides) :]
    context["article_content"] = article_content
    context.update(zip(("vote_panel", "history_html"), rest, strict=False))
    order = order_of(request.GET.get("order"))
    context.update(article_judging_context(request, article, order))
    counts = context.pop("post_counts")
    context.update(discussion_context(request, article, context["options"], order, counts))
    for entry, card in zip(context["discussion_sides"], cards, strict=True):
        entry["card"] = card
    return render(request, "debate/article_detail.html", context)


def _article_content_context(article, positions) -> dict:
    full = Article.objects.defer("body_md").prefetch_related("topics").get(pk=article.pk)
    return {"article": full, "positions": positions, "options": options_for(positions)}
