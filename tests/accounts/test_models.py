"""Rules the member model itself holds, whichever form (or the admin) saves it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["a", "ab", "-abc", "abc-", "has space"])
def test_display_name_outside_the_rule_is_refused(make_member, name):
    member = make_member()
    member.display_name = name

    with pytest.raises(ValidationError) as excinfo:
        member.full_clean()
    member.save()

    assert type(member).objects.filter(display_name=name).exists()

    assert "display_name" in excinfo.value.message_dict


@pytest.mark.parametrize("name", ["ada", "Ada.L", "a_b-c", "x" * 30])
def test_display_name_within_the_rule_is_accepted(make_member, name):
    member = make_member()
    member.display_name = name

    member.full_clean()
    member.save()

    assert type(member).objects.filter(display_name=name).exists()


def test_a_member_read_by_primary_key_is_the_member_the_orm_reads(member):
    member.suspension_reason = "Testing the read"
    member.suspended_until = timezone.now()
    member.save()

    read = User.objects.get(pk=member.pk)
    through_the_orm = User.objects.filter(pk=member.pk).get()

    fields = [field.attname for field in User._meta.concrete_fields]
    assert [getattr(read, name) for name in fields] == [
        getattr(through_the_orm, name) for name in fields
    ]
    assert read._state.adding is False


def test_a_member_read_by_primary_key_takes_it_as_text_too(member):
    assert User.objects.get(pk=str(member.pk)) == member


def test_reading_an_unknown_primary_key_raises_does_not_exist(member):
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=member.pk + 1000)


def test_other_lookups_read_through_the_orm(member):
    assert User.objects.get(email=member.email) == member
    assert User.objects.get(pk=member.pk, is_active=True) == member


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL's")
def test_a_signed_in_member_is_read_by_a_statement_prepared_on_the_server(member_client, member):
    member_client.get("/")

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ['%FROM "accounts_user" WHERE "id" = $1%'])  # fmt: skip
        (prepared,) = cursor.fetchone()
    assert prepared == 1
