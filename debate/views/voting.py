"""Sympathy votes: cast, withdraw, and the polled tally."""

import logging
from http import HTTPStatus

from allauth.core import ratelimit
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .. import services
from ..forms import VoteForm
from ..models import Article, SympathyVote, VoteChange
from ..sympathy import History, Tally, option_chosen, options_for
from .common import HttpResponseSeeOther, member_required

logger = logging.getLogger(__name__)

VOTE_PANEL_ANCHOR = "vote-panel"
VOTE_RATE_WINDOW_SECONDS = 60  # the window of ACCOUNT_RATE_LIMITS["vote"]

UNKNOWN = object()


def _sympathy_context(request, article, positions=None, chosen=UNKNOWN) -> dict:
    """The article's options, its tally and the member's choice: three queries at most.

    A view that has just written the member's choice passes it, saving the query.
    """
    if positions is None:
        positions = list(article.positions.all())
    options = options_for(positions)
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
        "tally": Tally.from_counts(options, SympathyVote.objects.tally(article)),
        "chosen": chosen,
    }


def _history(article, options) -> History:
    moves = VoteChange.objects.daily_moves(article)
    return History.replay(options, moves, timezone.localdate())


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
    """The partial an htmx vote swaps in: the panel with the tally (and the chart out of band)."""
    context = _sympathy_context(request, article, positions, chosen)
    if status == HTTPStatus.OK:
        context["history"] = _history(article, context["options"])
    # Only this partial swaps other parts of the page; the article page includes the same
    # template, and must not repeat them even when htmx asks for it.
    context["out_of_band"] = True
    return render(request, "debate/_vote_panel.html", {**context, **extra}, status=status)


def _back_to_the_panel(article):
    """POST/redirect/GET for plain forms: the article again, scrolled to the vote panel."""
    return HttpResponseSeeOther(f"{article.get_absolute_url()}#{VOTE_PANEL_ANCHOR}")


@require_POST
@member_required
def vote(request, slug):
    article = get_object_or_404(Article.objects.only("id", "slug", "title"), slug=slug)
    if limited := vote_rate_limited(request, article):
        return limited
    positions = list(article.positions.all())
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
    article = get_object_or_404(Article.objects.only("id", "slug"), slug=slug)
    positions = list(article.positions.all())
    options = options_for(positions)
    current = Tally.from_counts(options, SympathyVote.objects.tally(article))
    if request.GET.get("seen") == current.version:
        return HttpResponse(status=HTTPStatus.NO_CONTENT)
    return render(request, "debate/_tally.html", {"article": article, "tally": current})
