"""Hostile input through every field a member writes, the article page's query count at scale,
and the admin's status actions going through the service with their permission declared."""

import html
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from debate import discussion
from debate.models import Post, PostCount, PostStatus, Report, ReportReason
from debate.recount import recount

pytestmark = pytest.mark.django_db

HOSTILE = """<script>alert(1)</script>
<img src=x onerror=alert(2)>
[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==)
<div hx-get="/admin/" hx-trigger="load" data-hx-post="/x">swap</div>
<a href="/x" onclick="alert(5)" hx-post="/vote/">link</a>
**unclosed <em>nesting *here
<iframe src="https://evil.example/"></iframe> <style>body{display:none}</style>
"""
HOSTILE_NAME = "<img src=x onerror=alert(6)>"
SITE_HTMX = {"hx-get", "hx-post", "hx-target", "hx-swap", "hx-swap-oob", "hx-disable",
             "hx-headers", "hx-trigger", "hx-include", "hx-select", "hx-push-url"}  # fmt: skip


class Dangers(HTMLParser):
    """Everything in a page that could run: tags, handlers, schemes, foreign htmx."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in {"img", "iframe", "style", "object", "embed"}:
            self.found.append(tag)
        for name, value in attrs:
            value = value or ""
            if tag == "script" and name == "src" and value.startswith("/static/"):
                continue
            if (
                name.startswith("on")
                or name.startswith("data-hx")
                or (name.startswith("hx-") and name not in SITE_HTMX)
            ):
                self.found.append(f"{tag} {name}")
            if name.startswith("hx-") and ("/admin/" in value or value == "load"):
                self.found.append(f"{tag} {name}={value}")
            if name in {"href", "src"} and value.strip().lower().startswith(
                ("javascript:", "data:")
            ):
                self.found.append(f"{tag} {name}={value}")
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/"):
            self.found.append("inline script")


def dangers(html: str) -> list[str]:
    parser = Dangers()
    parser.feed(html)
    return parser.found


@pytest.fixture(autouse=True)
def _render_every_request(settings):
    settings.ANONYMOUS_CACHE_SECONDS = 0


@pytest.fixture
def hostile_discussion(make_member, make_post, article, side_one):
    villain = make_member(email="villain@example.com")
    # The display-name rule is the form's; the pages must hold even if a name slipped past it.
    type(villain).objects.filter(pk=villain.pk).update(display_name=HOSTILE_NAME)
    villain.refresh_from_db()
    rebuttal = make_post(villain, position=side_one, body=HOSTILE + " rebuttal")
    make_post(villain, parent=rebuttal, body=HOSTILE + " reply")
    make_post(villain, article=article, body=HOSTILE + " comment")
    discussion.report_file(
        rebuttal, reporter=make_member(), reason=ReportReason.OTHER, note=HOSTILE
    )
    return villain


@pytest.mark.parametrize("page", ["article", "profile", "permalink", "feed"])
def test_hostile_markdown_and_name_come_out_inert(client, hostile_discussion, article, page):
    rebuttal = Post.objects.filter(author=hostile_discussion, kind="rebuttal").get()
    Post.objects.update(created_at=timezone.now() - timedelta(hours=1))
    url = {
        "article": article.get_absolute_url(),
        "profile": reverse("accounts:profile", args=[HOSTILE_NAME]),
        "feed": reverse("debate:article_feed", args=[article.slug]),
        "permalink": reverse("debate:post_detail", args=[rebuttal.pk]),
    }[page]

    content = client.get(url).content.decode()

    if page == "feed":
        # The feed carries each item's HTML as escaped text: what a reader would render.
        content = "".join(
            html.unescape(part)
            for part in re.findall(r"<summary[^>]*>(.*?)</summary>", content, re.S)
        )
    assert "swap" in content  # the hostile text is there, as text
    assert dangers(content) == []


def test_the_admin_shows_a_report_note_as_text(client, hostile_discussion, make_member):
    client.force_login(make_member(is_staff=True, is_superuser=True))

    report = Report.objects.get()
    html = client.get(reverse("admin:debate_report_change", args=[report.pk])).content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


# Queries at scale --------------------------------------------------------------------------


def fill(make_post, make_member, article, positions, n):
    reporter = make_member(password=None)
    for i in range(n):
        rebuttal = make_post(position=positions[i % 2])
        reply = make_post(parent=rebuttal)
        make_post(article=article)
        discussion.report_file(reply, reporter=reporter, reason=ReportReason.SPAM)


@pytest.mark.parametrize("n", [1, 200])
def test_visitor_page_queries_stay_constant_with_many_posts(
    client, make_post, make_member, article, positions, n, django_assert_max_num_queries
):
    fill(make_post, make_member, article, positions, n)

    with django_assert_max_num_queries(8):
        response = client.get(article.get_absolute_url())

    shown = 1 if n == 1 else 2 * 20  # the first page of each side
    assert response.content.decode().count('class="post post--rebuttal') == shown


@pytest.mark.parametrize("n", [1, 200])
def test_member_page_queries_stay_constant_with_many_posts(
    client, make_post, make_member, article, positions, n, django_assert_max_num_queries
):
    fill(make_post, make_member, article, positions, n)
    client.force_login(make_member(password=None))

    with django_assert_max_num_queries(12):
        client.get(article.get_absolute_url())


def test_permalink_queries_do_not_grow_with_the_thread(
    client, make_post, side_one, django_assert_max_num_queries
):
    root = make_post(position=side_one)
    for _ in range(50):
        make_post(parent=root)

    with django_assert_max_num_queries(6):
        client.get(reverse("debate:post_detail", args=[root.pk]))


# The admin ---------------------------------------------------------------------------------


def test_admin_hide_goes_through_the_service_and_keeps_counts(
    client, make_post, make_member, article, side_one
):
    post = make_post(position=side_one)
    client.force_login(make_member(is_staff=True, is_superuser=True))

    client.post(
        reverse("admin:debate_post_changelist"),
        {"action": "hide", ACTION_CHECKBOX_NAME: [post.pk], "confirm": "yes", "reason": "Spam."},
    )

    post.refresh_from_db()
    assert post.status == PostStatus.HIDDEN
    assert PostCount.objects.get(position=side_one).published == 0
    assert recount(type(article).objects.all(), repair=False) == []


def test_admin_publish_leaves_author_deleted_posts_alone(client, make_post, make_member, side_one):
    post = make_post(position=side_one, status=PostStatus.DELETED)
    client.force_login(make_member(is_staff=True, is_superuser=True))

    client.post(
        reverse("admin:debate_post_changelist"),
        {"action": "publish", ACTION_CHECKBOX_NAME: [post.pk], "confirm": "yes", "reason": "Ok."},
    )

    post.refresh_from_db()
    assert post.status == PostStatus.DELETED


@pytest.mark.parametrize("action", ["publish", "hide", "remove"])
def test_staff_with_only_view_permission_run_no_status_action(
    client, make_post, make_member, side_one, action
):
    post = make_post(
        position=side_one, status=PostStatus.HELD if action == "publish" else PostStatus.PUBLISHED
    )
    viewer = make_member(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_post"))
    client.force_login(viewer)
    before = Post.objects.get(pk=post.pk).status

    client.post(
        reverse("admin:debate_post_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [post.pk]},
    )

    assert Post.objects.get(pk=post.pk).status == before


def test_the_admin_list_links_each_post_to_its_permalink(client, make_post, make_member, side_one):
    post = make_post(position=side_one)
    client.force_login(make_member(is_staff=True, is_superuser=True))

    html = client.get(reverse("admin:debate_post_change", args=[post.pk])).content.decode()

    assert f'href="/posts/{post.pk}/#post-{post.pk}"' in html
