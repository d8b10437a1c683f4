"""A URLconf for tests only: a vote tally behind the anonymous cache, as the tally partial will be.

The real tally view arrives with voting (issue 4); this stand-in lets the cache's visibility rule
be tested against real votes now.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from debate.caching import anonymous_cache
from debate.models import Article, SympathyVote
from debate.urls import urlpatterns


def tally(request, slug):
    article = get_object_or_404(Article, slug=slug)
    votes = sum(SympathyVote.objects.tally(article).values())
    return HttpResponse(f"{votes} votes")


urlpatterns = [*urlpatterns, path("tally/<slug:slug>/", anonymous_cache(tally))]
