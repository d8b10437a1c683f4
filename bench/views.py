"""The three baselines the site is measured against (see bench/README.md).

(a) a fixed response; (b) a signed-in member's page listing 50 rows of short pre-rendered HTML
from one query through the template engine (the site's base layout); (c) a signed-in member's
vote: a CSRF-checked POST that upserts one (member, article) row.
"""

from http import HTTPStatus

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from .models import BaselineRow, BaselineVote


@require_GET
def fixed(request):
    return HttpResponse(b"<!doctype html><title>fixed</title><p>A fixed response.</p>")


@require_GET
@login_required
def rows(request):
    return render(request, "bench/rows.html", {"rows": BaselineRow.objects.order_by("pk")[:50]})


@require_POST
@login_required
def vote(request, article_id: int):
    choice = request.POST.get("choice", "")
    if not choice:
        return HttpResponse("Choose a side.", status=HTTPStatus.BAD_REQUEST)
    BaselineVote.objects.update_or_create(
        member=request.user, article_id=article_id, defaults={"choice": choice}
    )
    return HttpResponse(f"<p>Vote counted: {choice}.</p>".encode())
