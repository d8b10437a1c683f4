"""The article page drawn once and shared by every viewer with nothing of their own on it:
each write that changes what it shows draws it anew, and no member's token, id or marks reach
another member."""

import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import member_delete
from debate import discussion, judging, moderation, services
from debate.models import PostStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_request(settings):
    # The anonymous page cache would answer visitors before the shared page is asked.
    settings.ANONYMOUS_CACHE_SECONDS = 0


@pytest.fixture
def reader(make_member, client):
    """A member who has voted and nothing more: the shared page is theirs."""
    member = make_member(display_name="reader")
    client.force_login(member)
    return client


def page(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_a_signed_in_reader_is_served_the_shared_page_in_three_queries(
    reader, article, side_one, django_assert_num_queries
):
    page(reader, article)  # draws and stores it

    # The session, the member, and the page's own query; the rest comes drawn.
    with django_assert_num_queries(3):
        page(reader, article)


def test_a_new_rebuttal_shows_to_a_reader_of_the_shared_page(reader, article, side_one, make_post):
    page(reader, article)
    make_post(position=side_one, body="A rebuttal posted after the page was drawn.")

    assert "A rebuttal posted after the page was drawn." in page(reader, article)


def test_an_edit_shows_to_a_reader_of_the_shared_page(reader, article, side_one, make_post):
    post = make_post(position=side_one, body="The first wording of this rebuttal.")
    page(reader, article)
    discussion.post_edit(post, editor=post.author, body_md="The second wording of it, edited.",
                         now=post.created_at)  # fmt: skip

    html = page(reader, article)

    assert "The second wording of it, edited." in html
    assert "The first wording of this rebuttal." not in html


def test_a_hidden_post_leaves_the_shared_page(reader, article, side_one, make_post, moderator):
    post = make_post(position=side_one, body="Words a moderator is about to hide from view.")
    page(reader, article)
    moderation.post_moderate(post, PostStatus.HIDDEN, actor=moderator, reason="Off topic.")

    assert "Words a moderator is about to hide from view." not in page(reader, article)


def test_an_endorsement_moves_the_count_on_the_shared_page(
    reader, article, side_one, make_post, make_member
):
    post = make_post(position=side_one)
    page(reader, article)
    judging.endorsement_add(member=make_member(), post=post)

    count = re.search(rf'id="endorse-{post.pk}-count"[^>]*>(\d+)', page(reader, article))
    assert count is not None
    assert count.group(1) == "1"


def test_a_credit_shows_as_a_changed_mind_on_the_shared_page(
    reader, article, side_one, side_two, make_post, make_member
):
    post = make_post(position=side_one)
    switcher = make_member()
    services.vote_cast(member=switcher, article=article, position=side_two)
    services.vote_cast(member=switcher, article=article, position=side_one)
    page(reader, article)
    judging.credit_give(member=switcher, switch=judging.switch_open(switcher, article), post=post)

    assert "Changed 1 mind" in page(reader, article)


def test_an_authors_new_name_shows_on_the_shared_page(
    reader, article, side_one, make_post, make_member, client
):
    author = make_member(display_name="oldname")
    make_post(author, position=side_one)
    page(reader, article)
    author.display_name = "newname"
    form_data = {"display_name": "newname"}
    from accounts.forms import MemberSettingsForm
    from accounts.services import member_settings_save

    form = MemberSettingsForm(form_data, instance=type(author).objects.get(pk=author.pk))
    assert form.is_valid(), form.errors
    member_settings_save(form)

    html = page(reader, article)
    assert ">newname</a>" in html
    assert ">oldname</a>" not in html


def test_a_deleted_authors_posts_show_as_by_a_deleted_member_on_the_shared_page(
    reader, article, side_one, make_post, make_member
):
    author = make_member(display_name="leaving")
    make_post(author, position=side_one)
    page(reader, article)
    member_delete(author)

    html = page(reader, article)
    assert "[deleted member]" in html
    assert ">leaving</a>" not in html


def test_the_shared_page_carries_a_csrf_token_good_for_the_member_reading_it(
    article, side_one, make_post, make_member
):
    post = make_post(position=side_one)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(make_member())
    page(first, article)  # drawn for, and stored by, the first member's request
    second.force_login(make_member())

    html = page(second, article)
    form = re.search(rf'<form class="endorse" id="endorse-{post.pk}".*?</form>', html, re.S)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0)).group(1)
    response = second.post(f"/posts/{post.pk}/endorse/", {"csrfmiddlewaretoken": token,
                                                          "endorse": "1"})  # fmt: skip

    assert response.status_code == HTTPStatus.SEE_OTHER
    assert "@@" not in html  # no placeholder left behind


def test_a_visitor_and_a_member_do_not_share_a_page(client, article, side_one, make_member):
    page(client, article)  # the visitor's page, stored
    client.force_login(make_member())

    html = page(client, article)

    assert "Sign in to rebut" not in html


def test_a_member_who_endorsed_sees_their_endorsement_pressed(
    reader, article, side_one, make_post, make_member, django_user_model
):
    post = make_post(position=side_one)
    page(reader, article)  # the shared page, stored with every button unpressed
    me = django_user_model.objects.get(display_name="reader")
    judging.endorsement_add(member=me, post=post)

    html = page(reader, article)

    assert re.search(rf'id="endorse-{post.pk}".*?aria-pressed="true"', html, re.S)


def test_a_member_with_a_post_sees_it_marked_as_theirs(reader, article, side_one, make_post,
                                                       django_user_model):  # fmt: skip
    page(reader, article)
    me = django_user_model.objects.get(display_name="reader")
    make_post(me, position=side_one)

    html = page(reader, article)

    assert '<span class="badge">you</span>' in html
    assert "@@" not in html  # the page drawn for them has no placeholder left either


def test_a_member_who_reported_sees_reported(
    reader, article, side_one, make_post, django_user_model
):
    post = make_post(position=side_one)
    page(reader, article)
    me = django_user_model.objects.get(display_name="reader")
    discussion.report_file(post, reporter=me, reason="spam", note="")

    assert '<span class="post__reported">Reported</span>' in page(reader, article)


def test_only_the_member_who_switched_sees_the_prompt_on_the_shared_page(
    client, article, side_one, side_two, make_member
):
    switcher, other = make_member(), make_member()
    for member in (switcher, other):
        services.vote_cast(member=member, article=article, position=side_one)
    services.vote_cast(member=switcher, article=article, position=side_two)
    services.vote_cast(member=other, article=article, position=side_two)
    judging.switch_skip(member=other, switch=judging.switch_open(other, article))

    client.force_login(other)
    assert "What changed your mind?" not in page(client, article)
    client.logout()
    client.force_login(switcher)
    html = page(client, article)
    assert "What changed your mind?" in html
    assert "@@" not in html  # its form carries the member's token


def test_a_held_post_does_not_reach_the_shared_page(reader, article, side_one, make_post):
    make_post(position=side_one, body="Waiting for a moderator to look at it.",
              status=PostStatus.HELD)  # fmt: skip

    assert "Waiting for a moderator to look at it." not in page(reader, article)


def test_each_switcher_answers_for_their_own_switch_on_the_shared_page(
    client, article, side_one, side_two, make_member
):
    first, second = make_member(), make_member()
    for member in (first, second):
        services.vote_cast(member=member, article=article, position=side_one)
        services.vote_cast(member=member, article=article, position=side_two)
    client.force_login(first)
    page(client, article)  # the prompt for this switch of sides, drawn and stored
    client.logout()
    client.force_login(second)

    switches = set(re.findall(r'name="switch" value="([^"]+)"', page(client, article)))

    assert switches == {str(judging.switch_open(second, article).pk)}


def test_the_header_names_the_member_reading_the_shared_page(client, article, make_member):
    first, second = make_member(display_name="first"), make_member(display_name="second")
    client.force_login(first)
    page(client, article)
    client.logout()
    client.force_login(second)

    html = page(client, article)

    assert "</span>second</a>" in html
    assert "</span>first</a>" not in html


def test_the_header_counts_notifications_that_arrived_since_it_was_stored(
    reader, article, django_user_model
):
    page(reader, article)
    django_user_model.objects.filter(display_name="reader").update(notifications_unread=3)

    assert '<span class="badge badge--count">3<' in page(reader, article)


def test_a_message_waiting_for_the_member_shows_on_the_shared_page(reader, article, side_one):
    page(reader, article)
    # Saving settings leaves "Your profile is saved." for the next page (the redirect is not
    # followed here, so the article page is that next page).
    reader.post(reverse("accounts:settings"), {"display_name": "reader-renamed"})

    assert "Your profile is saved." in page(reader, article)


def test_a_vote_shows_on_the_shared_page_without_drawing_the_page_again(
    reader, article, side_one, make_member, django_assert_max_num_queries
):
    page(reader, article)
    services.vote_cast(member=make_member(), article=article, position=side_one)

    # The page's query, then the panel and the chart for the new tally (the chart's days):
    # the discussion is not read again.
    with django_assert_max_num_queries(4):
        html = page(reader, article)
    assert "1 member has voted." in html


@pytest.mark.parametrize("signed_in", [True, False], ids=["member", "visitor"])
def test_a_change_of_sides_counts_on_the_shared_page(
    client, article, side_one, side_two, make_member, signed_in
):
    if signed_in:
        client.force_login(make_member())
    page(client, article)
    switcher = make_member()
    services.vote_cast(member=switcher, article=article, position=side_one)
    services.vote_cast(member=switcher, article=article, position=side_two)

    assert "1 member changed sides on this debate." in page(client, article)


def test_an_endorser_changing_sides_reorders_the_shared_page(
    reader, article, side_one, side_two, make_post, veteran
):
    # Bridging (the default order) counts each rebuttal's endorsements per camp: when an
    # endorser changes sides, the order of the page can change without any post changing.
    older = make_post(position=side_one, body="The older rebuttal, endorsed by one camp.")
    newer = make_post(position=side_one, body="The newer rebuttal, endorsed by both camps.")
    mover = veteran()
    # The mover has changed sides here before: the count of members who did stays the same.
    services.vote_cast(member=mover, article=article, position=side_two)
    for member, side, posts in [
        (veteran(), side_one, [older, newer]),
        (veteran(), side_one, [older]),
        (veteran(), side_two, [newer]),
        (mover, side_one, [older]),
    ]:
        services.vote_cast(member=member, article=article, position=side)
        for post in posts:
            judging.endorsement_add(member=member, post=post)
    html = page(reader, article)
    assert html.index(f'id="post-{newer.pk}"') < html.index(f'id="post-{older.pk}"')

    services.vote_cast(member=mover, article=article, position=side_two)

    html = page(reader, article)
    assert html.index(f'id="post-{older.pk}"') < html.index(f'id="post-{newer.pk}"')
