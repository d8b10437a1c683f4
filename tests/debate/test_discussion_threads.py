"""Reading the discussion: threads and permalinks, "Show more", placeholders, edit, delete,
report, the feed and the profile."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from debate import discussion
from debate.models import PostStatus, Report, ReportReason

from .conftest import HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_request(settings):
    settings.ANONYMOUS_CACHE_SECONDS = 0


def html_of(response):
    assert response.status_code == HTTPStatus.OK, response.status_code
    return response.content.decode()


@pytest.fixture
def thread(make_post, side_one):
    """A rebuttal with five replies: three direct, one two levels down, one three down."""
    root = make_post(position=side_one, body="The root of the thread, long enough.")
    first = make_post(parent=root, body="First reply, long enough to post.")
    second = make_post(parent=first, body="Second reply, one level down.")
    third = make_post(parent=second, body="Third reply, at the deepest level.")
    fourth = make_post(parent=root, body="Fourth reply, hidden until expanded.")
    fifth = make_post(parent=root, body="Fifth reply, hidden until expanded.")
    return root, [first, second, third, fourth, fifth]


def test_a_thread_shows_its_first_three_replies_nested_and_offers_the_rest(client, article, thread):
    root, replies = thread

    html = html_of(client.get(article.get_absolute_url()))

    for reply in replies[:3]:
        assert f'id="post-{reply.pk}"' in html
    for reply in replies[3:]:
        assert f'id="post-{reply.pk}"' not in html
    assert html.index(f'id="replies-{replies[0].pk}"') < html.index(f'id="post-{replies[1].pk}"')
    assert "Show all 5 replies" in html
    assert f'hx-get="/posts/{root.pk}/replies/"' in html


def test_show_all_replies_loads_the_whole_thread_in_place(client, thread):
    root, replies = thread

    html = html_of(client.get(reverse("debate:thread_replies", args=[root.pk]), **HTMX))

    assert html.lstrip().startswith(f'<ol class="replies" id="replies-{root.pk}">')
    for reply in replies:
        assert f'id="post-{reply.pk}"' in html
    assert "Show all" not in html


def test_the_permalink_shows_the_whole_thread_with_the_item_highlighted(client, thread):
    root, replies = thread
    hidden = replies[4]

    assert hidden.get_absolute_url() == f"/posts/{hidden.pk}/#post-{hidden.pk}"
    html = html_of(client.get(reverse("debate:post_detail", args=[hidden.pk])))

    assert f'id="post-{root.pk}"' in html
    for reply in replies:
        assert f'id="post-{reply.pk}"' in html
    assert f'id="post-{hidden.pk}" class="post post--reply post--highlight"' in html
    assert "A rebuttal of" in html


def test_show_more_continues_each_side_where_the_page_stopped(client, make_post, article, side_one):
    posts = [make_post(position=side_one) for _ in range(25)]

    page = html_of(client.get(f"{article.get_absolute_url()}?order=new"))
    assert page.count('class="post post--rebuttal') == 20
    more = f"/articles/a-debate/sides/side-one/rebuttals/?order=new&before={posts[5].pk}"
    assert f'href="{more.replace("&", "&amp;")}"' in page

    rest = html_of(client.get(more))
    shown = {p.pk for p in posts if f'id="post-{p.pk}"' in rest}
    assert shown == {p.pk for p in posts[:5]}
    assert "Show more rebuttals" not in rest


def test_show_more_with_htmx_appends_items_and_moves_its_control(client, make_post, side_one):
    posts = [make_post(position=side_one) for _ in range(45)]
    url = f"/articles/a-debate/sides/side-one/rebuttals/?before={posts[25].pk}"

    html = html_of(client.get(url, **HTMX))

    assert "<html" not in html
    assert html.count('class="post post--rebuttal') == 20
    assert '<p class="posts__more" id="more-posts-side-side-one" hx-swap-oob="outerHTML">' in html
    assert f"?before={posts[5].pk}" in html


def test_comments_page_too(client, make_post, article):
    posts = [make_post(article=article) for _ in range(22)]

    html = html_of(client.get(f"/articles/a-debate/discussion/?before={posts[2].pk}"))

    assert f'id="post-{posts[0].pk}"' in html
    assert f'id="post-{posts[2].pk}"' not in html


def test_a_deleted_post_with_replies_leaves_a_placeholder_and_its_replies(client, article, thread):
    root, replies = thread
    discussion.post_delete(root, member=root.author)

    html = html_of(client.get(article.get_absolute_url()))

    assert "[deleted]" in html
    assert "The root of the thread" not in html
    assert f'id="post-{replies[0].pk}"' in html


def test_a_deleted_post_without_replies_leaves_the_list(client, make_post, article, side_one):
    post = make_post(position=side_one, status=PostStatus.DELETED)

    assert f'id="post-{post.pk}"' not in html_of(client.get(article.get_absolute_url()))


def test_removed_posts_say_so_where_they_were(client, article, thread):
    _root, replies = thread
    discussion.post_status_change(replies[0], PostStatus.REMOVED)

    html = html_of(client.get(article.get_absolute_url()))

    assert "removed by a moderator" in html
    assert "First reply, long enough" not in html
    assert f'id="post-{replies[1].pk}"' in html


def test_an_author_sees_their_own_hidden_post_with_its_state(client, make_post, side_one, article):
    post = make_post(position=side_one, body="My own words, hidden for now.")
    discussion.post_status_change(post, PostStatus.HELD)
    client.force_login(post.author)

    html = html_of(client.get(article.get_absolute_url()))

    assert "Only you can see this: hidden pending review." in html
    assert "My own words, hidden for now." in html


def test_member_html_alone_is_inside_hx_disable(client, make_post, side_one, article):
    post = make_post(position=side_one)

    html = html_of(client.get(article.get_absolute_url()))

    start = html.index(f'id="post-{post.pk}"')
    item = html[start : html.index("</article>", start)]
    body = item[item.index("hx-disable") :]
    assert body.index("</div>") < body.index('class="post__actions"')
    assert item.count("hx-disable") == 1


# Edit, delete, report ----------------------------------------------------------------------


def test_author_edits_within_fifteen_minutes_and_the_post_says_edited(client, make_post, side_one):
    post = make_post(position=side_one, created_at=timezone.now())
    client.force_login(post.author)

    response = client.post(
        reverse("debate:edit", args=[post.pk]), {"body": "Better words, same idea."}
    )

    assert response.status_code == HTTPStatus.SEE_OTHER
    html = html_of(client.get(reverse("debate:post_detail", args=[post.pk])))
    assert "Better words, same idea." in html
    assert '<span class="post__edited">edited</span>' in html
    assert post.revisions.count() == 1


def test_the_edit_form_loads_in_place_with_the_text(client, make_post, side_one):
    post = make_post(position=side_one, created_at=timezone.now(), body="Original words here.")
    client.force_login(post.author)

    response = client.get(reverse("debate:edit", args=[post.pk]), **HTMX)

    assert response["HX-Retarget"] == f"#post-{post.pk}-slot"
    assert ">Original words here.</textarea>" in html_of(response)


def test_someone_else_cannot_edit_or_delete(client, make_post, make_member, side_one):
    post = make_post(position=side_one, created_at=timezone.now())
    client.force_login(make_member())

    for name in ("edit", "delete"):
        response = client.post(
            reverse(f"debate:{name}", args=[post.pk]), {"body": "Hijacked text!!!!!!"}
        )
        assert response.status_code == HTTPStatus.FORBIDDEN
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED


def test_no_edit_after_the_window_keeps_the_text_and_says_why(client, make_post, side_one):
    post = make_post(position=side_one, created_at=timezone.now() - timedelta(minutes=16))
    client.force_login(post.author)

    response = client.post(
        reverse("debate:edit", args=[post.pk]), {"body": "Too late to say this."}
    )

    assert response.status_code == HTTPStatus.CONFLICT
    assert "can no longer be edited" in response.content.decode()
    assert "Too late to say this.</textarea>" in response.content.decode()


def test_no_edit_control_once_reported(client, make_post, make_member, side_one, article):
    post = make_post(position=side_one, created_at=timezone.now())
    discussion.report_file(post, reporter=make_member(), reason=ReportReason.SPAM)
    client.force_login(post.author)

    html = html_of(client.get(article.get_absolute_url()))

    assert f'href="/posts/{post.pk}/edit/"' not in html
    response = client.post(
        reverse("debate:edit", args=[post.pk]), {"body": "Changing reported words."}
    )
    assert response.status_code == HTTPStatus.CONFLICT


def test_author_deletes_with_a_confirmation(client, make_post, side_one):
    post = make_post(position=side_one)
    client.force_login(post.author)

    confirm = html_of(client.get(reverse("debate:delete", args=[post.pk])))
    response = client.post(reverse("debate:delete", args=[post.pk]))

    assert "Delete your rebuttal?" in confirm
    assert response.status_code == HTTPStatus.SEE_OTHER
    post.refresh_from_db()
    assert post.status == PostStatus.DELETED


def test_deleting_with_htmx_answers_the_placeholder(client, make_post, side_one):
    post = make_post(position=side_one)
    client.force_login(post.author)

    html = html_of(client.post(reverse("debate:delete", args=[post.pk]), **HTMX))

    assert "[deleted]" in html
    assert "Your rebuttal is deleted." in html


def test_reporting_with_a_reason(client, make_post, make_member, side_one):
    post = make_post(position=side_one)
    client.force_login(make_member())

    response = client.post(
        reverse("debate:report", args=[post.pk]), {"reason": "abuse", "note": "Insults."}
    )

    assert response.status_code == HTTPStatus.SEE_OTHER
    report = Report.objects.get()
    assert (report.reason, report.note) == ("abuse", "Insults.")
    html = html_of(client.get(reverse("debate:post_detail", args=[post.pk])))
    assert '<span class="post__reported">Reported</span>' in html


def test_a_report_needs_a_reason(client, make_post, make_member, side_one):
    post = make_post(position=side_one)
    client.force_login(make_member())

    response = client.post(reverse("debate:report", args=[post.pk]), {"reason": ""})

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "Choose a reason." in response.content.decode()


def test_reporting_your_own_post_is_forbidden(client, make_post, side_one):
    post = make_post(position=side_one)
    client.force_login(post.author)

    response = client.post(reverse("debate:report", args=[post.pk]), {"reason": "spam"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Report.objects.exists()


def test_reporting_twice_says_so(client, make_post, make_member, side_one):
    post = make_post(position=side_one)
    client.force_login(make_member())
    client.post(reverse("debate:report", args=[post.pk]), {"reason": "spam"})

    response = client.post(reverse("debate:report", args=[post.pk]), {"reason": "abuse"})

    assert response.status_code == HTTPStatus.CONFLICT
    assert "already reported" in response.content.decode()
    assert Report.objects.count() == 1


def test_visitors_are_sent_to_sign_in_to_report(client, make_post, side_one):
    post = make_post(position=side_one)

    response = client.get(reverse("debate:report", args=[post.pk]))

    assert response["Location"].startswith("/accounts/login/?next=")


# Feed and profile --------------------------------------------------------------------------


def test_the_feed_lists_published_rebuttals_and_comments_once_their_edit_window_closed(
    client, make_post, article, side_one
):
    rebuttal = make_post(position=side_one, body="A rebuttal for the feed readers.")
    comment = make_post(article=article, body="A comment for the feed readers.")
    reply = make_post(parent=rebuttal, body="A reply stays out of the feed.")
    fresh = make_post(position=side_one, created_at=timezone.now(), body="Still editable, not yet.")
    removed = make_post(article=article, status=PostStatus.REMOVED, body="Removed comment text.")

    response = client.get(reverse("debate:article_feed", args=[article.slug]))

    xml = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert f"/posts/{rebuttal.pk}/#post-{rebuttal.pk}" in xml
    assert f"/posts/{comment.pk}/#post-{comment.pk}" in xml
    for absent in (reply, fresh, removed):
        assert f"/posts/{absent.pk}/" not in xml
    assert "rebuts Side one" in xml


def test_the_article_page_links_its_feed(client, article):
    html = html_of(client.get(article.get_absolute_url()))

    assert (
        '<link rel="alternate" type="application/atom+xml" href="/articles/a-debate/feed/"' in html
    )
    assert (
        'href="/articles/a-debate/feed/">Follow new rebuttals and comments (Atom feed)</a>' in html
    )


def test_the_profile_lists_rebuttals_replies_and_comments_linked_to_their_threads(
    client, make_post, make_member, article, side_one
):
    author = make_member(display_name="ada")
    rebuttal = make_post(author, position=side_one, body="My rebuttal of side one.")
    reply = make_post(author, parent=rebuttal, body="My reply in the thread.")
    comment = make_post(author, article=article, body="My comment on it all.")
    make_post(author, article=article, status=PostStatus.DELETED, body="Deleted, not listed.")

    html = html_of(client.get("/members/ada/"))

    for post in (rebuttal, reply, comment):
        assert f'href="/posts/{post.pk}/#post-{post.pk}"' in html
    assert html.index("My comment on it all.") < html.index("My reply in the thread.")
    assert "Deleted, not listed." not in html
    assert "Rebutting <strong>Side one</strong>" in html
