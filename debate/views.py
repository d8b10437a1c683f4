from django.shortcuts import get_object_or_404, render

from .models import Article


def article_list(request):
    return render(request, "debate/article_list.html", {"articles": Article.objects.listed()})


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.prefetch_related("topics"), slug=slug)
    positions = list(article.positions.all())
    return render(
        request, "debate/article_detail.html", {"article": article, "positions": positions}
    )
