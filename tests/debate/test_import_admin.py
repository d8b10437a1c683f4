"""Importing from the admin: the same checks, report and all-or-nothing as `import_seed`, for
staff with the "import articles" permission, within the request's limits."""

import json
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from debate import import_admin
from debate.models import Article, Position
from debate.services import local_edits_mark

pytestmark = pytest.mark.django_db

SEED = "sympathy-for-both-sides-of-the-egregious-misalignment-debate"
URL = "admin:debate_article_import"


def upload(name: str, content) -> SimpleUploadedFile:
    data = content if isinstance(content, bytes) else json.dumps(content).encode()
    return SimpleUploadedFile(name, data, content_type="application/json")


@pytest.fixture
def importer(client, moderator):
    """A moderator who was also given the import permission."""
    moderator.user_permissions.add(Permission.objects.get(codename="import_articles"))
    client.force_login(moderator)
    return client


@pytest.fixture
def seed_files(seeds_dir):
    return {
        "feed": upload(f"{SEED}.json", (seeds_dir / f"{SEED}.json").read_bytes()),
        "debate": upload(f"{SEED}.debate.json", (seeds_dir / f"{SEED}.debate.json").read_bytes()),
    }


def test_importing_the_seed_from_the_admin_creates_the_article_and_its_sides(importer, seed_files):
    response = importer.post(reverse(URL), seed_files, follow=True)

    article = Article.objects.get(slug=SEED)
    assert [p.slug for p in article.positions.all()] == ["yudkowsky-soares", "llm-researchers"]
    messages = [str(m) for m in response.context["messages"]]
    assert f"{SEED}.json: 1 article (1 created)" in messages
    assert "1 created, 0 updated, 0 unchanged." in messages
    assert response.redirect_chain[-1][0] == reverse("admin:debate_article_changelist")


def test_a_bad_file_is_refused_line_by_line_and_nothing_is_written(importer):
    bad = [
        {"slug": "fine-one", "title": "Fine", "body_md": "Text."},
        {"slug": "Not A Slug", "title": "", "body_md": "Text."},
    ]

    response = importer.post(reverse(URL), {"feed": upload("feed.json", bad)})

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "<li>feed.json: record 2: field &#x27;slug&#x27;: must be lowercase" in html
    assert "<li>feed.json: record 2: field &#x27;title&#x27;: must not be blank</li>" in html
    assert "2 problems found; nothing was imported." in html
    assert not Article.objects.exists()


def test_evidence_that_is_not_in_the_article_refuses_the_whole_upload(importer, seed_files):
    debate = json.loads(seed_files["debate"].read())
    debate["positions"][0]["evidence"] = ["A sentence the article never says."]

    response = importer.post(
        reverse(URL), {"feed": seed_files["feed"], "debate": upload("d.json", debate)}
    )

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "quote 1 does not occur verbatim in the article" in response.content.decode()
    assert not Article.objects.exists()


def test_a_debate_file_for_another_article_is_refused(importer, seed_files):
    debate = json.loads(seed_files["debate"].read())
    debate["article"] = "some-other-article"

    response = importer.post(
        reverse(URL), {"feed": seed_files["feed"], "debate": upload("d.json", debate)}
    )

    assert "names &#x27;some-other-article&#x27;" in response.content.decode()
    assert not Article.objects.exists()


def test_a_file_over_the_admins_limit_points_to_the_command(importer, monkeypatch):
    monkeypatch.setattr(import_admin, "ADMIN_IMPORT_MAX_BYTES", 100)

    response = importer.post(reverse(URL), {"feed": upload("big.json", b"[" + b" " * 200 + b"]")})

    html = response.content.decode()
    assert "big.json is 202 bytes; the admin takes files up to 100 bytes." in html
    assert "manage.py import_seed" in html
    assert not Article.objects.exists()


def test_check_only_writes_nothing_and_shows_the_report(importer, seed_files):
    response = importer.post(reverse(URL), {**seed_files, "dry_run": "on"})

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Dry run: 1 would be created, 0 would be updated, 0 unchanged." in html
    assert not Article.objects.exists()


def test_the_admin_import_keeps_local_edits_unless_told_to_overwrite(
    importer, seed_files, seed_article, seeds_dir
):
    Article.objects.filter(pk=seed_article.pk).update(title="Our title", content_hash="old")
    local_edits_mark(article=seed_article)

    kept = importer.post(reverse(URL), seed_files, follow=True)
    seed_files["feed"].seek(0)
    seed_files["debate"].seek(0)
    importer.post(reverse(URL), {**seed_files, "overwrite_local_edits": "on"})

    assert any("kept the local edit" in str(m) for m in kept.context["messages"])
    seed_article.refresh_from_db()
    assert seed_article.title.startswith("Sympathy for both sides")
    assert seed_article.edited_locally_at is None


def test_staff_without_the_import_permission_get_403_and_no_link(moderating_client):
    page = moderating_client.get(reverse(URL))
    listing = moderating_client.get(reverse("admin:debate_article_changelist"))

    assert page.status_code == HTTPStatus.FORBIDDEN
    assert reverse(URL) not in listing.content.decode()


def test_the_article_list_links_to_the_import_for_those_who_may(importer):
    listing = importer.get(reverse("admin:debate_article_changelist"))

    assert reverse(URL) in listing.content.decode()
    assert not Position.objects.exists()
