"""Writing rebuttals, replies and comments; editing, deleting and reporting them.

Each control is a link to a page with a plain form (POST/redirect/GET without JavaScript);
htmx loads the same form in place and swaps the answer in. The writes are services in
debate/discussion.py; what the forms look like closed is decided in views/discussion.py.
"""

from __future__ import annotations

import json
from functools import wraps
from http import HTTPStatus
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from .. import discussion
from ..forms import PostForm, ReportForm
from ..models import Post, PostCount, PostKind, PostStatus
from .common import HttpResponseSeeOther
from .discussion import (
    Compose,
    _article,
    _compose_for,
    _decorate,
    _reported_by,
    _side,
    _viewer,
    _visible_post,
)


def member_or_keep_text(view):
    """Members only; a signed-out POST (an expired session) gets its text back, not a redirect
    that would lose it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        login_url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.path})}"
        if request.htmx:
            # The form's draft stays in the browser (static/js/drafts.js) until it is posted.
            return HttpResponseClientRedirect(login_url)
        if request.method == "POST":
            context = {"text": request.POST.get("body", ""), "login_url": login_url}
            return render(request, "debate/signed_out.html", context, status=HTTPStatus.FORBIDDEN)
        return redirect(login_url)

    return wrapped


def storage_cleared_at_sign_out(view):
    """Wraps the sign-out view: once signed out, the browser forgets what the site stored,
    the drafts static/js/discussion.js keeps among it, so the next person at the computer
    does not find them."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method == "POST" and not request.user.is_authenticated:
            response["Clear-Site-Data"] = '"storage"'
        return response

    return wrapped


def _compose_response(request, compose: Compose, *, article, status=HTTPStatus.OK, parent=None):
    context = {"compose": compose, "article": article, "parent": parent}
    if request.htmx:
        return render(request, "debate/_compose.html", context, status=status)
    return render(request, "debate/post_compose.html", context, status=status)


def _back_to(article, compose: Compose, parent) -> str:
    """Where a cancelled form leads without JavaScript: back to where it was opened."""
    if parent is not None:
        return parent.get_absolute_url()
    anchor = compose.list_id.replace("posts-side-", "position-").replace(
        "posts-comments", "discussion"
    )
    return f"{article.get_absolute_url()}#{anchor}"


def _write(request, compose: Compose, target: discussion.Target, *, parent=None):
    article = target.article
    if request.method == "GET":
        compose.form = PostForm()
        return _compose_response(request, compose, article=article, parent=parent)
    # The form on a page of its own (after a sign-in, say) has no list to add the post to:
    # with htmx too, its answers navigate like a plain form's.
    standalone = not request.htmx or request.htmx.current_url_abs_path == compose.action
    if "cancel" in request.POST:
        if standalone:
            return _navigate(request, _back_to(article, compose, parent))
        compose.is_open = False
        response = _compose_response(request, compose, article=article, parent=parent)
        if parent is not None:  # back to the item's "Reply"
            return _focus(response, f'#post-{parent.pk} a[href="{compose.action}"]')
        return _focus(response, f"#{compose.dom_id} .compose__open")
    form = PostForm(request.POST)
    compose.form = form
    if not form.is_valid():
        return _compose_response(
            request, compose, article=article, parent=parent, status=HTTPStatus.UNPROCESSABLE_ENTITY
        )
    body = form.cleaned_data["body"]
    if "preview" in request.POST:
        compose.preview = discussion.render_preview(body)
        return _compose_response(request, compose, article=article, parent=parent)
    try:
        post = discussion.post_create(author=request.user, target=target, body_md=body)
    except discussion.PostingLimited as refused:
        compose.error = refused.message
        response = _compose_response(
            request, compose, article=article, parent=parent,
            status=HTTPStatus.TOO_MANY_REQUESTS,
        )  # fmt: skip
        response["Retry-After"] = str(refused.retry_after)
        return response
    except discussion.DiscussionError as refused:
        compose.error = refused.message
        return _compose_response(
            request, compose, article=article, parent=parent, status=HTTPStatus.CONFLICT
        )
    if not standalone:
        post = Post.objects.for_display().get(pk=post.pk)
        _decorate([post], request, timezone.now(), frozenset())
        post.more_replies = 0
        compose.is_open = False
        compose.form = None
        noun = post.get_kind_display().lower()
        announcement = f"Your {noun} is posted."
        if post.status == PostStatus.PENDING:
            announcement = f"Your {noun} is waiting for a moderator; only you can see it."
        count = None
        if post.kind != PostKind.REPLY:
            count = _list_count(request, article, target.position)
        context = {"compose": compose, "article": article, "parent": parent, "new_post": post,
                   "announcement": announcement, "count": count}  # fmt: skip
        return _focus(render(request, "debate/_compose.html", context), f"#post-{post.pk}")
    if post.kind == PostKind.REPLY:
        return _navigate(request, post.get_absolute_url())
    return _navigate(request, f"{article.get_absolute_url()}#post-{post.pk}")


def _focus(response, selector: str):
    """Tell static/js/discussion.js where focus goes once htmx has put the answer in place."""
    response["HX-Trigger-After-Settle"] = json.dumps({"discussion:focus": {"selector": selector}})
    return response


def _list_count(request, article, position) -> dict | None:
    """The published count of a side's rebuttals (or the article's comments) for an answer
    to update out of band, when the page that asked shows it (the article page)."""
    if not request.htmx:
        return None
    if urlsplit(request.htmx.current_url_abs_path or "").path != article.get_absolute_url():
        return None
    counter = PostCount.objects.filter(article_id=article.pk, position=position)
    list_id = f"posts-side-{position.slug}" if position is not None else "posts-comments"
    return {"list_id": list_id, "value": counter.values_list("published", flat=True).first() or 0}


def _navigate(request, url: str):
    """POST/redirect/GET: a 303 for a plain form, HX-Redirect for htmx."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseSeeOther(url)


@require_http_methods(["GET", "POST"])
@member_or_keep_text
def rebut(request, slug, position_slug):
    article = _article(slug)
    side = _side(article, position_slug)
    compose = _compose_for(article, PostKind.REBUTTAL, side=side)
    target = discussion.Target(article=article, kind=PostKind.REBUTTAL, position=side.position)
    return _write(request, compose, target)


@require_http_methods(["GET", "POST"])
@member_or_keep_text
def comment(request, slug):
    article = _article(slug)
    compose = _compose_for(article, PostKind.COMMENT)
    return _write(request, compose, discussion.Target(article=article, kind=PostKind.COMMENT))


@require_http_methods(["GET", "POST"])
@member_or_keep_text
def reply(request, pk):
    parent = _visible_post(request, pk)
    if parent.status != PostStatus.PUBLISHED:
        raise Http404("That post is not open to replies.")
    parent_shown = Post.objects.for_display().get(pk=pk)
    compose = _compose_for(parent.article, PostKind.REPLY, parent=parent)
    target = discussion.Target(article=parent.article, kind=PostKind.REPLY, parent=parent)
    return _write(request, compose, target, parent=parent_shown)


REFUSED_TITLES = {
    "post_edit": "This cannot be edited",
    "post_delete": "This cannot be deleted",
    "post_report": "This cannot be reported",
}


def _refused(request, post, name, why, status=HTTPStatus.FORBIDDEN):
    """A refusal that says why: a page of its own, or for htmx the sentence alone (shown in
    the page's status region by htmx-errors.js)."""
    if request.htmx:
        return HttpResponse(why, status=status, content_type="text/plain; charset=utf-8")
    context = {"post": post, "article": post.article, "title": REFUSED_TITLES[name], "why": why}
    return render(request, "debate/post_refused.html", context, status=status)


def _item_response(request, post_pk, *, back_to="", full=None, **extra):
    """The re-rendered item (htmx swaps it in place of the old one), focus on it, or on its
    control `back_to` (a URL) after a cancel; with the count of its list when it may have
    changed (`full`: the post, with its article and side)."""
    post = Post.objects.for_display().get(pk=post_pk)
    _decorate([post], request, timezone.now(), _reported_by(_viewer(request), [post.pk]))
    if full is not None and full.kind != PostKind.REPLY:
        extra["count"] = _list_count(request, full.article, full.position)
    response = render(request, "debate/_post.html", {"post": post, "swap": True, **extra})
    if back_to:
        return _focus(response, f'#post-{post_pk} a[href="{back_to}"]')
    return _focus(response, f"#post-{post_pk}")


@require_http_methods(["GET", "POST"])
@member_or_keep_text
def edit(request, pk):
    post = _visible_post(request, pk)
    full = Post.objects.select_related("article").get(pk=pk)
    context = {"post": full, "article": full.article}
    why = discussion.post_edit_refusal(full, request.user)
    if why:
        typed = request.method == "POST" and "cancel" not in request.POST
        if typed and full.author_id == request.user.pk:
            # The window closed (or a report came) while they wrote: their text comes back.
            context["error"] = why
            context["form"] = PostForm(request.POST)
            return _page_or_partial(request, "post_edit", context, HTTPStatus.CONFLICT)
        return _refused(request, full, "post_edit", why)
    if request.method == "GET" or "cancel" in request.POST:
        if "cancel" in request.POST:
            if request.htmx:
                return _item_response(request, pk, back_to=request.path)
            return HttpResponseSeeOther(full.get_absolute_url())
        context["form"] = PostForm(initial={"body": full.body_md})
        return _page_or_partial(request, "post_edit", context)
    form = PostForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return _page_or_partial(request, "post_edit", context, HTTPStatus.UNPROCESSABLE_ENTITY)
    if "preview" in request.POST:
        context["preview"] = discussion.render_preview(form.cleaned_data["body"])
        return _page_or_partial(request, "post_edit", context)
    try:
        discussion.post_edit(post, editor=request.user, body_md=form.cleaned_data["body"])
    except discussion.NotAllowed as refused:
        context["error"] = refused.message
        return _page_or_partial(request, "post_edit", context, HTTPStatus.CONFLICT)
    if request.htmx:
        return _item_response(request, pk, announcement="Your changes are saved.")
    return HttpResponseSeeOther(full.get_absolute_url())


ACTION_TITLES = {
    "post_edit": "Edit your post",
    "post_delete": "Delete your post",
    "post_report": "Report a post",
}


def _page_or_partial(request, name, context, status=HTTPStatus.OK):
    """The form on a page, or with htmx the form alone, drawn in the item's slot below its
    text (whatever element asked: the form's own target is the item, for when it succeeds)."""
    partial = f"debate/_{name}.html"
    if not request.htmx:
        context = {**context, "partial": partial, "title": ACTION_TITLES[name]}
        return render(request, "debate/post_action.html", context, status=status)
    response = render(request, partial, context, status=status)
    response["HX-Retarget"] = f"#post-{context['post'].pk}-slot"
    response["HX-Reswap"] = "innerHTML"
    return response


@require_http_methods(["GET", "POST"])
@member_or_keep_text
def delete(request, pk):
    post = _visible_post(request, pk)
    full = Post.objects.select_related("article", "position").get(pk=pk)
    why = discussion.post_delete_refusal(full, request.user)
    if why:
        return _refused(request, full, "post_delete", why)
    if request.method == "GET" or "cancel" in request.POST:
        if "cancel" in request.POST:
            if request.htmx:
                return _item_response(request, pk, back_to=request.path)
            return HttpResponseSeeOther(full.get_absolute_url())
        return _page_or_partial(request, "post_delete", {"post": full, "article": full.article})
    try:
        discussion.post_delete(post, member=request.user)
    except discussion.NotAllowed as refused:  # a moderator acted meanwhile
        return _refused(request, full, "post_delete", refused.message)
    noun = full.get_kind_display().lower()
    if request.htmx:
        return _item_response(request, pk, full=full, announcement=f"Your {noun} is deleted.")
    messages.success(request, f"Your {noun} is deleted.")
    return HttpResponseSeeOther(full.get_absolute_url())


@require_http_methods(["GET", "POST"])
@member_or_keep_text
def report(request, pk):
    post = _visible_post(request, pk)
    full = Post.objects.select_related("article", "position").get(pk=pk)
    if post.author_id == request.user.pk:
        return _refused(request, full, "post_report", "You cannot report what you wrote yourself.")
    if full.status not in {PostStatus.PUBLISHED, PostStatus.HELD}:
        why = "That post is no longer shown, so there is nothing to report."
        return _refused(request, full, "post_report", why, HTTPStatus.CONFLICT)
    form = ReportForm(request.POST or None, post=full)
    context = {"post": full, "article": full.article, "form": form}
    if request.method == "GET" or "cancel" in request.POST:
        if "cancel" in request.POST:
            if request.htmx:
                return _item_response(request, pk, back_to=request.path)
            return HttpResponseSeeOther(full.get_absolute_url())
        return _page_or_partial(request, "post_report", context)
    if not form.is_valid():
        return _page_or_partial(request, "post_report", context, HTTPStatus.UNPROCESSABLE_ENTITY)
    try:
        discussion.report_file(
            post,
            reporter=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except discussion.DiscussionError as refused:
        context["error"] = refused.message
        return _page_or_partial(request, "post_report", context, HTTPStatus.CONFLICT)
    thanks = "Thank you: moderators will look at it."
    if request.htmx:
        return _item_response(request, pk, full=full, announcement=f"Reported. {thanks}")
    messages.success(request, f"Reported. {thanks}")
    return HttpResponseSeeOther(full.get_absolute_url())
