"""The article list and the article page."""

import logging
from functools import cache

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from ..fragments import (
    CSRF_PLACEHOLDER,
    PLACEHOLDERS,
    Fragment,
    digest,
    drawing_digest,
    filled,
    placeholder,
    rendered,
    store,
    stored,
)
from ..judging_orders import DEFAULT_ORDER, order_of
from ..models import Article, Position, Switch
from ..sympathy import options_for
from .discussion import discussion_context
from .judging import article_judging_context, credit_prompt_context
from .voting import (
    _sympathy_context,
    article_votes,
    history_fragment,
    labels_digest,
    vote_panel_fragment,
)

logger = logging.getLogger(__name__)

# What the page needs of the article itself; the body, the topics and each side's card come
# rendered from the fragment cache, loaded only when it misses.
PAGE_FIELDS = ("id", "slug", "title", "summary", "lang", "updated_at", "discussion_version")

# Stand for what differs between the members a shared rendering serves (see _AnyMember).
MEMBER_PLACEHOLDER = placeholder("member")
CREDIT_PROMPT_PLACEHOLDER = placeholder("credit-prompt")
PAGE_TOP_PLACEHOLDER = placeholder("page-top")
SWITCH_PLACEHOLDER = placeholder("switch")
VOTE_PANEL_PLACEHOLDER = placeholder("vote-panel")
HISTORY_PLACEHOLDER = placeholder("history")


def article_list(request):
    return render(request, "debate/article_list.html", {"articles": Article.objects.listed()})


@require_safe
def article_detail(request, slug):
    """The article, its sides, the vote and the discussion.

    Most viewers have nothing of their own on the page: no posts, endorsements or reports
    there (the page query says so). They all see the same page: it is drawn once, stored under
    everything it shows (the article's edition, the discussion's version, the count of members
    who changed sides, the order), and each request puts in its own header, CSRF token and
    member id, the vote panel and the chart for the current tally (fragments stored per vote
    counters' version, so a vote does not draw the page again) and, after a switch of sides,
    the prompt. A member with marks of their own gets a page drawn for them.
    """
    order = order_of(request.GET.get("order"))
    signed_in = request.user.is_authenticated
    votes = article_votes(request, slug, PAGE_FIELDS, viewer=True)
    context = _sympathy_context(request, votes)
    if votes.engaged:
        page = {"article": votes.article, "body": _body(request, context, order)}
        top = _header(request, stored(_header_key(request))) + _messages(request)
        top = mark_safe(top.replace(CSRF_PLACEHOLDER, get_token(request)))  # noqa: S308 - ours
        return render(request, "debate/article_detail.html", {**page, "page_top": top})
    context["members_switched"] = votes.members_switched
    page_key, header_key = _page_key(request, context, order), _header_key(request)
    found = stored(page_key, header_key)
    html = found.get(page_key) or _shared_page(request, context, order, page_key)
    panel, chart = _vote_parts(request, context)
    prompt = ""
    if votes.open_switch is not None:
        prompt = _credit_prompt(request, context, votes.open_switch)
    token, member = get_token(request), str(request.user.pk) if signed_in else ""

    def own(part: str) -> str:  # the parts hold placeholders for the token and member too
        return part.replace(CSRF_PLACEHOLDER, token).replace(MEMBER_PLACEHOLDER, member)

    values = {
        PAGE_TOP_PLACEHOLDER: own(_header(request, found) + _messages(request)),
        VOTE_PANEL_PLACEHOLDER: own(panel),
        HISTORY_PLACEHOLDER: own(chart),
        CREDIT_PROMPT_PLACEHOLDER: own(prompt),
        CSRF_PLACEHOLDER: token,
        MEMBER_PLACEHOLDER: member,
    }
    return HttpResponse(filled(page_key, html, values))


def _header_key(request) -> str | None:
    """A member's header on this page shows only their own fields: stored under them. Not a
    visitor's (its links name the page) nor a moderator's."""
    user = request.user
    if not user.is_authenticated or user.is_staff:
        return None
    parts = ("header", drawing_digest(), PLACEHOLDERS, user.pk, digest(user.display_name),
             user.notifications_unread)  # fmt: skip
    return ":".join(map(str, parts))


def _header(request, found: dict) -> str:
    """The site header for this request, from the cache where it can be."""
    key = _header_key(request)
    if key is not None and (html := found.get(key)) is not None:
        return html
    # The token as a placeholder: the page's own replaces it with the request's.
    html = render_to_string(
        "includes/_header.html", {"csrf_token": CSRF_PLACEHOLDER}, request=request
    )
    if key is not None:
        store(key, html)
    return html


def _messages(request) -> str:
    """Messages waiting for the member ("Your profile is saved."), usually none."""
    waiting = get_messages(request)
    if not waiting:
        return ""
    return render_to_string("includes/_messages.html", {"messages": waiting})


class _AnyMember:
    """Who a shared rendering is drawn for: some signed-in member with nothing of their own on
    the page. Its id is a placeholder that each request replaces (forms' draft keys use it)."""

    is_authenticated = True
    pk = MEMBER_PLACEHOLDER


def _vote_parts(request, context: dict) -> tuple[str, str]:
    """The vote panel and the chart for the current tally, stored per its version."""
    if not context["options"]:
        return "", ""
    article, options, tally = context["article"], context["options"], context["tally"]
    panel, chart = rendered(
        vote_panel_fragment(request, context),
        history_fragment(article, options, tally),
        csrf_token=CSRF_PLACEHOLDER,
    )
    return panel, chart


def _page_key(request, context: dict, order: str) -> str:
    """Everything the shared page shows, as a cache key: nothing a vote changes, but the count
    of members who changed sides."""
    article = context["article"]
    parts = (
        "page",
        drawing_digest(),
        PLACEHOLDERS,
        article.pk,
        article.updated_at.isoformat(),
        article.discussion_version,
        context["members_switched"],
        labels_digest(context["options"]),
        "member" if request.user.is_authenticated else "visitor",
        order,
    )
    return ":".join(map(str, parts))


def _shared_page(request, context: dict, order: str, key: str) -> str:
    """Draw the page as every viewer without marks of their own sees it, and store it."""
    article = context["article"]
    viewer = {
        "user": _AnyMember() if request.user.is_authenticated else None,
        "csrf_token": CSRF_PLACEHOLDER,
        "credit_prompt": mark_safe(CREDIT_PROMPT_PLACEHOLDER),  # noqa: S308 - a placeholder
        "vote_panel": mark_safe(VOTE_PANEL_PLACEHOLDER),  # noqa: S308 - a placeholder
        "history_html": mark_safe(HISTORY_PLACEHOLDER),  # noqa: S308 - a placeholder
        "next_url": _page_url(article, order),
    }
    page = {
        "article": article,
        "body": _body(request, context, order, viewer),
        "page_top": mark_safe(PAGE_TOP_PLACEHOLDER),  # noqa: S308 - a placeholder
        "csrf_token": CSRF_PLACEHOLDER,
    }
    html = render_to_string("debate/article_detail.html", page)
    store(key, html)
    return html


def _page_url(article, order: str) -> str:
    url = article.get_absolute_url()
    return url if order == DEFAULT_ORDER else f"{url}?order={order}"


def _body(request, context: dict, order: str, viewer: dict | None = None) -> SafeString:
    """The page below the header. `viewer`: drawn to be shared (placeholders for the member),
    else for this request's member."""
    article = context["article"]
    edition = (article.pk, article.updated_at.isoformat())
    sides = [option for option in context["options"] if option.position is not None]

    @cache
    def positions():  # in full, once, and only if a fragment has to be rendered
        return {position.pk: position for position in Position.objects.filter(article=article)}

    fragments = [
        Fragment(
            "debate/_article_content.html",
            edition,
            lambda: _article_content_context(article, list(positions().values())),
        ),
        # Each side's card: its rebuttals follow it on the page, drawn afresh for each viewer.
        *(
            Fragment(
                "debate/_position_column.html",
                (*edition, option.position.pk),
                lambda option=option: {
                    "position": positions()[option.position.pk],
                    "side": option.side,
                },
            )
            for option in sides
        ),
    ]
    if context["options"] and viewer is None:
        fragments.append(vote_panel_fragment(request, context))
        fragments.append(history_fragment(article, context["options"], context["tally"]))
    # The article, the sides' cards, the vote panel and the chart: one round trip to the cache.
    token = CSRF_PLACEHOLDER if viewer is not None else None
    article_content, *rest = rendered(*fragments, csrf_token=token)
    cards, rest = rest[: len(sides)], rest[len(sides) :]
    context = {**context, "article_content": article_content}
    context.update(zip(("vote_panel", "history_html"), rest, strict=False))
    context.update(article_judging_context(request, article, order))
    counts = context.pop("post_counts")
    context.update(discussion_context(request, article, context["options"], order, counts))
    for entry, card in zip(context["discussion_sides"], cards, strict=True):
        entry["card"] = card
    if viewer is not None:
        context.pop("credit", None)  # the member's own: put in by each request
        return render_to_string("debate/_article_body.html", {**context, **viewer})
    context["credit_prompt"] = ""
    if credit := context.pop("credit", None):
        context["credit_prompt"] = render_to_string(
            "debate/_credit_prompt.html", credit, request=request
        )
    return render_to_string("debate/_article_body.html", context, request=request)


def _credit_prompt(request, context: dict, switch: Switch) -> str:
    """ "What changed your mind?" for a member whose switch of sides is open: the same for
    every member without posts of their own here who made the same switch, so drawn once
    per discussion version and stored, with placeholders for the switch and the token."""
    article = context["article"]
    parts = (article.pk, article.discussion_version, labels_digest(context["options"]),
             switch.from_position_id, switch.to_position_id)  # fmt: skip
    shared = Switch(pk=SWITCH_PLACEHOLDER, from_position_id=switch.from_position_id,
                    to_position_id=switch.to_position_id)  # fmt: skip
    prompt = Fragment(
        "debate/_credit_prompt.html",
        parts,
        lambda: credit_prompt_context(request, article, shared),
        request,
    )
    (html,) = rendered(prompt, csrf_token=CSRF_PLACEHOLDER)
    return html.replace(SWITCH_PLACEHOLDER, str(switch.pk))


def _article_content_context(article, positions) -> dict:
    full = Article.objects.defer("body_md").prefetch_related("topics").get(pk=article.pk)
    return {"article": full, "positions": positions, "options": options_for(positions)}
