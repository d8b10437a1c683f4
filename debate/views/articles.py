"""The article list and the article page."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from ..models import Article
from .voting import _sympathy_context, history_html


def article_list(request):
    return render(request, "debate/article_list.html", {"articles": Article.objects.listed()})


@require_safe
def article_detail(request, slug):
    articles = Article.objects.defer("body_md").prefetch_related("topics")
    article = get_object_or_404(articles, slug=slug)
    context = _sympathy_context(request, article, list(article.positions.all()))
    if context["options"]:
        context["history_html"] = history_html(article, context["options"], context["tally"])
    return render(request, "debate/article_detail.html", context)
