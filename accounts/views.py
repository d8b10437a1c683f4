"""Member pages: the public profile, the member's settings, account deletion, and the
rate-limit page allauth answers with."""

from http import HTTPStatus

from allauth.account import app_settings as allauth_account_settings
from allauth.core import ratelimit
from allauth.core.internal.ratelimit import parse_rates
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from debate.judging import minds_changed_subquery
from debate.models import Post
from debate.siteurl import site_domain

from .forms import DISPLAY_NAME_TAKEN, MemberDeleteForm, MemberSettingsForm
from .middleware import NOTICE_KEY
from .models import DISPLAY_NAME_MAX_LENGTH, User
from .services import member_delete, member_settings_save

POSTS_PER_PAGE = 20


def profile(request: HttpRequest, display_name: str) -> HttpResponse:
    if len(display_name) > DISPLAY_NAME_MAX_LENGTH or "\x00" in display_name:
        # No member has such a name, and PostgreSQL refuses NUL in a query (a 500).
        raise Http404("No member has that name.")
    # With the minds their rebuttals changed, summed from their own posts' counters.
    member = get_object_or_404(
        User.objects.annotate(minds_changed=minds_changed_subquery()),
        display_name__iexact=display_name,
        is_active=True,
    )
    if member.display_name != display_name:
        # One address per member, whatever the case someone typed; not permanent, since a
        # name can change hands.
        return redirect(member)
    posts = (
        Post.objects.published()
        .filter(author=member)
        .select_related("article", "position")
        .only(
            "id",
            "kind",
            "body_html",
            "created_at",
            "edited_at",
            "position__label",
            "article__slug",
            "article__title",
        )
        .order_by("-created_at", "-id")
    )
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"member": member, "page": page, "minds_changed": member.minds_changed or 0}
    return render(request, "accounts/user_profile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_settings(request: HttpRequest) -> HttpResponse:
    # Bind to a copy so that a rejected name does not show up in the header of the re-render.
    member = User.objects.get(pk=request.user.pk)
    form = MemberSettingsForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            member_settings_save(form)
        except IntegrityError:
            # Someone took the name between the form's check and the save.
            form.add_error("display_name", DISPLAY_NAME_TAKEN)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:settings")
    context = {"form": form, "site_domain": site_domain()}
    return render(request, "accounts/user_settings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_delete_confirm(request: HttpRequest) -> HttpResponse:
    member = request.user
    form = MemberDeleteForm(request.POST or None, member=member)
    if request.method == "POST":
        # Each attempt checks a password: limit them like any other re-authentication.
        limited = ratelimit.consume_or_429(request, action="reauthenticate", user=member)
        if limited:
            return limited
        if form.is_valid():
            member_delete(member)
            logout(request)
            messages.success(
                request,
                "Your account is deleted. Your votes are gone; what you wrote stays, "
                "by “[deleted member]”.",
            )
            return redirect("debate:article_list")
    return render(request, "accounts/user_delete.html", {"form": form})


@require_safe
def suspended(request: HttpRequest) -> HttpResponse:
    """Why and until when: what the middleware kept of a suspended member's session."""
    notice = request.session.get(NOTICE_KEY)
    if not notice:
        return redirect("debate:article_list")
    return render(request, "accounts/member_suspended.html", {"notice": notice})


def suspended_response(request: HttpRequest, notice: dict) -> HttpResponse:
    """The same page, answering a suspended member's sign-in."""
    return render(
        request, "accounts/member_suspended.html", {"notice": notice, "at_sign_in": True},
        status=HTTPStatus.FORBIDDEN,
    )  # fmt: skip


def retry_after_seconds() -> int:
    """The longest window of the account rate limits: after it, every limit has reset."""
    windows = [
        rate.duration
        for rates in allauth_account_settings.RATE_LIMITS.values()
        for rate in parse_rates(rates)
    ]
    return int(max(windows, default=60))


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """allauth answers a rate-limited request with ROOT_URLCONF.handler429, this view."""
    seconds = retry_after_seconds()
    response = render(
        request,
        "429.html",
        {"retry_minutes": max(1, -(-seconds // 60))},
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(seconds)
    return response
