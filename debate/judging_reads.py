"""What the article page reads of judging, in one query written out in SQL (as the page's
other reads are, see `PostQuerySet.first_pages`): the count of members who changed sides, the
three published rebuttals credited most, and the member's open switch, if any; and, so the
page costs no extra round trip for them, the discussion's published counts (`PostCount`)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from .models import CREDIT_WINDOW, Post, PostKind, PostStatus, Switch, SwitchState

MOST_CREDITED = 3

# Four parts, told apart by `part`: 0 the counter (at most one row), 1 the rebuttals, 2 the
# switch, 3 the post counts. Every value is a parameter.
_SQL = """
    SELECT 0 AS part, j.members_switched AS n, CAST(NULL AS BIGINT) AS id,
           CAST(NULL AS VARCHAR(200)) AS label, CAST(NULL AS VARCHAR(200)) AS name,
           CAST(NULL AS BIGINT) AS position_id
    FROM debate_articlejudging j WHERE j.article_id = %s
    UNION ALL
    SELECT * FROM (
        SELECT 1, p.minds_changed, p.id, s.label, u.display_name, p.position_id
        FROM debate_post p
        JOIN debate_position s ON s.id = p.position_id
        LEFT JOIN accounts_user u ON u.id = p.author_id
        WHERE p.article_id = %s AND p.kind = %s AND p.status = %s AND p.minds_changed > 0
        ORDER BY p.minds_changed DESC, p.id DESC LIMIT %s
    ) AS credited
    UNION ALL
    SELECT * FROM (
        SELECT 2, CAST(NULL AS INTEGER), w.id, CAST(NULL AS VARCHAR(200)),
               CAST(NULL AS VARCHAR(200)), CAST(NULL AS BIGINT)
        FROM debate_switch w
        WHERE w.member_id = %s AND w.article_id = %s AND w.state = %s AND w.created_at > %s
        ORDER BY w.created_at DESC LIMIT 1
    ) AS open_switch
    UNION ALL
    SELECT 3, c.published, CAST(NULL AS BIGINT), CAST(NULL AS VARCHAR(200)),
           CAST(NULL AS VARCHAR(200)), c.position_id
    FROM debate_postcount c
    WHERE c.article_id = %s
"""


def judging_page_reads(article, member) -> tuple[int, list[Post], Switch | None, dict]:
    since = timezone.now() - CREDIT_WINDOW
    member_id = member.pk if member is not None else None
    params = [
        article.pk,
        article.pk, PostKind.REBUTTAL, PostStatus.PUBLISHED, MOST_CREDITED,
        member_id, article.pk, SwitchState.OPEN, since,
        article.pk,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_SQL, params)
        rows = cursor.fetchall()
    switched, credited, switch_id, post_counts = 0, [], None, {}
    for part, n, pk, label, name, position_id in rows:
        if part == 0:
            switched = n
        elif part == 1:
            post = Post(pk=pk, kind=PostKind.REBUTTAL, minds_changed=n)
            post.position_label, post.author_name = label, name
            credited.append(post)
        elif part == 2:
            switch_id = pk
        else:
            post_counts[position_id] = n
    credited.sort(key=lambda post: (-post.minds_changed, -post.pk))
    switch = None
    if switch_id is not None:
        # Only while the member has a prompt open: the switch in full for it.
        switch = Switch.objects.get(pk=switch_id)
    return switched, credited, switch, post_counts
