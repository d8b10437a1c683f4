"""Judging arguments: the "Convincing" toggle, the changed-mind prompt with its credit and skip,
the reasons a rebuttal's author reads, and what the article page shows of all of it."""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from .. import judging
from .. import judging_orders as orders
from ..judging_reads import judging_page_reads
from ..models import (
    Article,
    Credit,
    Post,
    PostKind,
    Switch,
)
from ..models.judging import REASON_MAX_LENGTH
from ..moderation import MemberSuspended
from ..sympathy import options_for
from .common import HttpResponseSeeOther

PROMPT_REBUTTALS = 20


def _sign_in(request, next_url: str):
    login_url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"
    if request.htmx:
        return HttpResponseClientRedirect(login_url)
    return redirect(login_url)


def _refused(request, message: str, status=HTTPStatus.CONFLICT, back: str = ""):
    """A refusal in one sentence: plain text for htmx (shown in the page), else a page."""
    if request.htmx:
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    context = {"error": message, "back": back or "/"}
    return render(request, "debate/judging_refused.html", context, status=status)


def _safe_next(request, fallback: str) -> str:
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return fallback


# Endorsing ---------------------------------------------------------------------------------


@require_POST
def endorse(request, pk):
    """Endorse (`endorse=1`) or withdraw (`endorse=0`): the toggle in place, or back to the
    item without JavaScript."""
    post = get_object_or_404(Post.objects.only("id", "kind", "status", "author_id"), pk=pk)
    if not request.user.is_authenticated:
        return _sign_in(request, post.get_absolute_url())
    wanted = request.POST.get("endorse") == "1"
    back = _safe_next(request, post.get_absolute_url())
    try:
        judging.endorsement_toggle(member=request.user, post=post, endorse=wanted)
    except MemberSuspended as refused:
        return _refused(request, refused.message, HTTPStatus.FORBIDDEN, back)
    except judging.JudgingError as refused:
        return _refused(request, refused.message, HTTPStatus.CONFLICT, back)
    if not request.htmx:
        fragment = f"#post-{post.pk}"
        return HttpResponseSeeOther(back if "#" in back else f"{back}{fragment}")
    shown = Post.objects.for_display().endorsed_by(request.user).get(pk=post.pk)
    n = shown.endorsement_count
    said = "You find this convincing" if wanted else "Endorsement withdrawn"
    context = {
        "post": shown,
        "announcement": f"{said}; {n} member{'s' if n != 1 else ''} found it convincing.",
    }
    return render(request, "debate/_endorse.html", context)


# The changed-mind prompt -------------------------------------------------------------------


def credit_prompt_context(request, article, switch: Switch, show_all=False) -> dict:
    """The prompt after a switch: the published rebuttals of the side(s) the member left (or
    every side's, on request), the most convincing first, never the member's own."""
    positions = list(article.positions.all())
    options = options_for(positions)
    left = judging.sides_left(switch, [p.pk for p in positions])
    rebuttals = (
        Post.objects.published()
        .filter(article=article, kind=PostKind.REBUTTAL)
        .exclude(author_id=request.user.pk)
        .select_related("position")
        .only("id", "body_html", "position__label", "author_id", "created_at")
        .annotate(author_name=F("author__display_name"))
        .order_by(*orders.order_by("bridging"))
    )
    if not show_all:
        rebuttals = rebuttals.filter(position_id__in=left)
    labels = {o.key: o.label for o in options}
    return {
        "article": article,
        "switch": switch,
        "rebuttals": list(rebuttals[:PROMPT_REBUTTALS]),
        "show_all": show_all,
        "from_label": labels.get(switch.from_position_id, ""),
        "to_label": labels.get(switch.to_position_id, ""),
        "reason_max": REASON_MAX_LENGTH,
    }


def _article(slug):
    return get_object_or_404(Article.objects.only("id", "slug", "title"), slug=slug)


@require_safe
def credit_prompt(request, slug):
    """ "What changed your mind?": loaded after a switch by its own request, or as a page."""
    article = _article(slug)
    if not request.user.is_authenticated:
        return _sign_in(request, article.get_absolute_url())
    switch = judging.switch_open(request.user, article)
    if switch is None:
        if request.htmx:
            return HttpResponse('<div id="credit-prompt"></div>')
        return redirect(f"{article.get_absolute_url()}#vote-panel")
    context = credit_prompt_context(request, article, switch, show_all="all" in request.GET)
    template = "debate/_credit_prompt.html" if request.htmx else "debate/credit_prompt.html"
    return render(request, template, context)


def _switch_of(request, article) -> Switch | None:
    try:
        pk = int(request.POST.get("switch", ""))
    except ValueError:
        return None
    return Switch.objects.filter(pk=pk, member=request.user, article=article).first()


def _answered(request, article, message: str):
    if request.htmx:
        context = {"article": article, "message": message}
        return render(request, "debate/_credit_prompt.html", context)
    return HttpResponseSeeOther(f"{article.get_absolute_url()}#vote-panel")


@require_POST
def credit(request, slug):
    """ "This changed my mind" on one rebuttal, with an optional reason."""
    article = _article(slug)
    if not request.user.is_authenticated:
        return _sign_in(request, article.get_absolute_url())
    switch = _switch_of(request, article)
    back = f"{article.get_absolute_url()}#vote-panel"
    if switch is None:
        return _refused(request, "There is no change of side of yours to credit.", back=back)
    try:
        post = Post.objects.only("id").get(pk=int(request.POST.get("post", "")))
    except (ValueError, Post.DoesNotExist):
        return _refused(request, "Choose the rebuttal that changed your mind.", back=back)
    reason = request.POST.get("reason", "")
    try:
        judging.credit_give(member=request.user, switch=switch, post=post, reason=reason)
    except MemberSuspended as refused:
        return _refused(request, refused.message, HTTPStatus.FORBIDDEN, back)
    except judging.JudgingError as refused:
        if request.htmx or switch.state != "open":
            return _refused(request, refused.message, back=back)
        # Without JavaScript: the prompt again, with what the member typed and why.
        context = credit_prompt_context(request, article, switch)
        context.update(error=refused.message, reason=reason)
        return render(request, "debate/credit_prompt.html", context, status=HTTPStatus.CONFLICT)
    return _answered(request, article, "Thank you: its author will hear it changed a mind.")


@require_POST
def credit_skip(request, slug):
    """Rather not say: one click, and the prompt goes."""
    article = _article(slug)
    if not request.user.is_authenticated:
        return _sign_in(request, article.get_absolute_url())
    switch = _switch_of(request, article)
    back = f"{article.get_absolute_url()}#vote-panel"
    if switch is None:
        return _refused(request, "There is no change of side of yours to skip.", back=back)
    try:
        judging.switch_skip(member=request.user, switch=switch)
    except judging.JudgingError as refused:
        return _refused(request, refused.message, back=back)
    return _answered(request, article, "Skipped. Your vote stands as you cast it.")


@require_safe
def post_credits(request, pk):
    """Why members credited a rebuttal: for its author and moderators only."""
    post = get_object_or_404(
        Post.objects.select_related("article").only(
            "id", "kind", "author_id", "minds_changed", "article__slug", "article__title"
        ),
        pk=pk,
    )
    user = request.user
    if not (user.is_authenticated and (post.author_id == user.pk or user.is_staff)):
        raise PermissionDenied("Only the rebuttal's author and moderators read these reasons.")
    credits = Credit.objects.filter(post=post).only("reason_html", "created_at")[:200]
    return render(request, "debate/credit_list.html", {"post": post, "credits": credits})


# What the article page shows ----------------------------------------------------------------


def article_judging_context(request, article, order: str) -> dict:
    """The orders, the count of members who changed sides, the three rebuttals credited most,
    and the member's open prompt: one query (the prompt's rebuttals another, while it is
    open), whatever the numbers, which also reads the discussion's counts."""
    member = request.user if request.user.is_authenticated else None
    switched, most_credited, switch, post_counts = judging_page_reads(article, member)
    context = {
        "order": order,
        "orders": [
            {"value": o, "label": orders.LABELS[o], "explained": orders.EXPLAINED[o]}
            for o in orders.ORDERS
        ],
        "members_switched": switched,
        "most_credited": most_credited,
        "post_counts": post_counts,  # for discussion_context
    }
    if switch is not None:
        context["credit"] = credit_prompt_context(request, article, switch)
    return context
