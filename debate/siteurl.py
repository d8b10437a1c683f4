"""The site's one public origin, SITE_URL, for every link that leaves the page.

A request's Host header is whatever the client sent (ALLOWED_HOSTS checks the name, not the
port), so anything that outlives the request — a link in a mail, a notification, a digest —
is built here from configuration instead:

    absolute_url(reverse("account_signup"))      # "https://both-sides.example/accounts/signup/"
    absolute_url(article.get_absolute_url())

The sites framework's Site (SITE_ID) is kept in step by `site_sync` after every `migrate`, so
Django's own "view on site" links agree; nothing reads the domain from it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning as CheckWarning
from django.http.request import validate_host


def site_origin() -> str:
    """`scheme://host[:port]`, without a trailing slash."""
    return settings.SITE_URL


def site_domain() -> str:
    """The host (and port, if any) of SITE_URL: what mail names the site by."""
    return urlsplit(settings.SITE_URL).netloc


def absolute_url(path: str) -> str:
    """`path`, as `reverse()` or `get_absolute_url()` give it, on the configured origin."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"absolute_url() takes a path starting with one slash, not {path!r}")
    return f"{settings.SITE_URL}{path}"


def on_site(url: str) -> bool:
    """Whether an absolute URL points into this site (same scheme, host and port)."""
    return url == settings.SITE_URL or url.startswith(f"{settings.SITE_URL}/")


def site_sync(*, using: str = "default", **kwargs) -> None:
    """Give the sites framework's current Site SITE_URL's domain and the site's name.

    Connected to `post_migrate` (see `debate.apps`), like the sites framework's own creation
    of the default Site: each `migrate` of a release brings it in line with the environment.
    """
    from django.contrib.sites.models import Site

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": site_domain(), "name": settings.SITE_NAME},
    )
    Site.objects.clear_cache()


def check_site_url_is_allowed(app_configs=None, **kwargs) -> list[CheckWarning]:
    """A system check: links built from SITE_URL must lead to a host the site answers."""
    host = urlsplit(settings.SITE_URL).hostname or ""
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]  # what Django allows then
    if validate_host(host, allowed):
        return []
    return [
        CheckWarning(
            f"SITE_URL's host {host!r} is not in ALLOWED_HOSTS, so links in mail would be "
            "refused with a 400.",
            hint="Add it to ALLOWED_HOSTS, or set SITE_URL to the address members use.",
            id="debate.W001",
        )
    ]
