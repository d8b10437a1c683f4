"""The discussion's counter family for `manage.py recount`: published rebuttals per side and
comments per article (PostCount), and each post's published replies and open reports."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, QuerySet

from .models import Post, PostCount, PostKind, PostStatus, Report, ReportState
from .recount import Correction

POST_COUNTERS = {
    "reply_count": "published replies to",
    "thread_reply_count": "published replies in the thread of",
    "report_count": "open reports on",
}


def posts_recount(articles: QuerySet, *, repair: bool) -> list[Correction]:
    slugs = dict(articles.values_list("pk", "slug"))
    # Lock the counters first: a writer of a post or report waits until the repair is done.
    counts = {
        (row.article_id, row.position_id): row
        for row in PostCount.objects.select_for_update().filter(article_id__in=slugs)
    }
    posts = {
        row["id"]: row
        for row in Post.objects.select_for_update()
        .filter(article_id__in=slugs)
        .values("id", "article_id", *POST_COUNTERS)
    }

    corrections: list[Correction] = []
    published = Post.objects.filter(article_id__in=slugs, status=PostStatus.PUBLISHED)
    actual = {
        (row["article_id"], row["position_id"]): row["n"]
        for row in published.filter(kind__in=[PostKind.REBUTTAL, PostKind.COMMENT])
        .values("article_id", "position_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    for key in sorted(set(counts) | set(actual), key=str):
        stored = counts[key].published if key in counts else 0
        right = actual.get(key, 0)
        if stored == right:
            continue
        article_id, position_id = key
        what = f"published rebuttals of side #{position_id}" if position_id else "comments"
        corrections.append(Correction(slugs[article_id], what, stored, right))
        if repair:
            PostCount.objects.update_or_create(
                article_id=article_id, position_id=position_id, defaults={"published": right}
            )

    replies = published.filter(kind=PostKind.REPLY)
    expected = {
        "reply_count": Counter(dict(_grouped(replies, "parent_id"))),
        "thread_reply_count": Counter(dict(_grouped(replies, "root_id"))),
        "report_count": Counter(
            dict(
                _grouped(
                    Report.objects.filter(post__article_id__in=slugs, state=ReportState.OPEN),
                    "post_id",
                )
            )
        ),
    }
    for post_id, row in sorted(posts.items()):
        fixes = {}
        for field, words in POST_COUNTERS.items():
            right = expected[field][post_id]
            if row[field] != right:
                corrections.append(
                    Correction(slugs[row["article_id"]], f"{words} #{post_id}", row[field], right)
                )
                fixes[field] = right
        if repair and fixes:
            Post.objects.filter(pk=post_id).update(**fixes)
    return corrections


def _grouped(queryset, field: str):
    return queryset.values_list(field).annotate(n=Count("id")).order_by()
