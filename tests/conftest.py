"""Shared fixtures: members, the seed-shaped article with its positions, and the browser."""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from debate.models import Article, Position, PostKind, PostStatus

# Playwright's sync API runs an event loop in the test thread; Django would refuse ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage of production needs collectstatic; tests render {% static %}.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    from debate.fragments import recent_clear

    cache.clear()
    recent_clear()
    yield
    cache.clear()
    recent_clear()


@pytest.fixture(autouse=True)
def _forget_known_counter_rows():
    # The vote counters remember which rows exist; a flushed test database takes them away.
    from debate import vote_counters

    vote_counters._known_rows.clear()


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture
def make_member(django_user_model):
    counter = iter(range(1, 10_000))

    def make(**fields):
        n = next(counter)
        fields.setdefault("email", f"member{n}@example.com")
        fields.setdefault("display_name", f"member{n}")
        password = fields.pop("password", "a-long-enough-password")
        return django_user_model.objects.create_user(password=password, **fields)

    return make


@pytest.fixture
def member(make_member):
    return make_member(email="ada@example.com", display_name="ada")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def moderator_client(client, make_member):
    client.force_login(make_member(display_name="mod", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def make_moderator(make_member):
    """A member made a moderator as an operator does it: `manage.py grant_moderator EMAIL`."""

    def make(**fields):
        member = make_member(**fields)
        call_command("grant_moderator", member.email, verbosity=0)
        member.refresh_from_db()
        return member

    return make


@pytest.fixture
def moderator(make_moderator):
    """A moderator, not a superuser: what the Moderators group allows and nothing more."""
    return make_moderator(email="hilda@example.com", display_name="hilda")


@pytest.fixture
def moderating_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def article(db) -> Article:
    article = Article.objects.create(
        slug="a-debate",
        title="A debate",
        summary="Two sides disagree.",
        body_md="Side one says *this*. Side two says that.",
    )
    Position.objects.create(
        article=article,
        slug="side-one",
        label="Side one",
        claim="This is so.",
        order=0,
        evidence=["Side one says"],
    )
    Position.objects.create(
        article=article,
        slug="side-two",
        label="Side two",
        claim="That is so.",
        order=1,
        evidence=["Side two says that."],
    )
    return article


@pytest.fixture
def seed_article(db) -> Article:
    call_command("import_seed", str(SEEDS_DIR), verbosity=0)
    return Article.objects.get(slug="sympathy-for-both-sides-of-the-egregious-misalignment-debate")


@pytest.fixture
def make_post(make_member):
    """Posts through the services, so counters stay right: make_post(position=side) for a
    rebuttal, make_post(article=article) for a comment, make_post(parent=post) for a reply.

    Each is dated a little after the previous one, long enough ago that posting limits,
    duplicate checks and edit windows do not get in the way (pass `created_at` to choose).
    """
    from datetime import timedelta

    from django.utils import timezone

    from debate import discussion

    clock = iter(range(1, 1_000_000))
    start = timezone.now() - timedelta(days=60)

    def make(author=None, *, position=None, parent=None, article=None, body=None,
             status=PostStatus.PUBLISHED, created_at=None):  # fmt: skip
        n = next(clock)
        author = author or make_member(password=None)
        if parent is not None:
            target = discussion.Target(parent.article, PostKind.REPLY, parent=parent)
        elif position is not None:
            target = discussion.Target(position.article, PostKind.REBUTTAL, position=position)
        else:
            target = discussion.Target(article, PostKind.COMMENT)
        post = discussion.post_create(
            author=author,
            target=target,
            body_md=body or f"Post number {n}, with enough words to be an argument.",
            now=created_at or start + timedelta(minutes=11 * n),
        )
        if status != PostStatus.PUBLISHED:
            discussion.post_status_change(post, status)
        return post

    return make


# Browser tests: Debian's Chromium driven by pytest-playwright.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def sign_in_browser(client, live_server):
    """Give a Playwright page the session cookie of a member, without going through the form."""

    def sign_in(page, user):
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        page.context.add_cookies(
            [{"name": "sessionid", "value": cookie.value, "url": live_server.url}]
        )
        return page

    return sign_in
