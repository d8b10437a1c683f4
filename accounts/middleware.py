"""Suspended members are signed out at their next request, whichever session it comes from."""

from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from debate.moderation import suspension_notice
from debate.views.common import HttpResponseSeeOther

# Where the suspended page finds what to say once the member's session is gone.
NOTICE_KEY = "suspension_notice"


class SuspendedMemberMiddleware:
    """Every request of a suspended member ends their session and leads to a page saying why
    and until when. Each session a member has (another browser, another device) ends this way
    at its next request, so a suspension signs them out everywhere without a list of their
    sessions. Costs no query: the fields come with the request's user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_suspended():
            notice = suspension_notice(user)
            logout(request)
            request.session[NOTICE_KEY] = notice
            url = reverse("account_suspended")
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(url)
            if request.method in {"GET", "HEAD"}:
                return redirect(url)
            return HttpResponseSeeOther(url)
        return self.get_response(request)
