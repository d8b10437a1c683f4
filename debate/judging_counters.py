"""The judging counter family for `manage.py recount`: each post's endorsements, its eligible
endorsements per camp (`EndorsementTally`) and bridging score, its changed-mind credits, each
endorsement's camp snapshot, and each article's count of members who changed sides.

A camp is counted from the endorser's vote as it is now (the source row), not from the
snapshot the services keep on each endorsement; eligibility is what was decided when the
member endorsed (`Endorsement.eligible`), which recount keeps.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count, QuerySet

from .judging import camp_fields
from .models import (
    ArticleJudging,
    Credit,
    Endorsement,
    EndorsementTally,
    Position,
    Post,
    Switch,
    SympathyVote,
)
from .recount import Correction
from .vote_counters import NO_VOTE, key_of


def _camp_name(key) -> str:
    return "both equally" if key is None else f"side #{key}"


def judging_recount(articles: QuerySet, *, repair: bool) -> list[Correction]:
    slugs = dict(articles.values_list("pk", "slug"))
    # Lock the counters first: an endorser or a vote change waits until the repair is done.
    stored_tallies = {
        (row.post_id, row.position_id): row
        for row in EndorsementTally.objects.select_for_update().filter(post__article_id__in=slugs)
    }
    posts = {
        row["id"]: row
        for row in Post.objects.select_for_update()
        .filter(article_id__in=slugs)
        .values("id", "article_id", "endorsement_count", "bridging", "minds_changed")
    }
    switched = {
        row.article_id: row
        for row in ArticleJudging.objects.select_for_update().filter(article_id__in=slugs)
    }
    camps = {
        (vote["member_id"], vote["article_id"]): key_of(vote["stance"], vote["position_id"])
        for vote in SympathyVote.objects.filter(article_id__in=slugs).values(
            "member_id", "article_id", "stance", "position_id"
        )
    }
    corrections: list[Correction] = []

    def correct(article_id, what, stored, right):
        corrections.append(Correction(slugs[article_id], what, stored, right))

    totals: Counter = Counter()
    tallies: Counter = Counter()
    for row in Endorsement.objects.filter(article_id__in=slugs).values(
        "pk", "member_id", "post_id", "article_id", "camp_stance", "camp_position_id", "eligible"
    ):
        totals[row["post_id"]] += 1
        camp = camps.get((row["member_id"], row["article_id"]), NO_VOTE)
        snapshot = key_of(row["camp_stance"], row["camp_position_id"])
        if snapshot != camp:
            correct(row["article_id"], f"camp of endorsement #{row['pk']}", 0, 1)
            if repair:
                Endorsement.objects.filter(pk=row["pk"]).update(**camp_fields(camp))
        if row["eligible"] and camp is not NO_VOTE:
            tallies[(row["post_id"], camp)] += 1

    for key in sorted(set(stored_tallies) | set(tallies), key=str):
        stored = stored_tallies[key].endorsements if key in stored_tallies else 0
        right = tallies.get(key, 0)
        if stored != right:
            post_id, camp = key
            article_id = posts[post_id]["article_id"]
            what = f"endorsements of #{post_id} from {_camp_name(camp)}"
            correct(article_id, what, stored, right)
            if repair:
                EndorsementTally.objects.update_or_create(
                    post_id=post_id, position_id=camp, defaults={"endorsements": right}
                )

    sides = defaultdict(list)
    for position_id, article_id in Position.objects.filter(article_id__in=slugs).values_list(
        "pk", "article_id"
    ):
        sides[article_id].append(position_id)
    credits = Counter(
        dict(
            Credit.objects.filter(post__article_id__in=slugs)
            .values_list("post_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    by_post = defaultdict(dict)
    for (post_id, camp), n in tallies.items():
        by_post[post_id][camp] = n
    for post_id, row in sorted(posts.items()):
        counts = by_post.get(post_id, {})
        bridging = min((2 * counts.get(pk, 0) for pk in sides[row["article_id"]]), default=0)
        expected = {
            "endorsement_count": totals[post_id],
            "bridging": bridging + counts.get(None, 0),
            "minds_changed": credits[post_id],
        }
        fixes = {}
        for field, right in expected.items():
            if row[field] != right:
                what = f"{field.replace('_', ' ')} of #{post_id}"
                correct(row["article_id"], what, row[field], right)
                fixes[field] = right
        if repair and fixes:
            Post.objects.filter(pk=post_id).update(**fixes)

    members_switched = Counter(
        dict(
            Switch.objects.filter(article_id__in=slugs, first_on_article=True)
            .values_list("article_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    for article_id in sorted(set(switched) | set(members_switched)):
        stored = switched[article_id].members_switched if article_id in switched else 0
        right = members_switched[article_id]
        if stored != right:
            correct(article_id, "members who changed sides", stored, right)
            if repair:
                ArticleJudging.objects.update_or_create(
                    article_id=article_id, defaults={"members_switched": right}
                )
    return corrections
