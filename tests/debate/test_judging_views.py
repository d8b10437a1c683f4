"""Judging in pages: the "Convincing" toggle, the orders and "Show more", the changed-mind
prompt with its credit and skip, and who reads the reasons."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from debate import judging, services
from debate.models import Credit, Endorsement, Post, PostStatus, Switch, SwitchState

from .conftest import HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_request(settings):
    settings.ANONYMOUS_CACHE_SECONDS = 0


def endorse_url(post):
    return reverse("debate:endorse", args=[post.pk])


def html_of(response) -> str:
    return response.content.decode()


def test_the_toggle_endorses_in_place(member_client, make_post, side_one):
    post = make_post(position=side_one)

    response = member_client.post(endorse_url(post), {"endorse": "1"}, **HTMX)

    html = html_of(response)
    assert 'aria-pressed="true"' in html
    assert 'aria-live="polite">1<' in html
    assert "found it convincing" in html  # the announcement, out of band
    assert Post.objects.get(pk=post.pk).endorsement_count == 1


def test_the_toggle_withdraws_in_place(member_client, member, make_post, side_one):
    post = make_post(position=side_one)
    judging.endorsement_add(member=member, post=post)

    html = html_of(member_client.post(endorse_url(post), {"endorse": "0"}, **HTMX))

    assert 'aria-pressed="false"' in html
    assert not Endorsement.objects.exists()


def test_without_javascript_endorsing_goes_back_to_the_item(member_client, make_post, side_one):
    post = make_post(position=side_one)
    page = "/articles/a-debate/?order=top"

    response = member_client.post(endorse_url(post), {"endorse": "1", "next": page})

    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == f"{page}#post-{post.pk}"


def test_a_next_elsewhere_is_ignored(member_client, make_post, side_one):
    post = make_post(position=side_one)

    response = member_client.post(
        endorse_url(post), {"endorse": "1", "next": "https://evil.example/"}
    )

    assert response["Location"].startswith(f"/posts/{post.pk}/")


def test_the_article_page_shows_the_toggle_pressed_for_what_the_member_endorsed(
    member_client, member, make_post, article, side_one
):
    post = make_post(position=side_one)
    judging.endorsement_add(member=member, post=post)

    html = html_of(member_client.get(article.get_absolute_url()))

    form = re.search(rf'<form class="endorse" id="endorse-{post.pk}".*?</form>', html).group()
    assert 'aria-pressed="true"' in form
    assert 'name="csrfmiddlewaretoken"' in form


def test_own_items_show_no_toggle(member_client, member, make_post, article, side_one):
    post = make_post(member, position=side_one)

    html = html_of(member_client.get(article.get_absolute_url()))

    assert f'id="endorse-{post.pk}"' not in html


def test_hidden_items_keep_no_toggle(client, member, make_post, side_one):
    post = make_post(member, position=side_one, status=PostStatus.HIDDEN)
    client.force_login(member)  # its author still sees it

    html = html_of(client.get(post.get_absolute_url()))

    assert f'id="endorse-{post.pk}"' not in html


def test_endorsing_a_hidden_item_is_refused_with_the_reason(member_client, make_post, side_one):
    post = make_post(position=side_one, status=PostStatus.HIDDEN)

    response = member_client.post(endorse_url(post), {"endorse": "1"}, **HTMX)

    assert response.status_code == HTTPStatus.CONFLICT
    assert "no longer shown" in html_of(response)


def test_visitors_are_sent_to_sign_in(client, make_post, side_one):
    post = make_post(position=side_one)

    response = client.post(endorse_url(post), {"endorse": "1"})

    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]
    assert not Endorsement.objects.exists()


def test_endorsing_needs_post(member_client, make_post, side_one):
    response = member_client.get(endorse_url(make_post(position=side_one)))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


# Orders ------------------------------------------------------------------------------------


def ids_in(html, posts) -> list[int]:
    found = [(html.find(f'id="post-{p.pk}"'), p.pk) for p in posts]
    return [pk for at, pk in sorted(found) if at >= 0]


@pytest.fixture
def scored(make_post, side_one):
    """Five rebuttals of side one with chosen scores (bridging, endorsements)."""
    scores = [(0, 5), (2, 1), (2, 3), (0, 0), (4, 2)]
    posts = [make_post(position=side_one) for _ in scores]
    for post, (bridging, total) in zip(posts, scores, strict=True):
        Post.objects.filter(pk=post.pk).update(bridging=bridging, endorsement_count=total)
    return posts


def test_bridging_is_the_default_order(client, article, scored):
    html = html_of(client.get(article.get_absolute_url()))

    assert ids_in(html, scored) == [scored[i].pk for i in (4, 2, 1, 0, 3)]


def test_top_orders_by_endorsements(client, article, scored):
    html = html_of(client.get(f"{article.get_absolute_url()}?order=top"))

    assert ids_in(html, scored) == [scored[i].pk for i in (0, 2, 4, 1, 3)]


def test_new_orders_newest_first(client, article, scored):
    html = html_of(client.get(f"{article.get_absolute_url()}?order=new"))

    assert ids_in(html, scored) == [p.pk for p in reversed(scored)]


def test_the_page_explains_each_order_and_marks_the_current_one(client, article, scored):
    html = html_of(client.get(f"{article.get_absolute_url()}?order=top"))

    assert "Bridging puts first what members of different camps" in html
    assert "Top puts first what the most members find convincing." in html
    assert "New puts the latest rebuttals first." in html
    assert re.search(r'href="\?order=top#sides-heading"[^>]*aria-current="true"', html)


def test_an_unknown_order_is_redirected_to_the_default(client, article):
    response = client.get(f"{article.get_absolute_url()}?order=worst")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == article.get_absolute_url()


@pytest.mark.parametrize("order", ["bridging", "top", "new"])
def test_show_more_continues_the_order_without_repeats_or_gaps(
    client, make_post, article, side_one, order
):
    posts = [make_post(position=side_one) for _ in range(45)]
    for n, post in enumerate(posts):  # many ties, so the tie-breaks matter
        Post.objects.filter(pk=post.pk).update(bridging=n % 3, endorsement_count=n % 4)
    expected = list(Post.objects.filter(position=side_one).order_by(
        *{"bridging": ["-bridging", "-endorsement_count", "-id"],
          "top": ["-endorsement_count", "-id"], "new": ["-id"]}[order]
    ).values_list("pk", flat=True))  # fmt: skip

    html = html_of(client.get(f"{article.get_absolute_url()}?order={order}"))
    seen = ids_in(html, posts)
    while more := re.search(r'href="(/articles/a-debate/sides/side-one/rebuttals/\?[^"]+)"', html):
        html = html_of(client.get(more.group(1).replace("&amp;", "&"), **HTMX))
        seen += ids_in(html, posts)

    assert seen == expected


# The changed-mind prompt -------------------------------------------------------------------


def vote_url(article):
    return reverse("debate:vote", args=[article.slug])


@pytest.fixture
def switched_client(member_client, article):
    member_client.post(vote_url(article), {"choice": "side-one"})
    return member_client


def test_an_htmx_switch_loads_the_prompt_by_its_own_request(switched_client, article):
    html = html_of(switched_client.post(vote_url(article), {"choice": "side-two"}, **HTMX))

    prompt = reverse("debate:credit_prompt", args=[article.slug])
    assert f'hx-get="{prompt}" hx-trigger="load"' in html
    assert "What changed your mind?" not in html


def test_a_first_vote_asks_nothing(member_client, article):
    html = html_of(member_client.post(vote_url(article), {"choice": "side-one"}, **HTMX))

    assert "credit-prompt" not in html


def test_the_prompt_offers_the_rebuttals_of_the_side_left(
    switched_client, make_post, article, side_one, side_two
):
    left, other = make_post(position=side_one), make_post(position=side_two)
    switched_client.post(vote_url(article), {"choice": "side-two"})

    html = html_of(
        switched_client.get(reverse("debate:credit_prompt", args=[article.slug]), **HTMX)
    )

    assert "What changed your mind?" in html
    assert f'name="post" value="{left.pk}"' in html
    assert f'name="post" value="{other.pk}"' not in html


def test_the_prompt_offers_the_others_on_request(switched_client, make_post, article, side_two):
    other = make_post(position=side_two)
    switched_client.post(vote_url(article), {"choice": "side-two"})
    url = reverse("debate:credit_prompt", args=[article.slug])

    html = html_of(switched_client.get(f"{url}?all=1", **HTMX))

    assert f'name="post" value="{other.pk}"' in html


def test_without_javascript_the_article_page_shows_the_prompt(
    switched_client, make_post, article, side_one
):
    post = make_post(position=side_one)
    response = switched_client.post(vote_url(article), {"choice": "side-two"})

    html = html_of(switched_client.get(response["Location"]))

    assert "What changed your mind?" in html
    assert f'name="post" value="{post.pk}"' in html


def test_crediting_thanks_in_place(switched_client, member, make_post, article, side_one):
    post = make_post(position=side_one)
    switched_client.post(vote_url(article), {"choice": "side-two"})
    switch = Switch.objects.get(member=member)

    response = switched_client.post(
        reverse("debate:credit", args=[article.slug]),
        {"switch": switch.pk, "post": post.pk, "reason": "The data."},
        **HTMX,
    )

    assert "its author will hear" in html_of(response)
    assert Credit.objects.get().post == post
    assert Post.objects.get(pk=post.pk).minds_changed == 1


def test_a_refused_credit_without_javascript_keeps_the_reason(
    switched_client, member, make_post, article, side_one
):
    post = make_post(member, position=side_one)  # their own: refused
    switched_client.post(vote_url(article), {"choice": "side-two"})
    switch = Switch.objects.get(member=member)

    response = switched_client.post(
        reverse("debate:credit", args=[article.slug]),
        {"switch": switch.pk, "post": post.pk, "reason": "Typed with care."},
    )

    assert response.status_code == HTTPStatus.CONFLICT
    assert "Typed with care." in html_of(response)
    assert "yourself" in html_of(response)


def test_skipping_is_one_click(switched_client, member, article):
    switched_client.post(vote_url(article), {"choice": "side-two"})
    switch = Switch.objects.get(member=member)

    response = switched_client.post(
        reverse("debate:credit_skip", args=[article.slug]), {"switch": switch.pk}
    )

    assert response.status_code == HTTPStatus.SEE_OTHER
    assert Switch.objects.get().state == SwitchState.SKIPPED
    assert "What changed your mind?" not in html_of(switched_client.get(response["Location"]))


def test_the_article_shows_members_switched_and_the_most_credited(
    veteran, make_post, client, article, side_one, side_two
):
    post = make_post(position=side_one)
    member = veteran()
    services.vote_cast(member=member, article=article, position=side_one)
    services.vote_cast(member=member, article=article, position=side_two)
    judging.credit_give(member=member, switch=Switch.objects.get(), post=post)

    html = html_of(client.get(article.get_absolute_url()))

    assert "1 member changed sides on this debate." in html
    assert f'href="/posts/{post.pk}/#post-{post.pk}"' in html
    assert "Changed 1 mind" in html


def test_reasons_are_for_the_author(client, veteran, make_post, article, side_one, side_two):
    author, member = veteran(), veteran()
    post = make_post(author, position=side_one)
    services.vote_cast(member=member, article=article, position=side_one)
    services.vote_cast(member=member, article=article, position=side_two)
    judging.credit_give(member=member, switch=Switch.objects.get(), post=post, reason="Sharp.")
    url = reverse("debate:post_credits", args=[post.pk])

    client.force_login(author)
    assert "Sharp." in html_of(client.get(url))
    client.force_login(member)
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN


def test_a_profile_shows_the_minds_a_members_rebuttals_changed(
    client, veteran, make_post, article, side_one, side_two
):
    author, member = veteran(display_name="orator"), veteran()
    post = make_post(author, position=side_one)
    services.vote_cast(member=member, article=article, position=side_one)
    services.vote_cast(member=member, article=article, position=side_two)
    judging.credit_give(member=member, switch=Switch.objects.get(), post=post)

    html = html_of(client.get(reverse("accounts:profile", args=["orator"])))

    assert "Their rebuttals changed 1 mind" in html
