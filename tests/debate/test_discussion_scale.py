"""Long threads and many rebuttals: every page reads a bounded number of posts, in a constant
number of queries, and a thread too long for one page continues on the next."""

import json
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from debate.models import Post, PostCount, PostKind
from debate.views.discussion import THREAD_PAGE

from .conftest import HTMX

pytestmark = pytest.mark.django_db

REBUTTALS, REPLIES = 200, 1000


@pytest.fixture(autouse=True)
def _render_every_request(settings):
    settings.ANONYMOUS_CACHE_SECONDS = 0


@pytest.fixture
def crowded(article, positions, make_member):
    """200 rebuttals, the newest with 1,000 replies (a third nested), with counters as the
    services keep them; written in bulk, as posting them one by one would take minutes."""
    author = make_member(password=None)
    start = timezone.now() - timedelta(days=30)
    Post.objects.bulk_create(
        Post(
            kind=PostKind.REBUTTAL,
            article=article,
            author=author,
            position=positions[i % 2],
            body_md=f"Rebuttal {i}",
            body_html=f"<p>Rebuttal {i}</p>",
            created_at=start + timedelta(seconds=i),
        )
        for i in range(REBUTTALS)
    )
    root = Post.objects.filter(article=article).order_by("-id").first()
    replies, parents = [], {}
    for i in range(REPLIES):
        reply = Post.objects.create(
            kind=PostKind.REPLY, article=article, author=author, root=root,
            parent=parents.get(i - 1, root) if i % 3 else root, depth=1 if i % 3 == 0 else 2,
            body_md=f"Reply {i}", body_html=f"<p>Reply number {i}</p>",
            created_at=start + timedelta(hours=1, seconds=i),
        )  # fmt: skip
        parents[i] = reply if i % 3 == 0 else parents.get(i - 1, root)
        replies.append(reply)
    for parent_id, n in Counter(reply.parent_id for reply in replies).items():
        Post.objects.filter(pk=parent_id).update(reply_count=n)
    Post.objects.filter(pk=root.pk).update(thread_reply_count=REPLIES)
    for position in positions[:2]:
        PostCount.objects.update_or_create(
            article=article, position=position, defaults={"published": REBUTTALS // 2}
        )
    root.refresh_from_db()
    return root, replies


def test_the_article_page_shows_three_replies_of_a_thousand(client, article, crowded):
    html = client.get(article.get_absolute_url()).content.decode()

    assert html.count('class="post post--reply') == 3
    assert f"Show more replies ({REPLIES} in all)" in html


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_article_page_queries_stay_constant_with_a_crowded_discussion(
    client, article, crowded, make_member, signed_in, django_assert_max_num_queries
):
    if signed_in:
        client.force_login(make_member(password=None))

    with django_assert_max_num_queries(12 if signed_in else 8):
        client.get(article.get_absolute_url())


def test_a_long_thread_shows_one_page_of_replies_and_the_way_on(client, crowded):
    root, replies = crowded

    html = client.get(reverse("debate:post_detail", args=[root.pk])).content.decode()

    assert html.count('class="post post--reply') == THREAD_PAGE
    after = replies[THREAD_PAGE - 1].pk
    assert f'href="/posts/{root.pk}/?after={after}#replies-{root.pk}"' in html
    assert "More replies" in html


def test_the_next_page_of_a_thread_continues_where_the_first_stopped(client, crowded):
    root, replies = crowded
    after = replies[THREAD_PAGE - 1].pk

    html = client.get(f"/posts/{root.pk}/?after={after}").content.decode()

    shown = [r for r in replies if f'id="post-{r.pk}"' in html]
    assert shown == replies[THREAD_PAGE : 2 * THREAD_PAGE]
    assert f'id="post-{root.pk}"' in html  # the thread's root heads every page
    assert "Earlier replies" in html


def test_a_reply_whose_parent_is_on_an_earlier_page_links_to_it(client, crowded):
    root, replies = crowded
    after = replies[THREAD_PAGE - 1].pk
    orphan = next(r for r in replies[THREAD_PAGE:] if r.parent_id not in
                  {p.pk for p in replies[THREAD_PAGE:]} and r.parent_id != root.pk)  # fmt: skip

    html = client.get(f"/posts/{root.pk}/?after={after}").content.decode()

    start = html.index(f'id="post-{orphan.pk}"')
    item = html[start : html.index("</article>", start)]
    assert f'href="/posts/{orphan.parent_id}/#post-{orphan.parent_id}"' in item
    assert "In reply to" in item


def test_the_permalink_of_a_late_reply_shows_it_with_its_parent(client, crowded):
    _root, replies = crowded
    late = replies[902]  # nested: its parent is the reply before it

    html = client.get(reverse("debate:post_detail", args=[late.pk])).content.decode()

    assert f'id="post-{late.pk}" class="post post--reply post--highlight"' in html
    assert f'id="post-{late.parent_id}"' in html
    assert html.count('class="post post--reply') <= THREAD_PAGE + 2
    assert "Earlier replies" in html


@pytest.mark.parametrize("which", ["root", "late", "next page"])
def test_thread_pages_queries_stay_constant(client, crowded, which, django_assert_max_num_queries):
    root, replies = crowded
    url = {
        "root": reverse("debate:post_detail", args=[root.pk]),
        "late": reverse("debate:post_detail", args=[replies[902].pk]),
        "next page": f"/posts/{root.pk}/?after={replies[600].pk}",
    }[which]

    with django_assert_max_num_queries(7):
        response = client.get(url)

    assert response.status_code == 200


def test_show_all_replies_in_place_loads_one_page_and_links_on(client, crowded):
    root, replies = crowded

    html = client.get(reverse("debate:thread_replies", args=[root.pk]), **HTMX).content.decode()

    assert html.count('class="post post--reply') == THREAD_PAGE
    assert f'href="/posts/{root.pk}/?after={replies[THREAD_PAGE - 1].pk}#replies-{root.pk}"' in html


def _rows_read(plan) -> int:
    """The most rows any one node of a plan read (rows times loops)."""
    rows = plan.get("Actual Rows", 0) * plan.get("Actual Loops", 1)
    return max([rows, *(_rows_read(child) for child in plan.get("Plans", []))])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN ANALYZE is PostgreSQL's")
@pytest.mark.parametrize("page", ["article", "thread", "thread in place"])
def test_no_query_of_a_page_reads_every_reply_of_a_thread(client, article, crowded, page):
    root, _replies = crowded
    url = {
        "article": article.get_absolute_url(),
        "thread": reverse("debate:post_detail", args=[root.pk]),
        "thread in place": reverse("debate:thread_replies", args=[root.pk]),
    }[page]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE debate_post")

    with CaptureQueriesContext(connection) as queries:
        client.get(url, **(HTMX if page == "thread in place" else {}))

    worst = 0
    with connection.cursor() as cursor:
        # Without sequential scans the plans show what the indexes let each query read.
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in queries.captured_queries:
            sql = query["sql"].lstrip()
            # The discussion's reads (the article's own read is bound on the server: skipped).
            if not sql.upper().startswith("SELECT") or "debate_post" not in sql or "$1" in sql:
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query['sql']}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            worst = max(worst, _rows_read(plan[0]["Plan"]))
    assert worst < REPLIES / 4
