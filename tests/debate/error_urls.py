"""A URLconf for tests only: views that fail on purpose, with the site's error handlers."""

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from debate.models import Article
from debate.urls import handler400, handler403, handler404, handler500, urlpatterns


def broken(request):
    raise ValueError("a bug in a view")


def forbidden(request):
    raise PermissionDenied


def sleeps(request):
    """A query that takes ten seconds, as a hung database would."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(10)")
    return HttpResponse("slept")


def looks_up(request):
    """A view that sends what it was given straight to the database, with no form."""
    found = Article.objects.filter(slug=request.POST.get("slug", "")).exists()
    return HttpResponse("found" if found else "not found")


urlpatterns = [
    *urlpatterns,
    path("broken/", broken),
    path("forbidden/", forbidden),
    path("looks-up/", csrf_exempt(looks_up)),
    path("sleeps/", sleeps),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
