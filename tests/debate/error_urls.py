"""A URLconf for tests only: views that fail on purpose, with the site's error handlers."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from debate.urls import handler400, handler403, handler404, handler500, urlpatterns


def broken(request):
    raise ValueError("a bug in a view")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    *urlpatterns,
    path("broken/", broken),
    path("forbidden/", forbidden),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
