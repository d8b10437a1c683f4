"""After an htmx post, reply or delete: the counts on the article page follow out of band in
live regions, and the page is told where focus goes next."""

import json
import re

import pytest
from django.urls import reverse

from debate.models import PostStatus

from .conftest import HTMX

pytestmark = pytest.mark.django_db

ARGUMENT = "A careful argument that is long enough to post."


@pytest.fixture(autouse=True)
def _render_every_request(settings):
    settings.ANONYMOUS_CACHE_SECONDS = 0


def from_page(url):
    return {**HTMX, "HTTP_HX_CURRENT_URL": f"http://testserver{url}"}


def focus_of(response):
    return json.loads(response["HX-Trigger-After-Settle"])["discussion:focus"]["selector"]


def test_the_article_pages_counts_are_live_regions(client, article):
    html = client.get(article.get_absolute_url()).content.decode()

    for list_id in ("posts-side-side-one", "posts-side-side-two", "posts-comments"):
        assert re.search(rf'<span class="count" id="count-{list_id}" aria-live="polite"', html)


def test_a_rebuttal_posted_in_place_updates_its_sides_count(member_client, article, side_one):
    url = reverse("debate:rebut", args=[article.slug, side_one.slug])

    response = member_client.post(url, {"body": ARGUMENT}, **from_page(article.get_absolute_url()))

    html = response.content.decode()
    assert '<span id="count-posts-side-side-one" hx-swap-oob="innerHTML">(1)</span>' in html


def test_a_comment_posted_in_place_moves_focus_to_it(member_client, article):
    url = reverse("debate:comment", args=[article.slug])

    response = member_client.post(url, {"body": ARGUMENT}, **from_page(article.get_absolute_url()))

    post_id = re.search(r'<article id="post-(\d+)"', response.content.decode()).group(1)
    assert focus_of(response) == f"#post-{post_id}"
    assert '<span id="count-posts-comments" hx-swap-oob="innerHTML">(1)</span>' in (
        response.content.decode()
    )


def test_a_reply_posted_in_place_moves_focus_to_it(member_client, make_post, side_one, article):
    parent = make_post(position=side_one)
    url = reverse("debate:reply", args=[parent.pk])

    response = member_client.post(url, {"body": ARGUMENT}, **from_page(article.get_absolute_url()))

    reply_id = re.search(r'<article id="post-(\d+)"', response.content.decode()).group(1)
    assert int(reply_id) != parent.pk
    assert focus_of(response) == f"#post-{reply_id}"


def test_deleting_in_place_lowers_the_count_and_keeps_focus_on_the_item(
    client, make_post, side_one, article
):
    post = make_post(position=side_one)
    client.force_login(post.author)
    url = reverse("debate:delete", args=[post.pk])

    response = client.post(url, **from_page(article.get_absolute_url()))

    assert '<span id="count-posts-side-side-one" hx-swap-oob="innerHTML">(0)</span>' in (
        response.content.decode()
    )
    assert focus_of(response) == f"#post-{post.pk}"


def test_deleting_on_a_thread_page_sends_no_count_it_has_not(client, make_post, side_one):
    post = make_post(position=side_one)
    client.force_login(post.author)
    url = reverse("debate:delete", args=[post.pk])

    response = client.post(url, **from_page(reverse("debate:post_detail", args=[post.pk])))

    assert "count-posts" not in response.content.decode()


def test_cancelling_an_edit_sends_focus_back_to_its_control(client, make_post, side_one, article):
    post = make_post(position=side_one, status=PostStatus.PUBLISHED)
    client.force_login(post.author)
    url = reverse("debate:delete", args=[post.pk])

    response = client.post(url, {"cancel": "1"}, **from_page(article.get_absolute_url()))

    assert focus_of(response) == f'#post-{post.pk} a[href="{url}"]'


def test_cancelling_a_rebuttal_form_sends_focus_back_to_its_opener(
    member_client, article, side_one
):
    url = reverse("debate:rebut", args=[article.slug, side_one.slug])

    response = member_client.post(url, {"cancel": "1"}, **from_page(article.get_absolute_url()))

    assert focus_of(response) == "#compose-side-side-one .compose__open"


# Drafts belong to the member who typed them ------------------------------------------------


def test_a_forms_draft_key_names_the_member(member_client, member, article, side_one):
    url = reverse("debate:rebut", args=[article.slug, side_one.slug])

    html = member_client.get(url).content.decode()

    assert f'data-draft-key="{member.pk}:{url}"' in html


def test_the_edit_forms_draft_key_names_the_member(client, make_post, side_one):
    from django.utils import timezone

    post = make_post(position=side_one, created_at=timezone.now())
    client.force_login(post.author)
    url = reverse("debate:edit", args=[post.pk])

    html = client.get(url).content.decode()

    assert f'data-draft-key="{post.author.pk}:{url}"' in html


def test_signing_out_clears_what_the_browser_stored(member_client):
    response = member_client.post(reverse("account_logout"))

    assert response["Clear-Site-Data"] == '"storage"'


def test_the_sign_out_confirmation_page_clears_nothing(member_client):
    response = member_client.get(reverse("account_logout"))

    assert "Clear-Site-Data" not in response
