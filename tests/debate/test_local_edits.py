"""Articles and positions edited in the admin are marked as edited locally; imports keep them
unless told to overwrite; evidence must still occur verbatim in the article."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from debate.models import Article, Position

pytestmark = pytest.mark.django_db

SLUG = "a-fine-debate"
BODY = "One side says yes. The other side says no."


def feed(**overrides) -> dict:
    return {"slug": SLUG, "title": "A fine debate", "body_md": BODY, **overrides}


def debate(yes_evidence=("One side says yes.",), yes_claim="Yes.") -> dict:
    return {
        "article": SLUG,
        "positions": [
            {"slug": "yes", "label": "The yes side", "claim": yes_claim,
             "evidence": list(yes_evidence)},
            {"slug": "no", "label": "The no side", "claim": "No.",
             "evidence": ["The other side says no."]},
        ],
    }  # fmt: skip


def files(folder: Path, article: dict, positions: dict | None = None) -> Path:
    (folder / f"{SLUG}.json").write_text(json.dumps(article), encoding="utf-8")
    if positions is not None:
        (folder / f"{SLUG}.debate.json").write_text(json.dumps(positions), encoding="utf-8")
    return folder


def run_import(folder, *options) -> str:
    out = StringIO()
    call_command("import_seed", str(folder), *options, stdout=out, stderr=StringIO())
    return out.getvalue()


def admin_form(article: Article, **changes) -> dict:
    """The article's admin change form as a browser posts it, with `changes` applied
    (`positions` replaces the inline's rows: a list of dicts of their fields)."""
    positions = changes.pop("positions", None)
    data = {
        "slug": article.slug, "title": article.title, "summary": article.summary,
        "body_md": article.body_md, "source_url": "", "canonical_url": "",
        "published_at_0": "", "published_at_1": "", "source_updated_at_0": "",
        "source_updated_at_1": "", "lang": article.lang, "entities": "[]", "alternates": "{}",
        # Fields with a callable default come with their initial value in a hidden input.
        "initial-entities": "[]", "initial-alternates": "{}",
        **changes,
    }  # fmt: skip
    rows = positions if positions is not None else [
        {"id": p.pk, "order": p.order, "slug": p.slug, "label": p.label, "claim": p.claim,
         "summary": p.summary, "evidence": p.evidence}
        for p in article.positions.all()
    ]  # fmt: skip
    existing = article.positions.count()
    data.update({
        "positions-TOTAL_FORMS": str(len(rows)), "positions-INITIAL_FORMS": str(existing),
        "positions-MIN_NUM_FORMS": "0", "positions-MAX_NUM_FORMS": "1000",
    })  # fmt: skip
    stored = {p.pk: p.evidence for p in article.positions.all()}
    for n, row in enumerate(rows):
        for name, value in row.items():
            key = f"positions-{n}-{name}"
            data[key] = (
                json.dumps(value) if name == "evidence" else ("" if value is None else value)
            )
        data[f"positions-{n}-article"] = article.pk
        data[f"initial-positions-{n}-evidence"] = json.dumps(stored.get(row.get("id"), []))
    return data


@pytest.fixture
def imported(tmp_path):
    run_import(files(tmp_path, feed(), debate()))
    return Article.objects.get(slug=SLUG)


def edit_in_admin(client, article, **changes):
    return client.post(
        reverse("admin:debate_article_change", args=[article.pk]), admin_form(article, **changes)
    )


# Marking -----------------------------------------------------------------------------------


def test_an_article_saved_in_the_admin_is_marked_as_edited_locally(moderating_client, imported):
    response = edit_in_admin(moderating_client, imported, title="A finer debate")

    assert response.status_code == 302, response.content.decode()[:2000]
    imported.refresh_from_db()
    assert imported.title == "A finer debate"
    assert imported.edited_locally_at is not None
    assert not imported.positions.filter(edited_locally_at__isnull=False).exists()


def test_a_position_saved_in_the_admin_is_marked_and_the_article_is_not(
    moderating_client, imported
):
    rows = [
        {"id": p.pk, "order": p.order, "slug": p.slug, "label": p.label,
         "claim": "Yes, plainly." if p.slug == "yes" else p.claim, "summary": p.summary,
         "evidence": p.evidence}
        for p in imported.positions.all()
    ]  # fmt: skip

    response = edit_in_admin(moderating_client, imported, positions=rows)

    assert response.status_code == 302
    yes, no = imported.positions.order_by("order")
    assert yes.claim == "Yes, plainly."
    assert yes.edited_locally_at is not None
    assert no.edited_locally_at is None
    imported.refresh_from_db()
    assert imported.edited_locally_at is None


def test_saving_without_a_change_marks_nothing(moderating_client, imported):
    edit_in_admin(moderating_client, imported)

    imported.refresh_from_db()
    assert imported.edited_locally_at is None


def test_evidence_edited_in_the_admin_must_occur_verbatim_in_the_article(
    moderating_client, imported
):
    rows = [
        {"id": p.pk, "order": p.order, "slug": p.slug, "label": p.label, "claim": p.claim,
         "summary": p.summary,
         "evidence": ["Words nobody wrote."] if p.slug == "yes" else p.evidence}
        for p in imported.positions.all()
    ]  # fmt: skip

    response = edit_in_admin(moderating_client, imported, positions=rows)

    assert response.status_code == 200
    assert "Quote 1 does not occur verbatim in the article." in response.content.decode()
    assert Position.objects.get(slug="yes").evidence == ["One side says yes."]


def test_an_article_edit_that_drops_a_quoted_passage_is_refused(moderating_client, imported):
    response = edit_in_admin(moderating_client, imported, body_md="The other side says no.")

    assert response.status_code == 200
    assert "does not occur verbatim" in response.content.decode()
    imported.refresh_from_db()
    assert imported.body_md == BODY


# Imports respect them ----------------------------------------------------------------------


def test_a_locally_edited_article_survives_a_re_import(moderating_client, imported, tmp_path):
    edit_in_admin(moderating_client, imported, title="Our own title")

    out = run_import(files(tmp_path, feed(title="The feed's new title"), debate()))

    imported.refresh_from_db()
    assert imported.title == "Our own title"
    assert f"{SLUG}: edited locally" in out
    assert "kept the local edit" in out
    assert "--overwrite-local-edits" in out
    assert "1 kept as edited locally" in out


def test_re_importing_an_unchanged_feed_says_nothing_of_the_local_edit(
    moderating_client, imported, tmp_path
):
    edit_in_admin(moderating_client, imported, title="Our own title")

    out = run_import(files(tmp_path, feed(), debate()))

    imported.refresh_from_db()
    assert imported.title == "Our own title"
    assert "0 created, 0 updated, 1 unchanged." in out


def test_overwrite_local_edits_puts_the_feed_back(moderating_client, imported, tmp_path):
    edit_in_admin(moderating_client, imported, title="Our own title")

    run_import(files(tmp_path, feed(), debate()), "--overwrite-local-edits")

    imported.refresh_from_db()
    assert imported.title == "A fine debate"
    assert imported.edited_locally_at is None


def test_a_locally_edited_position_is_kept_while_the_article_updates(
    moderating_client, imported, tmp_path
):
    yes = imported.positions.get(slug="yes")
    Position.objects.filter(pk=yes.pk).update(claim="Our yes.")
    from debate.services import local_edits_mark

    local_edits_mark(positions=[yes])

    out = run_import(files(tmp_path, feed(title="Retitled"), debate(yes_claim="Feed's yes.")))

    imported.refresh_from_db()
    assert imported.title == "Retitled"
    assert imported.positions.get(slug="yes").claim == "Our yes."
    assert "position 'yes' edited locally" in out


def test_a_kept_position_whose_evidence_left_the_article_stops_the_import(imported, tmp_path):
    from debate.services import local_edits_mark

    local_edits_mark(positions=[imported.positions.get(slug="yes")])
    new_body = "Both sides now say something else entirely. The other side says no."

    with pytest.raises(CommandError, match="1 problem found"):
        call_command(
            "import_seed", str(files(tmp_path, feed(body_md=new_body), debate(yes_evidence=[
                "The other side says no."]))), stdout=StringIO(), stderr=(err := StringIO()),
        )  # fmt: skip

    assert "position 'yes' was edited locally, and its evidence (quote 1)" in err.getvalue()
    imported.refresh_from_db()
    assert imported.body_md == BODY  # nothing written
