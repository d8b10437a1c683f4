"""The moderator role: the group and its permissions, `grant_moderator`, and everything a
moderator cannot do, tried with real requests."""

from http import HTTPStatus
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import User
from accounts.moderators import MODERATOR_PERMISSIONS, MODERATORS_GROUP
from debate import discussion
from debate.models import (
    ModerationRecord,
    PostStatus,
    ReportReason,
    Stance,
    SympathyVote,
    VoteChange,
)
from debate.services import vote_cast

pytestmark = pytest.mark.django_db

# What the role is for, and nothing else (spelled out here, not imported: this is the rule).
EXPECTED_PERMISSIONS = {
    "accounts.view_user",
    "accounts.suspend_member",
    "debate.view_article",
    "debate.change_article",
    "debate.view_position",
    "debate.add_position",
    "debate.change_position",
    "debate.view_topic",
    "debate.view_post",
    "debate.moderate_post",
    "debate.view_postrevision",
    "debate.view_report",
    "debate.resolve_report",
    "debate.view_reportedpost",
    "debate.view_sympathyvote",
    "debate.view_votechange",
    "debate.view_moderationrecord",
    "debate.view_moderationsettings",
    "debate.change_moderationsettings",
}


def permissions_of(group) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_the_migrations_make_the_moderators_group_with_exactly_its_permissions():
    # The test database is built by the migrations, as a fresh site's is.
    group = Group.objects.get(name=MODERATORS_GROUP)

    assert permissions_of(group) == EXPECTED_PERMISSIONS
    assert {f"{a}.{c}" for a, c in MODERATOR_PERMISSIONS} == EXPECTED_PERMISSIONS


def test_grant_moderator_makes_a_member_staff_in_the_group(make_member):
    member = make_member(email="Grace@Example.com", display_name="grace")
    out = StringIO()

    call_command("grant_moderator", "grace@EXAMPLE.com", stdout=out)

    member.refresh_from_db()
    assert member.is_staff
    assert not member.is_superuser
    assert member.groups.filter(name=MODERATORS_GROUP).exists()
    assert member.get_all_permissions() == EXPECTED_PERMISSIONS
    assert "grace is now a moderator" in out.getvalue()


def test_grant_moderator_with_an_unknown_email_fails_with_status_1(make_member):
    with pytest.raises(CommandError, match="No member has the email address") as refused:
        call_command("grant_moderator", "nobody@example.com")

    assert refused.value.returncode == 1
    assert not User.objects.filter(is_staff=True).exists()


def test_revoke_takes_the_role_away(moderator):
    call_command("grant_moderator", moderator.email, "--revoke", stdout=StringIO())

    moderator.refresh_from_db()
    assert not moderator.is_staff
    assert not moderator.groups.exists()


def test_revoke_leaves_a_superuser_staff(make_member):
    boss = make_member(display_name="boss", is_staff=True, is_superuser=True)
    call_command("grant_moderator", boss.email, stdout=StringIO())

    call_command("grant_moderator", boss.email, "--revoke", stdout=StringIO())

    boss.refresh_from_db()
    assert boss.is_staff
    assert not boss.groups.exists()


def test_grant_moderator_dry_run_changes_nothing(make_member):
    member = make_member(display_name="grace")

    call_command("grant_moderator", member.email, "--dry-run", stdout=StringIO())

    member.refresh_from_db()
    assert not member.is_staff


def test_grant_moderator_makes_the_group_again_if_it_was_deleted(make_member):
    Group.objects.filter(name=MODERATORS_GROUP).delete()
    member = make_member(display_name="grace")

    call_command("grant_moderator", member.email, stdout=StringIO())

    assert permissions_of(Group.objects.get(name=MODERATORS_GROUP)) == EXPECTED_PERMISSIONS


# What a moderator cannot do: each line tried with a real request -------------------------


@pytest.fixture
def other(make_member, article):
    """A member with a vote, as a moderator would find them."""
    member = make_member(email="secret.address@example.com", display_name="ordinary")
    vote_cast(member=member, article=article, position=None)
    return member


def test_moderators_cannot_delete_members(moderating_client, other):
    page = moderating_client.get(reverse("admin:accounts_user_delete", args=[other.pk]))
    post = moderating_client.post(
        reverse("admin:accounts_user_delete", args=[other.pk]), {"post": "yes"}
    )
    bulk = moderating_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [other.pk], "post": "yes"},
    )
    listing = moderating_client.get(reverse("admin:accounts_user_changelist")).content.decode()

    assert page.status_code == HTTPStatus.FORBIDDEN
    assert post.status_code == HTTPStatus.FORBIDDEN
    assert bulk.status_code == HTTPStatus.FOUND
    assert User.objects.filter(pk=other.pk).exists()
    assert 'value="delete_selected"' not in listing


def test_moderators_cannot_add_members(moderating_client):
    page = moderating_client.get(reverse("admin:accounts_user_add"))
    post = moderating_client.post(
        reverse("admin:accounts_user_add"),
        {"email": "new@example.com", "display_name": "newcomer",
         "password1": "a-long-enough-password", "password2": "a-long-enough-password"},
    )  # fmt: skip

    assert page.status_code == HTTPStatus.FORBIDDEN
    assert post.status_code == HTTPStatus.FORBIDDEN
    assert not User.objects.filter(email="new@example.com").exists()


def test_moderators_cannot_make_anyone_staff_or_superuser(moderating_client, moderator, other):
    for member in (other, moderator):
        response = moderating_client.post(
            reverse("admin:accounts_user_change", args=[member.pk]),
            {"email": member.email, "display_name": member.display_name, "is_active": "on",
             "is_staff": "on", "is_superuser": "on", "date_joined_0": "2026-01-01",
             "date_joined_1": "00:00:00"},
        )  # fmt: skip

        assert response.status_code == HTTPStatus.FORBIDDEN
        member.refresh_from_db()
        assert not member.is_superuser
    assert not User.objects.get(pk=other.pk).is_staff


def test_moderators_cannot_change_a_password(moderating_client, other):
    url = reverse("admin:auth_user_password_change", args=[other.pk])
    page = moderating_client.get(url)
    post = moderating_client.post(
        url, {"password1": "a-new-long-password-1", "password2": "a-new-long-password-1"}
    )

    assert page.status_code == HTTPStatus.FORBIDDEN
    assert post.status_code == HTTPStatus.FORBIDDEN
    other.refresh_from_db()
    assert not other.check_password("a-new-long-password-1")


def test_moderators_cannot_change_an_email(moderating_client, other):
    response = moderating_client.post(
        reverse("admin:accounts_user_change", args=[other.pk]),
        {"email": "taken.over@example.com", "display_name": "ordinary"},
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    other.refresh_from_db()
    assert other.email == "secret.address@example.com"


def test_the_member_page_offers_moderators_no_password_or_email_or_roles(moderating_client, other):
    response = moderating_client.get(reverse("admin:accounts_user_change", args=[other.pk]))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "ordinary" in html
    assert "secret.address" not in html
    assert "/password/" not in html
    for hidden in ("Staff status", "Superuser status", "Groups", "User permissions"):
        assert hidden not in html


def test_moderators_do_not_see_email_addresses_in_the_member_list(moderating_client, other):
    listing = moderating_client.get(reverse("admin:accounts_user_changelist"))
    searched = moderating_client.get(
        reverse("admin:accounts_user_changelist"), {"q": "secret.address@example.com"}
    )

    assert "ordinary" in listing.content.decode()
    assert "secret.address" not in listing.content.decode()
    assert "Email address" not in listing.content.decode()
    assert "ordinary" not in searched.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "email__startswith=secret",
        "email=secret.address@example.com",
        "password__startswith=md5",
        "is_staff__exact=1",
        "is_superuser__exact=1",
        "groups__id__exact=1",
        "groups=1",
        "user_permissions=1",
    ],
)
def test_moderators_cannot_filter_members_by_what_they_may_not_see(moderating_client, other, query):
    moderating_client.raise_request_exception = False

    response = moderating_client.get(reverse("admin:accounts_user_changelist") + "?" + query)

    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_moderators_cannot_find_votes_by_email(moderating_client, other):
    moderating_client.raise_request_exception = False
    url = reverse("admin:debate_sympathyvote_changelist")

    searched = moderating_client.get(url, {"q": "secret.address"})
    filtered = moderating_client.get(url + "?member__email__startswith=secret")

    assert "ordinary" not in searched.content.decode()
    assert filtered.status_code == HTTPStatus.BAD_REQUEST


def test_moderators_cannot_reach_groups_or_permissions(moderating_client):
    group = Group.objects.get(name=MODERATORS_GROUP)
    index = moderating_client.get(reverse("admin:index")).content.decode()

    for url in (
        reverse("admin:auth_group_changelist"),
        reverse("admin:auth_group_add"),
        reverse("admin:auth_group_change", args=[group.pk]),
        reverse("admin:auth_group_delete", args=[group.pk]),
    ):
        assert moderating_client.get(url).status_code == HTTPStatus.FORBIDDEN, url
    post = moderating_client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {
            "name": MODERATORS_GROUP,
            "permissions": list(Permission.objects.values_list("pk", flat=True)),
        },
    )
    assert post.status_code == HTTPStatus.FORBIDDEN
    assert permissions_of(group) == EXPECTED_PERMISSIONS
    assert reverse("admin:auth_group_changelist") not in index


def test_moderators_cannot_add_change_or_delete_votes(moderating_client, other, article):
    vote = SympathyVote.objects.get()
    change = VoteChange.objects.get()

    for url in (
        reverse("admin:debate_sympathyvote_add"),
        reverse("admin:debate_sympathyvote_delete", args=[vote.pk]),
        reverse("admin:debate_votechange_add"),
        reverse("admin:debate_votechange_delete", args=[change.pk]),
    ):
        assert moderating_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    changed = moderating_client.post(
        reverse("admin:debate_sympathyvote_change", args=[vote.pk]),
        {"member": other.pk, "article": article.pk, "stance": Stance.POSITION},
    )
    bulk = moderating_client.post(
        reverse("admin:debate_sympathyvote_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [vote.pk], "post": "yes"},
    )

    assert changed.status_code == HTTPStatus.FORBIDDEN
    assert bulk.status_code in {HTTPStatus.OK, HTTPStatus.FOUND}  # the list, the vote still in it
    assert SympathyVote.objects.get().stance == Stance.BOTH
    assert VoteChange.objects.count() == 1


def test_moderators_list_and_count_votes_and_their_history(moderating_client, other):
    votes = moderating_client.get(reverse("admin:debate_sympathyvote_changelist"))
    history = moderating_client.get(reverse("admin:debate_votechange_changelist"))

    assert votes.status_code == history.status_code == HTTPStatus.OK
    assert "1 sympathy vote" in votes.content.decode()
    assert 'value="delete_selected"' not in votes.content.decode()
    assert "ordinary" in history.content.decode()


def test_a_member_who_is_not_staff_is_sent_away_from_the_admin(member_client):
    response = member_client.get(reverse("admin:index"), follow=True)

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("admin:index"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


# A staff member with view permissions only runs no action ----------------------------------


@pytest.fixture
def viewer(client, make_member):
    """Staff who may look at everything moderators look at, and change nothing."""
    member = make_member(display_name="onlooker", is_staff=True)
    views = [codename for _, codename in MODERATOR_PERMISSIONS if codename.startswith("view_")]
    member.user_permissions.set(Permission.objects.filter(codename__in=views))
    client.force_login(member)
    return client


@pytest.fixture
def targets(make_post, make_member, article, other):
    post = make_post(position=article.positions.first())
    discussion.report_file(post, reporter=make_member(), reason=ReportReason.SPAM)
    return {"post": post, "member": other, "vote": SympathyVote.objects.get()}


ACTIONS = [
    ("admin:debate_post_changelist", "publish", "post"),
    ("admin:debate_post_changelist", "hide", "post"),
    ("admin:debate_post_changelist", "remove", "post"),
    ("admin:debate_reportedpost_changelist", "take_action_hide", "post"),
    ("admin:debate_reportedpost_changelist", "take_action_remove", "post"),
    ("admin:debate_reportedpost_changelist", "dismiss_reports", "post"),
    ("admin:accounts_user_changelist", "suspend", "member"),
    ("admin:accounts_user_changelist", "restore", "member"),
    ("admin:accounts_user_changelist", "delete_selected", "member"),
    ("admin:debate_sympathyvote_changelist", "delete_selected", "vote"),
]


@pytest.mark.parametrize(("list_name", "action", "target"), ACTIONS)
def test_a_staff_member_who_may_only_view_runs_no_action(
    viewer, targets, list_name, action, target
):
    obj = targets[target]
    listing = viewer.get(reverse(list_name)).content.decode()

    response = viewer.post(
        reverse(list_name),
        {
            "action": action,
            ACTION_CHECKBOX_NAME: [obj.pk],
            "confirm": "yes",
            "post": "yes",
            "reason": "Because I can.",
        },
        follow=True,
    )

    assert response.status_code == HTTPStatus.OK
    assert f'value="{action}"' not in listing
    post, member = targets["post"], targets["member"]
    post.refresh_from_db()
    member.refresh_from_db()
    assert (post.status, post.report_count) == (PostStatus.PUBLISHED, 1)
    assert member.suspended_at is None
    assert SympathyVote.objects.filter(pk=targets["vote"].pk).exists()
    assert not ModerationRecord.objects.exists()


def test_every_admin_action_declares_the_permission_it_needs():
    undeclared = [
        f"{model_admin}.{name}"
        for model_admin in admin.site._registry.values()
        for function, name, _ in model_admin._get_base_actions()
        if not getattr(function, "allowed_permissions", ())
    ]

    assert undeclared == []


def test_staff_who_may_only_view_addresses_cannot_mark_them_verified(client, make_member):
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.create(
        user=make_member(display_name="unverified"), email="u@example.com", verified=False
    )
    viewer = make_member(display_name="onlooker", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_emailaddress"))
    client.force_login(viewer)

    client.post(
        reverse("admin:account_emailaddress_changelist"),
        {"action": "make_verified", ACTION_CHECKBOX_NAME: [address.pk]},
    )

    address.refresh_from_db()
    assert not address.verified
