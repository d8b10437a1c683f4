"""A URLconf for tests only: small views behind the anonymous page cache, with the site's own
routes and error handlers."""

import uuid

from django.http import HttpResponse
from django.urls import path

from debate.caching import anonymous_cache, int_between, one_of
from debate.urls import handler400, handler403, handler404, handler500, urlpatterns


def greets_with_a_cookie(request):
    """Like a view that starts something for this visitor: a cookie, and the page says so."""
    token = uuid.uuid4().hex
    response = HttpResponse(f"Welcome, visitor {token}.")
    response.set_cookie("greeting", token)
    return response


def shows_its_query(request):
    return HttpResponse(request.GET.urlencode() or "(none)")


urlpatterns = [
    *urlpatterns,
    path("greets/", anonymous_cache(greets_with_a_cookie)),
    path(
        "listing/",
        anonymous_cache(
            shows_its_query, query={"order": one_of("new", "top"), "page": int_between(1, 50)}
        ),
    ),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
