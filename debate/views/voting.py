"""Sympathy votes: cast, withdraw, the polled tally and the history chart."""

import logging
from http import HTTPStatus

from allauth.core import ratelimit
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_POST
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .. import services
from ..forms import VoteForm
from ..fragments import cached_fragment, digest
from ..models import Article, Position, SympathyVote, VoteCount, VoteDay
from ..sympathy import History, Option, Tally, option_chosen, options_for
from .common import HttpResponseSeeOther, member_required

logger = logging.getLogger(__name__)

VOTE_PANEL_ANCHOR = "vote-panel"
VOTE_RATE_WINDOW_SECONDS = 60  # the window of ACCOUNT_RATE_LIMITS["vote"]

UNKNOWN = object()


# What the vote, the tally and the chart need of a position (not its evidence or summary).
OPTION_FIELDS = ("id", "article_id", "slug", "label", "order")
# Every vote and every tally that saw a change tells the page so; the chart then fetches
# itself (hx-trigger="sympathy-moved from:body" in _sympathy_history.html).
MOVED_EVENT = "sympathy-moved"


def _positions(article) -> list[Position]:
    return list(Position.objects.filter(article=article).only(*OPTION_FIELDS))


def _article_with_options(request, slug, article_fields, position_fields=OPTION_FIELDS):
    """The article and its positions, each carrying the vote counters and the member's vote.

    One query when the article has positions (the article comes joined to them), two when it
    has none; 404 when there is no such article.
    """
    related = [f"article__{name}" for name in article_fields]
    positions = list(
        Position.objects.filter(article__slug=slug)
        .select_related("article")
        .only(*position_fields, *related)
        .with_votes(request.user)
    )
    if positions:
        return positions[0].article, positions
    return get_object_or_404(Article.objects.only(*article_fields), slug=slug), []


def _chosen_from(positions, options) -> Option | None:
    """The member's choice as `with_votes()` found it (None: no vote, or not signed in)."""
    if not positions or not getattr(positions[0], "my_stance", None):
        return None
    return option_chosen(options, positions[0].my_position_id)


def _sympathy_context(request, article, positions=None, chosen=UNKNOWN) -> dict:
    """The article's options, its tally and the member's choice.

    Positions from `_article_with_options` bring the counters and the member's vote along;
    otherwise (after a vote) they are read here: the counters, and the vote unless the view
    that has just written it passes it.
    """
    if positions is None:
        positions = _positions(article)
    options = options_for(positions)
    if positions and hasattr(positions[0], "both_count"):
        tally = Tally.from_positions(options)
        if chosen is UNKNOWN:
            chosen = _chosen_from(positions, options)
    else:
        tally = Tally.from_counters(options, VoteCount.objects.of_article(article))
    if chosen is UNKNOWN:
        chosen = None
        if request.user.is_authenticated:
            vote = SympathyVote.objects.of_member(request.user, article).only("position_id")
            vote = vote.first()
            if vote is not None:
                chosen = option_chosen(options, vote.position_id)
    return {
        "article": article,
        "positions": positions,
        "options": options,
        "tally": tally,
        "chosen": chosen,
    }


def history_html(article, options, tally) -> SafeString:
    """The "How sympathy has moved" section, rendered once per version and shared.

    Replaying the day rows and drawing the chart with its table costs far more than the rest
    of the page, and only a vote, midnight or a renamed option changes it: the rendering is
    cached under the counters' version, today's date and the options' labels.
    """
    today = timezone.localdate()
    labels = digest("\n".join(f"{o.value}\t{o.label}\t{o.side}" for o in options))

    def context():
        days = VoteDay.objects.history(article)
        return {"article": article, "history": History.replay(options, days, today)}

    parts = (article.pk, tally.version, today.isoformat(), labels)
    return cached_fragment("debate/_sympathy_history.html", parts, context)


VOTE_RATE_LIMITED = "You have voted many times in the last minute. Wait a minute, then try again."


def vote_rate_limited(request, article) -> HttpResponse | None:
    """A 429 when the member changes votes faster than ACCOUNT_RATE_LIMITS["vote"] allows.

    Every change appends to the history the chart replays, so one member flipping a vote in
    a loop would grow it without bound. A cache that does not answer lets the vote through:
    the page cache degrades the same way, and a vote matters more than the limit.
    """
    try:
        if ratelimit.consume(request, action="vote", user=request.user):
            return None
    except (RedisConnectionError, RedisTimeoutError) as error:
        logger.warning("vote rate limit unavailable, letting the vote through: %s", error)
        return None
    if request.htmx:
        response = HttpResponse(
            VOTE_RATE_LIMITED,
            status=HTTPStatus.TOO_MANY_REQUESTS,
            content_type="text/plain; charset=utf-8",
        )
    else:
        context = {"article": article, "error": VOTE_RATE_LIMITED}
        response = render(
            request, "debate/vote_rejected.html", context, status=HTTPStatus.TOO_MANY_REQUESTS
        )
    response["Retry-After"] = str(VOTE_RATE_WINDOW_SECONDS)
    return response


def _vote_panel(request, article, positions=None, *, chosen=UNKNOWN, status=HTTPStatus.OK, **extra):
    """The partial an htmx vote swaps in: the panel with the tally, and nothing else.

    The chart follows with a request of its own (MOVED_EVENT), so drawing it never holds up
    the vote.
    """
    context = _sympathy_context(request, article, positions, chosen)
    # Only this partial swaps the announcer out of band; the article page includes the same
    # template, and must not repeat it even when htmx asks for it.
    context["out_of_band"] = True
    response = render(request, "debate/_vote_panel.html", {**context, **extra}, status=status)
    if status == HTTPStatus.OK:
        response["HX-Trigger"] = MOVED_EVENT
    return response


def _back_to_the_panel(article):
    """POST/redirect/GET for plain forms: the article again, scrolled to the vote panel."""
    return HttpResponseSeeOther(f"{article.get_absolute_url()}#{VOTE_PANEL_ANCHOR}")


@require_POST
@member_required
def vote(request, slug):
    article = get_object_or_404(Article.objects.only("id", "slug", "title"), slug=slug)
    if limited := vote_rate_limited(request, article):
        return limited
    positions = _positions(article)
    form = VoteForm(request.POST, options=options_for(positions))
    if not form.is_valid():
        error = form.errors["choice"][0]
        if request.htmx:
            return _vote_panel(
                request,
                article,
                positions,
                error=error,
                announcement=error,
                status=HTTPStatus.BAD_REQUEST,
            )
        context = {"article": article, "error": error}
        return render(request, "debate/vote_rejected.html", context, status=HTTPStatus.BAD_REQUEST)
    option = form.cleaned_data["choice"]
    services.vote_cast(member=request.user, article=article, position=option.position)
    if request.htmx:
        announcement = f"Vote counted: {option.action}."
        return _vote_panel(request, article, positions, chosen=option, announcement=announcement)
    return _back_to_the_panel(article)


@require_POST
@member_required
def vote_withdraw(request, slug):
    article = get_object_or_404(Article.objects.only("id", "slug", "title"), slug=slug)
    if limited := vote_rate_limited(request, article):
        return limited
    services.vote_withdraw(member=request.user, article=article)
    if request.htmx:
        return _vote_panel(
            request,
            article,
            chosen=None,
            announcement="Your vote is withdrawn.",
            focus_status=True,
        )
    return _back_to_the_panel(article)


@require_GET
def tally(request, slug):
    article, positions = _article_with_options(request, slug, ("id", "slug"))
    current = Tally.from_positions(options_for(positions))
    if request.GET.get("seen") == current.version:
        return HttpResponse(status=HTTPStatus.NO_CONTENT)
    response = render(request, "debate/_tally.html", {"article": article, "tally": current})
    response["HX-Trigger"] = MOVED_EVENT
    return response


@require_GET
def history(request, slug):
    """The chart alone, for a page whose tally has moved (see MOVED_EVENT)."""
    article, positions = _article_with_options(request, slug, ("id", "slug"))
    options = options_for(positions)
    return HttpResponse(history_html(article, options, Tally.from_positions(options)))
