"""What a member may not do to a post, and the page that says why: deleting what a moderator
decided on, editing someone else's post or after the window; and deleted text never shown."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from debate import discussion
from debate.models import PostStatus

from .conftest import HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_request(settings):
    settings.ANONYMOUS_CACHE_SECONDS = 0


# Deleting what a moderator decided on ------------------------------------------------------

MODERATED = [PostStatus.HELD, PostStatus.HIDDEN, PostStatus.REMOVED]


@pytest.mark.parametrize("status", MODERATED)
def test_the_author_cannot_delete_a_moderated_post(make_post, side_one, status):
    post = make_post(position=side_one, status=status)

    with pytest.raises(discussion.NotAllowed, match="moderator"):
        discussion.post_delete(post, member=post.author)

    post.refresh_from_db()
    assert post.status == status


def test_the_author_can_delete_a_post_waiting_for_a_moderator(make_post, side_one):
    post = make_post(position=side_one, status=PostStatus.PENDING)

    assert discussion.post_delete(post, member=post.author)


@pytest.mark.parametrize("status", MODERATED)
def test_deleting_a_moderated_post_is_refused_with_a_page_saying_why(
    client, make_post, side_one, status
):
    post = make_post(position=side_one, status=status)
    client.force_login(post.author)

    response = client.post(reverse("debate:delete", args=[post.pk]))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "moderator" in response.content.decode()
    post.refresh_from_db()
    assert post.status == status


def test_deleting_a_moderated_post_with_htmx_says_why(client, make_post, side_one):
    post = make_post(position=side_one, status=PostStatus.REMOVED)
    client.force_login(post.author)

    response = client.post(reverse("debate:delete", args=[post.pk]), **HTMX)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "moderator" in response.content.decode()


def test_no_delete_control_on_a_moderated_post(client, make_post, side_one, article):
    post = make_post(position=side_one, status=PostStatus.HIDDEN)
    client.force_login(post.author)

    html = client.get(article.get_absolute_url()).content.decode()

    assert f'id="post-{post.pk}"' in html
    assert f'href="/posts/{post.pk}/delete/"' not in html


# Refused edits say why ---------------------------------------------------------------------


def test_someone_elses_edit_page_is_refused_saying_whose_it_is(
    client, make_post, make_member, side_one
):
    post = make_post(position=side_one, created_at=timezone.now())
    client.force_login(make_member())

    response = client.get(reverse("debate:edit", args=[post.pk]))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Only the author can edit" in response.content.decode()


def test_someone_elses_delete_is_refused_saying_whose_it_is(
    client, make_post, make_member, side_one
):
    post = make_post(position=side_one)
    client.force_login(make_member())

    response = client.post(reverse("debate:delete", args=[post.pk]))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Only the author can delete" in response.content.decode()


def test_the_edit_page_after_the_window_is_refused_saying_when_it_closed(
    client, make_post, side_one
):
    post = make_post(position=side_one, created_at=timezone.now() - timedelta(minutes=20))
    client.force_login(post.author)

    response = client.get(reverse("debate:edit", args=[post.pk]))

    assert response.status_code == HTTPStatus.FORBIDDEN
    html = response.content.decode()
    assert "15 minutes" in html
    assert "<textarea" not in html


def test_a_refused_edit_with_htmx_says_why_in_plain_words(client, make_post, side_one):
    post = make_post(position=side_one, created_at=timezone.now() - timedelta(minutes=20))
    client.force_login(post.author)

    response = client.get(reverse("debate:edit", args=[post.pk]), **HTMX)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "15 minutes" in response.content.decode()


# Deleted text is never shown ---------------------------------------------------------------

SECRET = "Words the author took back, never to be shown."


@pytest.fixture
def deleted(make_post, side_one):
    post = make_post(position=side_one, body=SECRET, created_at=timezone.now())
    make_post(parent=post)
    discussion.post_delete(post, member=post.author)
    return post


@pytest.mark.parametrize("view", ["edit", "delete", "report"])
def test_a_deleted_posts_text_is_not_on_its_action_pages(client, deleted, view, make_member):
    client.force_login(deleted.author if view != "report" else make_member())

    html = client.get(reverse(f"debate:{view}", args=[deleted.pk])).content.decode()

    assert SECRET not in html


@pytest.mark.parametrize("page", ["article", "permalink", "feed", "profile"])
def test_a_deleted_posts_text_is_on_no_page(client, deleted, article, page):
    client.force_login(deleted.author)
    url = {
        "article": article.get_absolute_url(),
        "permalink": reverse("debate:post_detail", args=[deleted.pk]),
        "feed": reverse("debate:article_feed", args=[article.slug]),
        "profile": reverse("accounts:profile", args=[deleted.author.display_name]),
    }[page]

    html = client.get(url).content.decode()

    assert SECRET not in html


def test_a_deleted_post_keeps_its_place_saying_who_deleted_it(client, deleted):
    html = client.get(reverse("debate:post_detail", args=[deleted.pk])).content.decode()

    start = html.index(f'id="post-{deleted.pk}"')
    assert "[deleted]" in html[start : html.index("</article>", start)]
    assert "deleted by its author" in html[start : html.index("</article>", start)]
    assert f'id="replies-{deleted.pk}"' in html
