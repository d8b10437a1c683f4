"""SITE_URL: the one origin for links that leave the page (debate/siteurl.py)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.urls import reverse

from debate.siteurl import absolute_url, on_site, site_domain


@pytest.fixture(autouse=True)
def _configured_origin(settings):
    settings.SITE_URL = "https://both-sides.example"


def test_absolute_url_puts_a_path_on_the_configured_origin():
    assert absolute_url(reverse("account_signup")) == "https://both-sides.example/accounts/signup/"


@pytest.mark.parametrize("path", ["accounts/", "//evil.example/", "https://evil.example/"])
def test_absolute_url_refuses_anything_but_a_path(path):
    with pytest.raises(ValueError, match="one slash"):
        absolute_url(path)


def test_site_domain_keeps_the_port(settings):
    settings.SITE_URL = "http://127.0.0.1:8400"

    assert site_domain() == "127.0.0.1:8400"


@pytest.mark.parametrize(
    ("url", "inside"),
    [
        ("https://both-sides.example/members/ada/", True),
        ("https://both-sides.example", True),
        ("https://both-sides.example.evil/", False),
        ("https://both-sides.example:1337/", False),
        ("http://both-sides.example/", False),
    ],
)
def test_on_site_means_the_same_scheme_host_and_port(url, inside):
    assert on_site(url) is inside


@pytest.mark.django_db(transaction=True)
def test_migrate_keeps_the_sites_framework_on_the_configured_domain(moderator_client, member):
    Site.objects.filter(pk=1).update(domain="example.com", name="example.com")

    call_command("migrate", verbosity=0)

    site = Site.objects.get_current()
    assert (site.domain, site.name) == ("both-sides.example", "Both Sides")
    # So the admin's "View on site", which reads the sites framework, leads to the real site.
    content_type = ContentType.objects.get_for_model(member)
    response = moderator_client.get(
        reverse("admin:view_on_site", args=[content_type.pk, member.pk])
    )
    assert response["Location"].endswith("://both-sides.example/members/ada/")


def test_a_site_url_on_a_host_the_site_does_not_answer_is_a_warning(settings):
    from debate.siteurl import check_site_url_is_allowed

    settings.ALLOWED_HOSTS = ["www.both-sides.example"]

    (warning,) = check_site_url_is_allowed()

    assert warning.id == "debate.W001"
    assert "'both-sides.example' is not in ALLOWED_HOSTS" in warning.msg


@pytest.mark.parametrize("allowed", [["both-sides.example"], [".both-sides.example"], ["*"]])
def test_a_site_url_on_an_allowed_host_is_fine(settings, allowed):
    from debate.siteurl import check_site_url_is_allowed

    settings.ALLOWED_HOSTS = allowed

    assert check_site_url_is_allowed() == []
