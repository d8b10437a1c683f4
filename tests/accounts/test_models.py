"""Rules the member model itself holds, whichever form (or the admin) saves it."""

import pytest
from django.core.exceptions import ValidationError

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
