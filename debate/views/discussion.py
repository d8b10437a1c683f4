"""Reading the discussion: the article page's lists, "Show more", threads and permalinks.

Writing is in views/posting.py; both draw items with the discussion_tags template tags and
forms with templates/debate/_compose.html.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from .. import discussion
from .. import judging_orders as orders
from ..forms import PostForm
from ..models import Article, Post, PostKind, PostStatus, Report
from ..models.discussion import THREAD_PAGE
from ..sympathy import options_for

PER_PAGE = 20
REPLIES_SHOWN = 3

# Listing: reads ----------------------------------------------------------------------------


@dataclass
class Listing:
    """One list of threads on a page: its items, where "Show more" continues, its count."""

    posts: list = field(default_factory=list)
    more_before: int | None = None
    count: int = 0
    more_query: str = ""  # where "Show more" continues an ordered list (judging_orders)


def _viewer(request):
    return request.user if request.user.is_authenticated else None


def _decorate(posts, request, now, reported_ids=None):
    """What each item's controls depend on, computed once here rather than in the template.

    `reported_ids`: the posts the viewer has reported, unless the rows say it themselves
    (the article page's reads select it).
    """
    viewer = _viewer(request)
    viewer_id = viewer.pk if viewer else None
    for post in posts:
        post.mine = viewer_id is not None and post.author_id == viewer_id
        # Authors see their own words whatever happened to them, unless they deleted them.
        post.shows_text = post.status == PostStatus.PUBLISHED or (
            post.mine and post.status != PostStatus.DELETED
        )
        post.can_edit = post.mine and discussion.post_can_edit(post, viewer, now)
        if reported_ids is not None:
            post.reported = post.pk in reported_ids
        else:
            post.reported = bool(getattr(post, "reported", False))
        post.shown_replies = []


def _attach_replies(roots, replies) -> None:
    """Hang each reply under its parent, or under the thread's root when the parent is not
    shown (on an earlier page of the thread): then it links to what it answers."""
    by_id = {post.pk: post for post in roots}
    for root in roots:
        root.published_shown = 0
    for reply in replies:
        parent = by_id.get(reply.parent_id)
        if parent is None:
            parent = by_id.get(reply.root_id)
            reply.detached = parent is not None and reply.parent_id != reply.root_id
        if parent is None:
            continue
        parent.shown_replies.append(reply)
        by_id[reply.pk] = reply
        root = by_id.get(reply.root_id)
        if root is not None and reply.status == PostStatus.PUBLISHED:
            root.published_shown += 1
    for root in roots:
        root.more_replies = max(0, root.thread_reply_count - root.published_shown)


def _reported_by(viewer, post_ids) -> frozenset:
    if viewer is None or not post_ids:
        return frozenset()
    reported = Report.objects.filter(reporter=viewer, post_id__in=post_ids)
    return frozenset(reported.values_list("post_id", flat=True))


def _with_replies(request, roots) -> None:
    """Fetch and attach the first replies of each thread, in one query (which also says
    which of them the viewer has reported)."""
    viewer = _viewer(request)
    # A visitor sees replies only where published ones are counted; a member may also have
    # replies of their own waiting anywhere.
    ids = [root.pk for root in roots if viewer or root.thread_reply_count or root.reply_count]
    replies = list(Post.objects.first_replies(ids, viewer, REPLIES_SHOWN))
    _decorate(replies, request, timezone.now())
    _attach_replies(roots, replies)


def discussion_context(request, article, options, order: str = "new", counts=None) -> dict:
    """The article page's discussion: each side's first rebuttals, the first comments, each
    with its first replies, and the counts: three queries (four for a member) whatever their
    number."""
    viewer = _viewer(request)
    now = timezone.now()
    sides = [option for option in options if option.position is not None]
    if counts is None:  # the article page reads them with judging's query
        counts = {row.position_id: row.published for row in article.post_counts.all()}
    positions = [o.position for o in sides]
    top = list(Post.objects.first_pages(article, positions, viewer, PER_PAGE, order))
    _decorate(top, request, now)
    listings = {o.position.pk: Listing(count=counts.get(o.position.pk, 0)) for o in sides}
    comments = Listing(count=counts.get(None, 0))
    for post in sorted(top, key=lambda post: -post.pk):
        listing = comments if post.kind == PostKind.COMMENT else listings[post.position_id]
        listing.posts.append(post)
    shown = []
    for listing in [*listings.values(), comments]:
        if listing is not comments:
            listing.posts.sort(key=orders.sort_key(order))
        if len(listing.posts) > PER_PAGE:
            listing.posts = listing.posts[:PER_PAGE]
            listing.more_before = listing.posts[-1].pk
            if listing is not comments:
                listing.more_query = orders.more_query(order, listing.posts[-1])
        shown.extend(listing.posts)
    _with_replies(request, shown)
    comments.compose = _compose_for(article, PostKind.COMMENT)
    comments.compose.is_open = False
    entries = []
    for option in sides:
        compose = _compose_for(article, PostKind.REBUTTAL, side=option)
        compose.is_open = False
        entries.append(
            {
                "option": option,
                "listing": listings[option.position.pk],
                "compose": compose,
                "list_id": f"posts-side-{option.position.slug}",
                "more_url": reverse(
                    "debate:side_rebuttals", args=[article.slug, option.position.slug]
                ),
            }
        )
    return {"discussion_sides": entries, "comments": comments}


def _next_page(request, queryset, order: str = "new"):
    try:
        before = int(request.GET.get("before", ""))
    except ValueError:
        before = None
    if before is not None:
        queryset = queryset.filter(pk__lt=before)
    cursor = orders.parse_cursor(order, request.GET.get("after"))
    if cursor is not None and order != "new":
        queryset = queryset.filter(orders.after(order, cursor))
    viewer = _viewer(request)
    listed = queryset.listed_for(viewer).for_display().endorsed_by(viewer)
    posts = list(listed.order_by(*orders.order_by(order))[: PER_PAGE + 1])
    listing = Listing(posts=posts[:PER_PAGE])
    if len(posts) > PER_PAGE:
        listing.more_before = listing.posts[-1].pk
        if order != "new" or "order" in request.GET:
            listing.more_query = orders.more_query(order, listing.posts[-1])
    reported = _reported_by(viewer, [post.pk for post in listing.posts])
    _decorate(listing.posts, request, timezone.now(), reported)
    _with_replies(request, listing.posts)
    return listing


def _article(slug):
    return get_object_or_404(Article.objects.only("id", "slug", "title"), slug=slug)


def _side(article, position_slug):
    positions = list(article.positions.all())
    for option in options_for(positions):
        if option.position is not None and option.position.slug == position_slug:
            return option
    raise Http404("This debate has no such side.")


@require_safe
def side_rebuttals(request, slug, position_slug):
    """A side's rebuttals after `?before=<id>` (newest first) or, in another `?order=`, after
    the cursor `?after=`: "Show more", in place or as a page."""
    article = _article(slug)
    side = _side(article, position_slug)
    order = orders.order_of(request.GET.get("order"), default="new")
    listing = _next_page(request, Post.objects.filter(position=side.position), order)
    context = {
        "article": article,
        "side": side,
        "listing": listing,
        "list_id": f"posts-side-{side.position.slug}",
        "more_url": reverse("debate:side_rebuttals", args=[slug, position_slug]),
    }
    template = "debate/_post_page.html" if request.htmx else "debate/post_list.html"
    return render(request, template, context)


@require_safe
def article_comments(request, slug):
    article = _article(slug)
    listing = _next_page(request, Post.objects.filter(article=article, kind=PostKind.COMMENT))
    context = {
        "article": article,
        "listing": listing,
        "list_id": "posts-comments",
        "more_url": reverse("debate:article_comments", args=[slug]),
    }
    template = "debate/_post_page.html" if request.htmx else "debate/post_list.html"
    return render(request, template, context)


def _after(request) -> int | None:
    try:
        return max(0, int(request.GET["after"]))
    except (KeyError, ValueError):
        return None


def _ancestors(post, viewer) -> list:
    """The replies above a reply in its thread (threads are three deep: at most two)."""
    found = []
    parent_id = post.parent_id if post.depth >= 2 else None
    while parent_id is not None and len(found) < 2:
        parent = Post.objects.for_display().endorsed_by(viewer).filter(pk=parent_id).first()
        if parent is None or parent.depth < 1:
            break
        found.append(parent)
        parent_id = parent.parent_id if parent.depth >= 2 else None
    return found


def _thread(request, post, after=None):
    """`post`'s thread as a tree: its root and one page of replies, the first, the one after
    the reply `after`, or (for a reply further down a long thread) the one that starts with
    `post`, under its parents."""
    viewer = _viewer(request)
    root_id = post.root_id or post.pk
    above = []
    if after is None:
        after = 0
        if post.kind == PostKind.REPLY:
            earlier = Post.objects.filter(root_id=root_id, pk__lt=post.pk)[:THREAD_PAGE]
            if earlier.count() >= THREAD_PAGE:
                after, above = post.pk - 1, _ancestors(post, viewer)
    root = Post.objects.for_display().endorsed_by(viewer).get(pk=root_id)
    page = list(
        Post.objects.for_display()
        .endorsed_by(viewer)
        .thread_page(root_id, viewer, after=after, limit=THREAD_PAGE)
    )
    more_after = page[THREAD_PAGE - 1].pk if len(page) > THREAD_PAGE else None
    page = page[:THREAD_PAGE]
    posts = [root, *above, *page]
    _decorate(posts, request, timezone.now(), _reported_by(viewer, [p.pk for p in posts]))
    _attach_replies([root], [*above, *page])
    root.more_after = more_after
    root.earlier = after > 0
    return root


def _visible_post(request, pk):
    post = get_object_or_404(
        Post.objects.select_related("article", "position").only(
            "id",
            "kind",
            "status",
            "author_id",
            "root_id",
            "parent_id",
            "depth",
            "position__label",
            "position__slug",
            "position__order",
            "article__slug",
            "article__title",
            "article_id",
        ),
        pk=pk,
    )
    if post.status == PostStatus.PENDING and post.author_id != getattr(request.user, "pk", None):
        raise Http404("No such post.")
    return post


@require_safe
def post_detail(request, pk):
    """The permalink: the item's whole thread, expanded, the item highlighted."""
    post = _visible_post(request, pk)
    root = _thread(request, post, _after(request))
    side = None
    if root.kind == PostKind.REBUTTAL:
        side = next(
            o for o in options_for(list(post.article.positions.all())) if o.position
            and o.position.pk == root.position_id
        )  # fmt: skip
    context = {"post": post, "root": root, "article": post.article, "side": side,
               "highlight": post.pk, "expanded": True}  # fmt: skip
    return render(request, "debate/post_detail.html", context)


@require_safe
def thread_replies(request, pk):
    """The first page of a thread's replies, for "Show all replies" in place (a longer
    thread goes on on its own page)."""
    post = _visible_post(request, pk)
    root = _thread(request, post, after=0)
    return render(request, "debate/_replies.html", {"parent": root, "expanded": True})


# What the page draws of the forms ------------------------------------------------


@dataclass
class Compose:
    """Everything the compose partial needs to draw one form, open or closed."""

    kind: str
    action: str
    dom_id: str
    open_label: str
    submit_label: str
    heading: str
    # The side a rebuttal answers: its claim is read only where a form page quotes it (the
    # article page's positions carry no claim).
    position: object = None
    list_id: str = ""
    form: PostForm | None = None
    preview: str = ""
    error: str = ""
    is_open: bool = True

    @property
    def context(self) -> str:
        return self.position.claim if self.position is not None else ""


def _compose_for(article, kind, *, side=None, parent=None) -> Compose:
    if kind == PostKind.REBUTTAL:
        return Compose(
            kind=kind,
            action=reverse("debate:rebut", args=[article.slug, side.position.slug]),
            dom_id=f"compose-side-{side.position.slug}",
            open_label=f"Rebut {side.label}",
            submit_label="Post rebuttal",
            heading=f"Rebut {side.label}",
            position=side.position,
            list_id=f"posts-side-{side.position.slug}",
        )
    if kind == PostKind.COMMENT:
        return Compose(
            kind=kind,
            action=reverse("debate:comment", args=[article.slug]),
            dom_id="compose-comment",
            open_label="Add a comment",
            submit_label="Post comment",
            heading="Comment on the article",
            list_id="posts-comments",
        )
    return Compose(
        kind=kind,
        action=reverse("debate:reply", args=[parent.pk]),
        dom_id=f"compose-reply-{parent.pk}",
        open_label="Reply",
        submit_label="Post reply",
        heading="Reply",
    )
