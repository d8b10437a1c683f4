"""What several views share: members-only access that knows htmx, and 303 redirects."""

from functools import wraps
from http import HTTPStatus
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect


def member_required(view):
    """Like login_required, but back to the article afterwards, and an htmx-aware redirect.

    An htmx request must not get the sign-in page swapped into the widget that asked, so it
    gets an HX-Redirect telling the browser to go there instead.
    """

    @wraps(view)
    def wrapped(request, slug, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, slug, *args, **kwargs)
        next_url = reverse("debate:article_detail", args=[slug])
        login_url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"
        if request.htmx:
            return HttpResponseClientRedirect(login_url)
        return redirect(login_url)

    return wrapped


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = HTTPStatus.SEE_OTHER
