"""A member's notifications: the list, marking them read, and unsubscribing from the digest.

Marking read is a plain form (POST/redirect/GET); htmx posts the same form and swaps the
item in place, with the header's unread count beside it (out of band). Unsubscribing is the
one form that needs no CSRF token: a mail client posts it by itself (RFC 8058), and the
signed token in its address is what proves the member asked.
"""

from __future__ import annotations

from functools import wraps
from http import HTTPStatus
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from .. import notification_mail, notifications
from ..models import Notification
from .common import HttpResponseSeeOther

PER_PAGE = 20


def signed_in(view):
    """Members only; a signed-out htmx request is sent to the sign-in page as a whole."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        next_url = reverse("debate:notification_list")
        login_url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"
        if request.htmx:
            return HttpResponseClientRedirect(login_url)
        return redirect(login_url)

    return wrapped


def _described(rows):
    for notification in rows:
        notification.text = notifications.notification_text(notification)
    return rows


def _list_url(page) -> str:
    url = reverse("debate:notification_list")
    return f"{url}?page={page}" if page and str(page).isdigit() and page != "1" else url


@signed_in
@require_safe
def notification_list(request):
    """Newest first, 20 a page: one query for the count, one for the rows."""
    page = Paginator(Notification.objects.for_list(request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    _described(page.object_list)
    return render(request, "debate/notification_list.html", {"page": page})


@signed_in
@require_POST
def notification_read(request, pk):
    shown = Notification.objects.for_list(request.user)
    if not shown.filter(pk=pk).exists():
        raise Http404("You have no such notification.")
    notifications.notification_mark_read(request.user, pk)
    if not request.htmx:
        return HttpResponseSeeOther(f"{_list_url(request.POST.get('page'))}#notification-{pk}")
    notification = _described([shown.get(pk=pk)])[0]
    request.user.refresh_from_db(fields=["notifications_unread"])
    context = {"notification": notification, "just_read": True, "count_oob": True}
    return render(request, "debate/_notification.html", context)


@signed_in
@require_POST
def notifications_read_all(request):
    # With htmx too: the form's hx-select takes the list and the count from the page the
    # redirect leads to, so there is one rendering of both.
    notifications.notifications_mark_all_read(request.user)
    return HttpResponseSeeOther(_list_url(request.POST.get("page")))


# Unsubscribing from the digest --------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def notification_unsubscribe(request, token):
    """GET: a page whose button confirms (a link scanner following the mail's links changes
    nothing). POST: unsubscribed, from that button or from the mail client's one-click."""
    member_id = notification_mail.unsubscribe_member_id(token)
    member = get_user_model().objects.filter(pk=member_id).only("pk").first()
    if member is None:
        response = render(
            request, "debate/notification_unsubscribe.html", {"invalid": True},
            status=HTTPStatus.BAD_REQUEST,
        )  # fmt: skip
    else:
        done = request.method == "POST"
        if done:
            notification_mail.digest_unsubscribe(member)
        context = {"done": done, "token": token}
        response = render(request, "debate/notification_unsubscribe.html", context)
    # The token is in the address: keep it out of Referer headers and shared caches.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response
