"""Sympathy votes: cast, withdraw, the polled tally and the history chart."""

from http import HTTPStatus

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_POST

from .. import services
from ..forms import VoteForm
from ..fragments import CSRF_PLACEHOLDER, Fragment, digest, rendered
from ..models import ArticleVotes, VoteCount, VoteDay
from ..sympathy import History, Tally, option_chosen, options_for
from ..vote_counters import watching
from ..vote_limit import vote_wait, vote_window
from .common import HttpResponseSeeOther, member_required

VOTE_PANEL_ANCHOR = "vote-panel"

UNKNOWN = object()


# Every vote and every tally that saw a change tells the page so; the chart then fetches
# itself (hx-trigger="sympathy-moved from:body" in _sympathy_history.html).
MOVED_EVENT = "sympathy-moved"


def article_votes(
    request, slug, article_fields=("id", "slug"), *, viewer=False, for_vote=False, window=None
) -> ArticleVotes:
    """The article with its positions, counters and the member's vote, in one query; or 404.
    `viewer`: also what the page needs to know of the member; `for_vote`: what writing their
    vote in one statement needs; `window`: also read the member's place in the vote's rate
    limit (`VoteCount.objects.page`)."""
    member_id = request.user.pk if request.user.is_authenticated else None
    found = VoteCount.objects.page(
        slug, member_id, article_fields, viewer=viewer, for_vote=for_vote, vote_window=window
    )
    if found is None:
        raise Http404("No such article.")
    return found


def _sympathy_context(request, votes: ArticleVotes, chosen=UNKNOWN, counters=None) -> dict:
    """The article's options, its tally and the member's choice, from `article_votes()`.

    A view that has just written the member's vote passes the choice and the counters read
    after the write.
    """
    options = options_for(votes.positions)
    if chosen is UNKNOWN:
        chosen = None
        if votes.my_vote is not None and request.user.is_authenticated:
            chosen = option_chosen(options, votes.my_vote[1])
    return {
        "article": votes.article,
        "positions": votes.positions,
        "options": options,
        "tally": Tally.from_counters(options, votes.counters if counters is None else counters),
        "chosen": chosen,
    }


def labels_digest(options) -> str:
    """A digest of the options as a fragment shows them: a renamed side renders anew."""
    return digest("\n".join(f"{o.value}\t{o.label}\t{o.side}" for o in options))


def vote_panel_fragment(request, context: dict) -> Fragment:
    """The vote panel as the article page shows it, rendered once per tally and choice.

    The same for every member who made the same choice (and for every visitor) until the next
    vote; only the CSRF token differs, and each request puts its own in.
    """
    chosen = context["chosen"]
    signed_in = request.user.is_authenticated
    parts = (
        context["article"].pk,
        context["tally"].version,
        labels_digest(context["options"]),
        chosen.value if chosen else "",
        "member" if signed_in else "visitor",
    )
    panel = {key: context[key] for key in ("article", "options", "tally", "chosen")}

    def panel_context():
        choices = vote_choices(request, context, csrf_token=CSRF_PLACEHOLDER)
        return {**panel, "user": request.user, "choices": choices}

    return Fragment("debate/_vote_panel.html", parts, panel_context, request)


def vote_choices(request, context: dict, *, focus_status=False, csrf_token=None) -> SafeString:
    """The panel's status line and forms: the same for every member who made the same choice
    (and for every visitor), whatever the tally, so stored once and not drawn with each vote.
    `csrf_token`: as `rendered` takes it."""
    article, chosen = context["article"], context["chosen"]
    signed_in = request.user.is_authenticated
    parts = (
        article.pk,
        article.slug,
        labels_digest(context["options"]),
        chosen.value if chosen else "",
        "member" if signed_in else "visitor",
        "focus" if focus_status else "",
    )
    choices = {
        "article": article,
        "options": context["options"],
        "chosen": chosen,
        "user": request.user,
        "focus_status": focus_status,
    }
    fragment = Fragment("debate/_vote_choices.html", parts, lambda: choices, request)
    (html,) = rendered(fragment, csrf_token=csrf_token)
    return html


def history_fragment(article, options, tally) -> Fragment:
    """The "How sympathy has moved" section, rendered once per version and shared.

    Replaying the day rows and drawing the chart with its table costs far more than the rest
    of the page, and only a vote, midnight or a renamed option changes it: the rendering is
    cached under the counters' version, today's date and the options' labels.
    """
    today = timezone.localdate()

    def context():
        days = VoteDay.objects.history(article)
        return {"article": article, "history": History.replay(options, days, today)}

    parts = (article.pk, tally.version, today.isoformat(), labels_digest(options))
    return Fragment("debate/_sympathy_history.html", parts, context)


VOTE_RATE_LIMITED = "You have voted many times in the last minute. Wait a minute, then try again."


def vote_rate_limited(request, votes: ArticleVotes, now) -> HttpResponse | None:
    """A 429 when the member changes votes faster than VOTE_LIMIT allows (debate.vote_limit),
    from what `article_votes(..., window=vote_window(now))` read."""
    wait = vote_wait(votes.limit_reached_at, now)
    if wait is None:
        return None
    article = votes.article
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
    response["Retry-After"] = str(wait)
    return response


def _vote_panel(request, votes, *, chosen=UNKNOWN, status=HTTPStatus.OK, counters=None, **extra):
    """The partial an htmx vote swaps in: the panel with the tally, and nothing else.

    `counters`: as the vote's own write left them (`watching`); without them, as the request
    found them. The chart follows with a request of its own (MOVED_EVENT), so drawing it never
    holds up the vote.
    """
    context = _sympathy_context(request, votes, chosen, counters)
    # Only this partial swaps the announcer out of band; the article page includes the same
    # template, and must not repeat it even when htmx asks for it.
    context["out_of_band"] = True
    context["choices"] = vote_choices(
        request, context, focus_status=extra.get("focus_status", False)
    )
    # Without the request: nothing in the panel reads it (the forms come drawn, with this
    # request's CSRF token), and the context processors would cost every vote more than the
    # rest of the panel does.
    html = render_to_string("debate/_vote_panel.html", {**context, **extra})
    response = HttpResponse(html, status=status)
    if status == HTTPStatus.OK:
        response["HX-Trigger"] = MOVED_EVENT
    return response


def _back_to_the_panel(article):
    """POST/redirect/GET for plain forms: the article again, scrolled to the vote panel."""
    return HttpResponseSeeOther(f"{article.get_absolute_url()}#{VOTE_PANEL_ANCHOR}")


VOTE_FIELDS = ("id", "slug", "title")


@require_POST
@member_required
def vote(request, slug):
    now = timezone.now()
    votes = article_votes(request, slug, VOTE_FIELDS, for_vote=True, window=vote_window(now))
    article = votes.article
    if limited := vote_rate_limited(request, votes, now):
        return limited
    form = VoteForm(request.POST, options=options_for(votes.positions))
    if not form.is_valid():
        error = form.errors["choice"][0]
        if request.htmx:
            return _vote_panel(
                request, votes, error=error, announcement=error, status=HTTPStatus.BAD_REQUEST
            )
        context = {"article": article, "error": error}
        return render(request, "debate/vote_rejected.html", context, status=HTTPStatus.BAD_REQUEST)
    option = form.cleaned_data["choice"]
    with watching(article.pk) as moved:
        result = services.vote_cast(
            member=request.user,
            article=article,
            position=option.position,
            seen=votes.vote_seen(request.user.pk),
        )
    if request.htmx:
        announcement = f"Vote counted: {option.action}."
        # A switch of sides: the panel loads "What changed your mind?" by a request of its own.
        switched = result == services.VoteResult.CHANGED
        return _vote_panel(
            request,
            votes,
            chosen=option,
            counters=moved.counters,
            announcement=announcement,
            switched=switched,
        )
    return _back_to_the_panel(article)


@require_POST
@member_required
def vote_withdraw(request, slug):
    now = timezone.now()
    votes = article_votes(request, slug, VOTE_FIELDS, for_vote=True, window=vote_window(now))
    if limited := vote_rate_limited(request, votes, now):
        return limited
    with watching(votes.article.pk) as moved:
        services.vote_withdraw(
            member=request.user, article=votes.article, seen=votes.vote_seen(request.user.pk)
        )
    if request.htmx:
        return _vote_panel(
            request,
            votes,
            chosen=None,
            counters=moved.counters,
            announcement="Your vote is withdrawn.",
            focus_status=True,
        )
    return _back_to_the_panel(votes.article)


@require_GET
def tally(request, slug):
    votes = article_votes(request, slug)
    current = Tally.from_counters(options_for(votes.positions), votes.counters)
    if request.GET.get("seen") == current.version:
        return HttpResponse(status=HTTPStatus.NO_CONTENT)
    context = {"article": votes.article, "tally": current}
    response = render(request, "debate/_tally.html", context)
    response["HX-Trigger"] = MOVED_EVENT
    return response


@require_GET
def history(request, slug):
    """The chart alone, for a page whose tally has moved (see MOVED_EVENT)."""
    votes = article_votes(request, slug)
    options = options_for(votes.positions)
    tally = Tally.from_counters(options, votes.counters)
    (chart,) = rendered(history_fragment(votes.article, options, tally))
    return HttpResponse(chart)
