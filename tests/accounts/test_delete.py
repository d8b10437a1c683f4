import threading
from http import HTTPStatus

import pytest
from django.db import connection
from django.template import Context, Template
from django.urls import reverse

from accounts.models import DELETED_MEMBER_LABEL, User
from accounts.services import member_delete
from debate import services
from debate.models import Post, Stance, SympathyVote, VoteChange

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def voter(make_member, article):
    """A member who voted on the article and rebutted one side of it."""
    member = make_member(display_name="ada")
    side_one, _ = article.positions.all()
    services.vote_cast(member=member, article=article, position=side_one)
    Post.objects.create(article=article, author=member, position=side_one, body_md="My argument.")
    return member


def tally_from_history(article) -> dict:
    """Replays the vote history into counts per (stance, position id)."""
    counts: dict = {}
    for change in VoteChange.objects.filter(article=article):
        if change.from_stance:
            key = (change.from_stance, change.from_position_id)
            counts[key] = counts.get(key, 0) - 1
        if change.to_stance:
            key = (change.to_stance, change.to_position_id)
            counts[key] = counts.get(key, 0) + 1
    return {key: n for key, n in counts.items() if n}


def test_member_delete_removes_member_and_votes(voter):
    member_delete(voter)

    assert not User.objects.filter(pk=voter.pk).exists()
    assert not SympathyVote.objects.exists()


def test_member_delete_keeps_rebuttals_without_author(voter):
    member_delete(voter)

    rebuttal = Post.objects.get()
    assert rebuttal.author is None
    assert rebuttal.body_md == "My argument."


def test_member_delete_records_vote_withdrawals_so_history_matches_tally(voter, article):
    member_delete(voter)

    withdrawal = VoteChange.objects.last()
    assert (withdrawal.from_stance, withdrawal.to_stance) == (Stance.POSITION, "")
    assert withdrawal.member is None
    assert tally_from_history(article) == {}
    assert SympathyVote.objects.tally(article) == {}


def test_member_delete_leaves_other_members_votes(voter, article, make_member):
    other = make_member(display_name="grace")
    SympathyVote.objects.create(member=other, article=article, stance=Stance.BOTH)

    member_delete(voter)

    assert list(SympathyVote.objects.values_list("member__display_name", flat=True)) == ["grace"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers, so there is no race to lose",
)
@pytest.mark.django_db(transaction=True)
def test_a_vote_committed_while_the_member_is_being_deleted_still_leaves_the_history_whole(
    make_member, article, monkeypatch
):
    """The vote lands after member_delete has read the member's votes, before it deletes.

    Either the vote is seen (and withdrawn in the history) or it is refused; never deleted
    with the member and missing from the history.
    """
    member = make_member(display_name="ada")
    votes_read, vote_done = threading.Event(), threading.Event()
    bulk_create = VoteChange.objects.bulk_create

    def bulk_create_after_the_vote(objs, *args, **kwargs):
        objs = list(objs)  # member_delete's read of the votes happens here
        votes_read.set()
        vote_done.wait(timeout=2)  # with the member locked, the vote cannot finish first
        return bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(VoteChange.objects, "bulk_create", bulk_create_after_the_vote)

    def vote():
        votes_read.wait(timeout=5)
        try:
            services.vote_cast(member=member, article=article, position=None)
        except Exception:  # noqa: S110 - refusing the vote of a deleted member is fine
            pass
        finally:
            vote_done.set()
            connection.close()

    voter = threading.Thread(target=vote)
    voter.start()
    member_delete(member)
    voter.join()

    assert not SympathyVote.objects.exists()
    assert tally_from_history(article) == {}


def test_delete_page_asks_for_the_password(client, voter):
    client.force_login(voter)

    response = client.get(reverse("accounts:delete"))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'type="password"' in html
    assert User.objects.filter(pk=voter.pk).exists()


def test_delete_with_wrong_password_keeps_the_account(client, voter):
    client.force_login(voter)

    response = client.post(reverse("accounts:delete"), {"password": "wrong"})

    assert response.status_code == HTTPStatus.OK
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=voter.pk).exists()
    assert SympathyVote.objects.exists()


def test_delete_with_password_deletes_and_signs_out(client, voter):
    client.force_login(voter)

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("debate:article_list")
    assert not response.context["user"].is_authenticated
    assert "Your account is deleted" in response.content.decode()
    assert not User.objects.filter(pk=voter.pk).exists()


def test_member_without_password_confirms_by_typing_their_name(client, voter):
    voter.set_unusable_password()
    voter.save()
    client.force_login(voter)

    wrong = client.post(reverse("accounts:delete"), {"confirm": "someone"})
    assert User.objects.filter(pk=voter.pk).exists()
    assert "Type ada exactly." in wrong.content.decode()

    client.post(reverse("accounts:delete"), {"confirm": "ada"})
    assert not User.objects.filter(pk=voter.pk).exists()


def test_the_name_in_the_confirmation_help_is_escaped(client, make_member):
    # Field help is rendered as HTML (password rules need it); a name is text. Names cannot
    # hold "<" through any form, but create_user takes whatever it is given.
    member = make_member(display_name="<em>x<em>", password=None)
    client.force_login(member)

    html = client.get(reverse("accounts:delete")).content.decode()

    assert "Type &lt;em&gt;x&lt;em&gt; to confirm." in html
    assert "<em>x<em>" not in html


def test_repeated_wrong_passwords_on_delete_answer_429(client, voter, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reauthenticate": "2/m/user"}
    client.force_login(voter)
    for _ in range(2):
        client.post(reverse("accounts:delete"), {"password": "wrong"})

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert User.objects.filter(pk=voter.pk).exists()


def test_delete_needs_sign_in(client, db):
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_deleted_author_is_named_deleted_member_by_the_filter(voter):
    member_delete(voter)
    rebuttal = Post.objects.select_related("author").get()

    html = Template("{% load members %}{{ rebuttal.author|member_name }}").render(
        Context({"rebuttal": rebuttal})
    )

    assert html == DELETED_MEMBER_LABEL


def test_member_link_tag_links_a_member_and_not_a_deleted_one(voter):
    template = Template("{% load members %}{% member_link author %}")

    linked = template.render(Context({"author": voter}))
    deleted = template.render(Context({"author": None}))

    assert linked == f'<a class="member" href="{voter.get_absolute_url()}">ada</a>'
    assert deleted == f'<span class="member member--deleted">{DELETED_MEMBER_LABEL}</span>'


def test_delete_without_csrf_token_is_refused(voter):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(voter)

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert User.objects.filter(pk=voter.pk).exists()
