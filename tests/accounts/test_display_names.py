"""Display names that imitate the site, its team or another member are refused.

A name's skeleton (accounts.models.skeleton) is what is left once case, the separators - _ .
and spaces are set aside and 0 is read as o, 1 as l. A name is refused when its skeleton is a
reserved word's or another member's, or when one of its parts is a role word.
"""

from http import HTTPStatus
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts.models import (
    User,
    display_name_validator,
    skeleton,
    skeleton_sql,
    validate_display_name_not_reserved,
)

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

IMITATIONS = ["both_sides", "Both.Sides", "moderator-team", "deleted_member", "deleted.member"]


def refused_as_an_imitation(response) -> bool:
    html = response.content.decode()
    return "That name is reserved" in html or "could pass for someone who runs the site" in html


def signup(client, display_name, email="new@example.com"):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "display_name": display_name,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def settings_change(client, display_name, bio=""):
    return client.post(reverse("accounts:settings"), {"display_name": display_name, "bio": bio})


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Both.Sides", "bothsides"),
        ("deleted_member", "deletedmember"),
        ("B0b-1ee", "boblee"),
        ("a_b-c.d", "abcd"),
    ],
)
def test_the_skeleton_sets_case_separators_and_lookalike_digits_aside(name, expected):
    assert skeleton(name) == expected


@pytest.mark.parametrize("name", ["Both.Sides", "deleted_member", "B0b-1ee", "x_Y.z-01"])
def test_the_database_computes_the_same_skeleton(make_member, name):
    make_member(display_name=name)

    stored = User.objects.annotate(folded=skeleton_sql()).get(display_name=name).folded

    assert stored == skeleton(name)


# --- Reserved words and role words ----------------------------------------------------------


@pytest.mark.parametrize("name", [*IMITATIONS, "both-sides", "bothsides", "B0th_Sides"])
def test_sign_up_refuses_names_that_imitate_the_site(client, optional_verification, name):
    response = signup(client, name)

    assert response.status_code == HTTPStatus.OK
    assert refused_as_an_imitation(response)
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["moderator-team", "the.admin", "Support_Desk", "official-news", "system.bot", "m0d_squad"],
)
def test_a_role_word_as_a_part_of_the_name_is_refused(client, optional_verification, name):
    response = signup(client, name)

    assert "could pass for someone who runs the site" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize("name", ["staffordshire", "badminton", "modern", "Systematic"])
def test_a_role_word_inside_a_longer_word_is_fine(client, optional_verification, name):
    response = signup(client, name)

    assert response.status_code == HTTPStatus.FOUND
    assert User.objects.get().display_name == name


@pytest.mark.parametrize("name", IMITATIONS)
def test_settings_refuse_a_change_to_a_name_that_imitates_the_site(client, make_member, name):
    client.force_login(make_member(display_name="ada"))

    response = settings_change(client, name)

    assert response.status_code == HTTPStatus.OK
    assert refused_as_an_imitation(response)
    assert User.objects.filter(display_name="ada").exists()


@pytest.mark.parametrize("name", IMITATIONS)
def test_the_model_refuses_them_wherever_it_is_saved_from(make_member, name):
    member = make_member(display_name="ada")
    member.display_name = name

    with pytest.raises(ValidationError) as refused:
        member.full_clean()

    assert "display_name" in refused.value.message_dict


# --- Another member's name -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["Ada_L", "ada-l", "ADAL", "ada.1"])
def test_a_name_that_looks_like_another_members_is_refused(
    client, make_member, optional_verification, name
):
    make_member(display_name="ada.l")

    response = signup(client, name)

    assert "looks too much like “ada.l”" in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


def test_zero_reads_as_o_and_one_as_l(client, make_member, optional_verification):
    make_member(display_name="bob-lee")

    response = signup(client, "B0b_1ee")

    assert "looks too much like “bob-lee”" in response.content.decode()


def test_the_same_name_in_another_case_is_still_simply_taken(
    client, make_member, optional_verification
):
    make_member(display_name="Grace")

    response = signup(client, "gRACE")

    assert "That display name is taken" in response.content.decode()


def test_a_member_may_recase_or_repunctuate_their_own_name(client, make_member):
    member = make_member(display_name="ada.l")
    client.force_login(member)

    response = settings_change(client, "Ada_L")

    assert response.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert member.display_name == "Ada_L"


@pytest.mark.parametrize("name", ["Ada_L", "b0b"])
def test_the_database_refuses_two_members_with_one_skeleton(make_member, name):
    make_member(display_name={"Ada_L": "ada.l", "b0b": "bob"}[name])

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="other@example.com", display_name=name)


def test_a_lookalike_taken_between_check_and_save_still_signs_up_with_a_free_name(
    client, make_member, optional_verification, monkeypatch
):
    monkeypatch.setattr("accounts.forms.display_name_clean", lambda value, **kwargs: value)
    make_member(display_name="grace", email="first@example.com")

    response = signup(client, "Gr.ace", email="second@example.com")

    assert response.status_code == HTTPStatus.FOUND
    assert User.objects.get(email="second@example.com").display_name == "Gr.ace-2"


# --- The name sign-up derives from an email address -----------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "both_sides@example.com",
        "Both.Sides@example.com",
        "moderator-team@example.com",
        "deleted_member@example.com",
        "deleted.member@example.com",
        "admin@example.com",
        "m0d@example.com",
    ],
)
def test_the_derived_name_obeys_the_rule(client, optional_verification, email):
    signup(client, "", email=email)

    name = User.objects.get(email=email.lower()).display_name
    display_name_validator(name)
    validate_display_name_not_reserved(name)
    assert skeleton(name) != skeleton(email.split("@")[0])


def test_the_derived_name_avoids_a_lookalike_of_another_members(
    client, make_member, optional_verification
):
    make_member(display_name="ada-l")

    signup(client, "", email="ada.l@example.com")

    assert User.objects.get(email="ada.l@example.com").display_name == "ada.l-2"


# --- Names members already have ------------------------------------------------------------


@pytest.fixture
def legacy_member(make_member):
    """A member who chose "both_sides" before the rule refused it (written past validation)."""
    member = make_member(display_name="ada")
    User.objects.filter(pk=member.pk).update(display_name="both_sides")
    member.refresh_from_db()
    return member


def test_a_legacy_name_is_kept_when_other_settings_are_saved(client, legacy_member):
    client.force_login(legacy_member)

    response = settings_change(client, "both_sides", bio="Now with a bio.")

    assert response.status_code == HTTPStatus.FOUND
    legacy_member.refresh_from_db()
    assert (legacy_member.display_name, legacy_member.bio) == ("both_sides", "Now with a bio.")


def test_a_legacy_name_changed_obeys_the_rule(client, legacy_member):
    client.force_login(legacy_member)

    response = settings_change(client, "Both_Sides")

    assert "That name is reserved" in response.content.decode()
    legacy_member.refresh_from_db()
    assert legacy_member.display_name == "both_sides"


def test_a_moderator_can_save_a_legacy_member_in_the_admin(moderator_client, legacy_member):
    joined = legacy_member.date_joined

    response = moderator_client.post(
        reverse("admin:accounts_user_change", args=[legacy_member.pk]),
        {
            "email": legacy_member.email,
            "display_name": "both_sides",
            "bio": "Edited by a moderator.",
            "is_active": "on",
            "date_joined_0": joined.strftime("%Y-%m-%d"),
            "date_joined_1": joined.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    legacy_member.refresh_from_db()
    assert (legacy_member.display_name, legacy_member.bio) == (
        "both_sides",
        "Edited by a moderator.",
    )


def test_a_legacy_name_still_has_its_profile(client, legacy_member):
    response = client.get(reverse("accounts:profile", args=["both_sides"]))

    assert response.status_code == HTTPStatus.OK


# --- The migration that brings in the database's rule -----------------------------------------

BEFORE = [("accounts", "0003_display_name_at_least_three_characters")]


@pytest.fixture
def before_the_rule():
    """The database as it was before the lookalike rule, with its model to add members, and a
    way to run the rest of the migrations; it is brought back to the latest afterwards."""
    executor = MigrationExecutor(connection)
    # Every app's latest: going back unapplies the other apps' migrations that depend on these.
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    member_model = executor.loader.project_state(BEFORE[0]).apps.get_model("accounts", "User")

    def add(email, display_name):
        member_model.objects.create(email=email, display_name=display_name, password="!")

    def migrate_to_latest():
        MigrationExecutor(connection).migrate(latest)

    yield SimpleNamespace(add=add, migrate_to_latest=migrate_to_latest)
    member_model.objects.all().delete()
    migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_the_migration_stops_with_a_list_of_lookalike_names(before_the_rule):
    for n, name in enumerate(["both_sides", "Both.Sides", "bill", "bi11", "ada"]):
        before_the_rule.add(f"m{n}@example.com", name)

    with pytest.raises(CommandError) as stopped:
        before_the_rule.migrate_to_latest()

    message = str(stopped.value)
    assert "'both_sides' (id " in message
    assert "'Both.Sides' (id " in message
    assert "'bill' (id " in message
    assert "'bi11' (id " in message
    assert "'ada'" not in message
    assert "Nothing was changed." in message


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_names_the_new_words_refuse(before_the_rule):
    before_the_rule.add("m@example.com", "moderator-team")

    before_the_rule.migrate_to_latest()

    assert User.objects.get(email="m@example.com").display_name == "moderator-team"
