"""Suspending a member: signed out of every session at their next request, told why and until
when, refused at sign-in and by every service that writes; restored by a moderator or by the
end date; their profile and their words stay."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from debate import discussion, moderation
from debate.models import (
    ModerationAction,
    ModerationRecord,
    Post,
    PostKind,
    ReportReason,
    SympathyVote,
)
from debate.services import vote_cast

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def troll(make_member):
    return make_member(email="troll@example.com", display_name="troll", password=PASSWORD)


@pytest.fixture
def suspended(troll, moderator):
    until = timezone.now() + timedelta(days=7)
    moderation.member_suspend(troll, actor=moderator, reason="Insults, again.", until=until)
    troll.refresh_from_db()
    return troll


def signed_in(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_a_suspended_member_is_signed_out_of_every_session_at_their_next_request(troll, moderator):
    laptop, phone = signed_in(troll), signed_in(troll)
    moderation.member_suspend(troll, actor=moderator, reason="Insults, again.")

    for session in (laptop, phone):
        response = session.get(reverse("accounts:settings"), follow=True)

        assert response.redirect_chain[0][0] == reverse("account_suspended")
        assert "Your account is suspended" in response.content.decode()
        assert "_auth_user_id" not in session.session
        assert session.get(reverse("accounts:settings")).status_code == HTTPStatus.FOUND


def test_the_page_says_why_and_until_when(troll, moderator):
    session = signed_in(troll)
    until = timezone.now() + timedelta(days=3)
    moderation.member_suspend(troll, actor=moderator, reason="Spam links.", until=until)

    html = session.get("/", follow=True).content.decode()

    assert "Spam links." in html
    assert f"{until:%-d %B %Y}" in html
    assert "You have been signed out" in html


def test_without_an_end_date_the_page_says_until_a_moderator_lifts_it(troll, moderator):
    session = signed_in(troll)
    moderation.member_suspend(troll, actor=moderator, reason="Threats.")

    html = session.get("/", follow=True).content.decode()

    assert "It lasts until a moderator lifts it." in html


def test_an_htmx_request_of_a_suspended_member_leads_the_browser_to_the_page(troll, moderator):
    session = signed_in(troll)
    moderation.member_suspend(troll, actor=moderator, reason="Threats.")

    response = session.post(reverse("debate:comment", args=["a-debate"]), **HTMX)

    assert response["HX-Redirect"] == reverse("account_suspended")


def test_a_posted_form_gets_a_see_other_to_the_page(troll, moderator, article):
    session = signed_in(troll)
    moderation.member_suspend(troll, actor=moderator, reason="Threats.")

    response = session.post(reverse("debate:comment", args=[article.slug]), {"body": "x" * 40})

    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == reverse("account_suspended")
    assert not Post.objects.exists()


def test_the_page_without_a_suspension_leads_home(client):
    response = client.get(reverse("account_suspended"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/"


def test_a_suspended_member_cannot_sign_in_and_is_told_why(client, suspended):
    response = client.post(
        reverse("account_login"), {"login": "troll@example.com", "password": PASSWORD}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    html = response.content.decode()
    assert "Your account is suspended" in html
    assert "Insults, again." in html
    assert "You cannot sign in while it lasts." in html
    assert "_auth_user_id" not in client.session


def test_the_suspension_ends_by_itself_after_its_end_date(client, suspended):
    later = timezone.now() + timedelta(days=8)
    type(suspended).objects.filter(pk=suspended.pk).update(
        suspended_until=timezone.now() - timedelta(seconds=1)
    )

    response = client.post(
        reverse("account_login"), {"login": "troll@example.com", "password": PASSWORD}
    )
    suspended.refresh_from_db()

    assert response.status_code == HTTPStatus.FOUND
    assert not suspended.is_suspended()
    assert suspended.is_suspended(later) is False


@pytest.mark.parametrize(
    "write",
    [
        lambda member, post, article: discussion.post_create(
            author=member, target=discussion.Target(article, PostKind.COMMENT),
            body_md="A comment of some length, long enough.",
        ),
        lambda member, post, article: discussion.report_file(
            post, reporter=member, reason=ReportReason.SPAM
        ),
        lambda member, post, article: vote_cast(member=member, article=article, position=None),
    ],
    ids=["post", "report", "vote"],
)  # fmt: skip
def test_the_services_refuse_a_suspended_member(suspended, make_post, article, write):
    post = make_post(article=article)

    with pytest.raises(moderation.MemberSuspended, match=r"Insults, again\."):
        write(suspended, post, article)

    assert not post.reports.exists()
    assert not SympathyVote.objects.exists()
    assert Post.objects.count() == 1


def test_the_write_check_passes_once_the_suspension_is_over(suspended):
    moderation.member_write_check(suspended, now=timezone.now() + timedelta(days=8))


def test_a_suspended_member_keeps_their_profile_and_their_words(
    client, troll, moderator, make_post, article
):
    post = make_post(troll, article=article, body="What I said before, and it stays said.")
    moderation.member_suspend(troll, actor=moderator, reason="Insults, again.")

    profile = client.get(reverse("accounts:profile", args=["troll"]))
    thread = client.get(post.get_absolute_url())

    assert profile.status_code == HTTPStatus.OK
    assert "What I said before" in profile.content.decode()
    assert "What I said before" in thread.content.decode()


# Suspending and restoring in the admin -----------------------------------------------------


def test_a_moderator_suspends_a_member_with_a_reason_and_an_end_date(
    moderating_client, moderator, troll
):
    url = reverse("admin:accounts_user_changelist")
    form = moderating_client.post(url, {"action": "suspend", ACTION_CHECKBOX_NAME: [troll.pk]})
    until = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)

    response = moderating_client.post(
        url,
        {
            "action": "suspend",
            ACTION_CHECKBOX_NAME: [troll.pk],
            "confirm": "yes",
            "reason": "Insults.",
            "until": until.strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )

    assert 'name="until"' in form.content.decode()
    troll.refresh_from_db()
    assert troll.is_suspended()
    assert (troll.suspended_until, troll.suspension_reason) == (until, "Insults.")
    record = ModerationRecord.objects.get()
    assert (record.action, record.actor_name, record.member_name, record.reason) == (
        ModerationAction.SUSPEND, "hilda", "troll", "Insults."
    )  # fmt: skip
    assert record.before["suspended_at"] is None
    assert record.after["suspended_until"] == until.isoformat()
    assert "Suspended 1 member" in response.content.decode()


def test_an_end_date_in_the_past_is_refused(moderating_client, troll):
    response = moderating_client.post(
        reverse("admin:accounts_user_changelist"),
        {
            "action": "suspend",
            ACTION_CHECKBOX_NAME: [troll.pk],
            "confirm": "yes",
            "reason": "Insults.",
            "until": "2001-01-01T00:00",
        },
    )

    assert "Choose a moment in the future" in response.content.decode()
    troll.refresh_from_db()
    assert not troll.is_suspended()


def test_a_moderator_restores_a_suspended_member(moderating_client, suspended):
    moderating_client.post(
        reverse("admin:accounts_user_changelist"),
        {
            "action": "restore",
            ACTION_CHECKBOX_NAME: [suspended.pk],
            "confirm": "yes",
            "reason": "Apologised.",
        },
    )

    suspended.refresh_from_db()
    assert not suspended.is_suspended()
    record = ModerationRecord.objects.get(action=ModerationAction.RESTORE)
    assert (record.reason, record.after["suspended_at"]) == ("Apologised.", None)


def test_a_moderator_cannot_suspend_other_staff_or_themselves(
    moderating_client, moderator, make_moderator
):
    colleague = make_moderator(display_name="colleague")

    response = moderating_client.post(
        reverse("admin:accounts_user_changelist"),
        {
            "action": "suspend",
            ACTION_CHECKBOX_NAME: [colleague.pk, moderator.pk],
            "confirm": "yes",
            "reason": "Coup.",
        },
        follow=True,
    )

    colleague.refresh_from_db()
    moderator.refresh_from_db()
    assert not colleague.is_suspended()
    assert not moderator.is_suspended()
    html = response.content.decode()
    assert "Only a superuser can suspend colleague." in html
    assert "You cannot suspend yourself." in html


def test_the_member_list_shows_who_is_suspended_and_until_when(moderating_client, suspended):
    html = moderating_client.get(
        reverse("admin:accounts_user_changelist"), {"suspended": "yes"}
    ).content.decode()

    assert "troll" in html
    assert f"until {suspended.suspended_until:%-d %b %Y}" in html
