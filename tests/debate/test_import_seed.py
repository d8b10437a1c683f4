"""`manage.py import_seed`: validation with hostile files, all-or-nothing, idempotence."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from debate import feeds
from debate.models import Article, Position, Post, SympathyVote, Topic

pytestmark = pytest.mark.django_db

SEED_SLUG = "sympathy-for-both-sides-of-the-egregious-misalignment-debate"


def record(**overrides):
    base = {
        "slug": "a-fine-debate",
        "title": "A fine debate",
        "summary": "Two sides.",
        "body_md": "One side says yes. The other side says no.",
        "url": "https://news.example.com/a-fine-debate",
        "canonical_source": "https://blog.example.com/a-fine-debate",
        "published_at": "2026-06-12 16:26:12+00:00",
        "updated_at": "2026-06-12 16:57:59.951613+00:00",
        "lang": "en",
        "topics": ["ai-safety"],
        "entities": ["Someone"],
        "alternates": {"html": "https://news.example.com/a-fine-debate"},
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not ...}


def debate_for(slug="a-fine-debate", **overrides):
    data = {
        "article": slug,
        "positions": [
            {
                "slug": "yes",
                "label": "The yes side",
                "claim": "Yes.",
                "summary": "They say yes.",
                "evidence": ["One side says yes."],
            },
            {
                "slug": "no",
                "label": "The no side",
                "claim": "No.",
                "summary": "They say no.",
                "evidence": ["The other side says no."],
            },
        ],
    }
    data.update(overrides)
    return data


def write(folder: Path, name: str, content) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    return path


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_seed", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args):
    err = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_seed", *[str(a) for a in args], stdout=StringIO(), stderr=err)
    return err.getvalue(), str(excinfo.value)


# The seed


def test_seed_imports_the_article_with_its_two_positions(seeds_dir):
    out, _ = run(seeds_dir)

    article = Article.objects.get(slug=SEED_SLUG)
    assert article.title == "Sympathy for both sides of the egregious misalignment debate"
    assert [p.slug for p in article.positions.all()] == ["yudkowsky-soares", "llm-researchers"]
    assert "1 created, 0 updated, 0 unchanged." in out


def test_seed_positions_quote_the_article_verbatim(seeds_dir):
    run(seeds_dir)

    article = Article.objects.get(slug=SEED_SLUG)
    for position in article.positions.all():
        assert position.evidence
        for quote in position.evidence:
            assert quote in article.body_md


def test_seed_keeps_the_feed_metadata(seeds_dir):
    run(seeds_dir)

    article = Article.objects.get(slug=SEED_SLUG)
    assert article.published_at.isoformat() == "2026-06-12T16:26:12+00:00"
    assert article.source_updated_at.isoformat() == "2026-06-12T16:57:59.951613+00:00"
    assert article.canonical_url.startswith("https://www.lesswrong.com/posts/DZaZ3fqHnvfLCftPu/")
    assert article.entities == ["Yudkowsky", "Soares"]
    assert article.alternates["markdown"].endswith(".md")
    assert sorted(t.slug for t in article.topics.all()) == [
        "ai-research",
        "ai-safety",
        "artificial-intelligence",
        "large-language-models",
    ]
    assert article.first_imported_at == article.last_imported_at


def test_seed_body_is_rendered_once_and_sanitized(seeds_dir):
    run(seeds_dir)

    article = Article.objects.get(slug=SEED_SLUG)
    assert "<strong>I think BOTH of the following are true:</strong>" in article.body_html
    assert 'rel="nofollow ugc noopener"' in article.body_html


# Idempotence


def test_importing_the_same_files_again_reports_unchanged_and_writes_nothing(seeds_dir):
    run(seeds_dir)
    before = Article.objects.get(slug=SEED_SLUG).last_imported_at

    with CaptureQueriesContext(connection) as queries:
        out, _ = run(seeds_dir)

    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert "0 created, 0 updated, 1 unchanged." in out
    assert Article.objects.get(slug=SEED_SLUG).last_imported_at == before


def test_changed_record_updates_the_article_and_keeps_votes_and_rebuttals(tmp_path, member):
    write(tmp_path, "a.json", record())
    write(tmp_path, "a-fine-debate.debate.json", debate_for())
    run(tmp_path)
    article = Article.objects.get(slug="a-fine-debate")
    yes = article.positions.get(slug="yes")
    SympathyVote.objects.create(member=member, article=article, stance="position", position=yes)
    Post.objects.create(article=yes.article, author=member, position=yes, body_md="Not so.")

    write(
        tmp_path,
        "a.json",
        record(title="A finer debate", body_md="One side says yes. The other side says no. More."),
    )
    out, _ = run(tmp_path)

    article.refresh_from_db()
    assert article.title == "A finer debate"
    assert "More." in article.body_html
    assert article.votes.count() == 1
    assert Post.objects.filter(article=article).count() == 1
    assert "0 created, 1 updated, 0 unchanged." in out


def test_changed_debate_file_updates_positions_in_place(tmp_path):
    write(tmp_path, "a.json", record())
    write(tmp_path, "a-fine-debate.debate.json", debate_for())
    run(tmp_path)
    yes_id = Position.objects.get(slug="yes").pk
    changed = debate_for()
    changed["positions"][0]["claim"] = "Yes, certainly."
    write(tmp_path, "a-fine-debate.debate.json", changed)

    out, _ = run(tmp_path)

    assert Position.objects.get(slug="yes").pk == yes_id
    assert Position.objects.get(slug="yes").claim == "Yes, certainly."
    assert "1 updated" in out


def test_position_dropped_from_debate_file_is_kept_and_reported(tmp_path):
    write(tmp_path, "a.json", record())
    write(tmp_path, "a-fine-debate.debate.json", debate_for())
    run(tmp_path)
    three = debate_for()
    three["positions"][1] = {**three["positions"][1], "slug": "nay"}
    write(tmp_path, "a-fine-debate.debate.json", three)

    out, _ = run(tmp_path)

    assert set(Position.objects.values_list("slug", flat=True)) == {"yes", "no", "nay"}
    assert "position 'no' is not in the debate file; kept it" in out


def test_article_without_debate_file_imports_with_no_positions(tmp_path):
    write(tmp_path, "a.json", record())

    run(tmp_path)

    assert Article.objects.get(slug="a-fine-debate").positions.count() == 0


def test_reimport_without_debate_file_leaves_moderator_positions_alone(tmp_path):
    write(tmp_path, "a.json", record())
    run(tmp_path)
    article = Article.objects.get()
    Position.objects.create(article=article, slug="added", label="Added", claim="By hand.")
    write(tmp_path, "a.json", record(title="Retitled"))

    run(tmp_path)

    assert list(article.positions.values_list("slug", flat=True)) == ["added"]


def test_dry_run_validates_and_writes_nothing(seeds_dir):
    out, _ = run(seeds_dir, "--dry-run")

    assert not Article.objects.exists()
    assert "Dry run: 1 would be created" in out


# Formats


def test_json_array_of_articles_imports_each(tmp_path):
    write(tmp_path, "many.json", [record(slug="first"), record(slug="second")])

    out, _ = run(tmp_path / "many.json")

    assert set(Article.objects.values_list("slug", flat=True)) == {"first", "second"}
    assert "many.json: 2 articles (2 created)" in out


def test_json_lines_import_each_line(tmp_path):
    lines = "\n".join(json.dumps(record(slug=s)) for s in ["first", "second", "third"])
    write(tmp_path, "feed.txt", lines + "\n")

    run(tmp_path / "feed.txt")

    assert Article.objects.count() == 3


def test_directory_skips_hidden_files(tmp_path):
    write(tmp_path, "a.json", record())
    write(tmp_path, ".draft.json", "not json at all")

    run(tmp_path)

    assert Article.objects.count() == 1


def test_topics_are_shared_between_articles(tmp_path):
    write(tmp_path, "many.json", [record(slug="first"), record(slug="second")])

    run(tmp_path)

    assert Topic.objects.count() == 1
    assert Topic.objects.get().name == "AI safety"


# Hostile files: each rule, a clear line, nothing written


HOSTILE_RECORDS = [
    (record(slug=...), "slug", "is required"),
    (record(slug="  "), "slug", "must not be blank"),
    (record(slug="Not A Slug"), "slug", "lowercase letters, digits and single dashes"),
    (record(slug="a" * 201), "slug", "the limit is 200"),
    (record(slug=7), "slug", "must be a string"),
    (record(title=""), "title", "must not be blank"),
    (record(title="x" * 301), "title", "the limit is 300"),
    (record(title="two\nlines"), "title", "single line"),
    (record(body_md=...), "body_md", "is required"),
    (record(body_md="   "), "body_md", "must not be blank"),
    (record(summary=["not", "text"]), "summary", "must be a string"),
    (record(url="javascript:alert(1)"), "url", "http or https URL"),
    (record(canonical_source="ftp://example.com/x"), "canonical_source", "http or https URL"),
    (record(url="https://"), "url", "http or https URL"),
    (record(published_at="yesterday"), "published_at", "not an ISO-8601 timestamp"),
    (record(published_at="2026-06-12 16:26:12"), "published_at", "needs a UTC offset"),
    (record(published_at="2026-06-12"), "published_at", "needs a UTC offset"),
    # Valid ISO-8601, but outside what a datetime can hold once moved to UTC: SQLite's adapter
    # overflows, PostgreSQL stores a year that psycopg then cannot read back (every page 500s).
    (record(published_at="0001-01-01T00:00:00+01:00"), "published_at", "out of range"),
    (record(updated_at="9999-12-31T23:59:59-01:00"), "updated_at", "out of range"),
    (
        record(published_at="2026-06-12T10:00:00+00:00", updated_at="2026-06-11T10:00:00+00:00"),
        "updated_at",
        "before published_at",
    ),
    (record(lang="english please"), "lang", "not a language tag"),
    (record(topics="ai-safety"), "topics", "must be a list"),
    (record(topics=[f"t{n}" for n in range(21)]), "topics", "the limit is 20"),
    (record(topics=[""]), "topics", "non-blank string"),
    (record(topics=["!!!"]), "topics", "no letters or digits"),
    (record(entities=[1, 2]), "entities", "non-blank string"),
    (record(entities=["x" * 201]), "entities", "longer than 200"),
    (record(alternates=["https://example.com"]), "alternates", "must be an object"),
    (record(alternates={"html": "javascript:alert(1)"}), "alternates", "http or https URL"),
    (record(alternates={"HTML <b>": "https://example.com"}), "alternates", "short lowercase"),
    (record(body_md="null \x00 byte"), "body_md", "NUL character"),
    # A lone surrogate is valid JSON ("\\ud800") but not UTF-8: no database can store it.
    (record(title="lone \ud800 surrogate"), "title", "lone surrogate"),
    (record(body_md="lone \udfff surrogate"), "body_md", "lone surrogate"),
    (record(entities=["lone \ud800"]), "entities", "lone surrogate"),
    (record(alternates={"html": "https://example.com/\ud800"}), "alternates", "http or https"),
    (record(alternates={"html": "https://example.com/\x00"}), "alternates", "http or https"),
    (record(url="https://exa\tmple.com/"), "url", "http or https URL"),
]


@pytest.mark.parametrize(("data", "field", "message"), HOSTILE_RECORDS)
def test_invalid_record_is_reported_by_file_record_and_field(tmp_path, data, field, message):
    path = write(tmp_path, "bad.json", data)

    err, summary = run_failing(path)

    assert f"bad.json: record 1: field '{field}': " in err
    assert message in err
    assert "nothing was imported" in summary
    assert not Article.objects.exists()


HOSTILE_FILES = [
    ('{"slug": "a", "slug": "b"}', "duplicate key 'slug'"),
    ('{"slug": "a", "n": NaN}', "NaN is not valid JSON"),
    ('{"slug": "a", "n": Infinity}', "Infinity is not valid JSON"),
    ('{"slug": "a"} trailing', "Extra data"),
    ('{"slug": "a",', "invalid JSON at line 1"),
    ("", "is empty"),
    ('"just a string"', "must be a JSON object"),
    ("[1, 2]", "must be a JSON object"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
]


@pytest.mark.parametrize(("content", "message"), HOSTILE_FILES)
def test_malformed_json_is_refused_with_a_clear_line(tmp_path, content, message):
    path = write(tmp_path, "bad.json", content)

    err, _ = run_failing(path)

    assert "bad.json" in err
    assert message in err
    assert not Article.objects.exists()


def test_invalid_utf8_is_refused(tmp_path):
    path = write(tmp_path, "bad.json", b'{"slug": "caf\xe9"}')

    err, _ = run_failing(path)

    assert "bad.json: is not UTF-8 text (invalid byte at offset 13)" in err


def test_oversized_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(feeds, "MAX_FILE_BYTES", 100)
    path = write(tmp_path, "big.json", record(body_md="x" * 200))

    err, _ = run_failing(path)

    assert "big.json: is" in err
    assert "the limit is 100" in err


def test_bad_json_line_is_named_by_line_number(tmp_path):
    content = json.dumps(record(slug="first")) + "\n" + '{"slug": NaN}\n'
    path = write(tmp_path, "feed.jsonl", content)

    err, _ = run_failing(path)

    assert "feed.jsonl: line 2: invalid JSON: NaN is not valid JSON" in err
    assert not Article.objects.exists()


def test_duplicate_slug_across_files_is_refused(tmp_path):
    write(tmp_path, "a.json", record())
    write(tmp_path, "b.json", record())

    err, _ = run_failing(tmp_path)

    assert "b.json: record 1: field 'slug': 'a-fine-debate' also in" in err


def test_missing_path_is_refused(tmp_path):
    err, _ = run_failing(tmp_path / "nowhere.json")

    assert "nowhere.json: does not exist" in err


def test_batch_with_one_bad_file_writes_nothing(tmp_path, seeds_dir):
    write(tmp_path, "good.json", record())
    write(tmp_path, "zzz-bad.json", record(slug="bad", published_at="not a date"))

    run_failing(seeds_dir, tmp_path)

    assert not Article.objects.exists()
    assert not Topic.objects.exists()


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    write(tmp_path, "bad.json", [record(slug="Bad Slug"), record(slug="ok", title="")])

    err, summary = run_failing(tmp_path)

    assert "record 1: field 'slug'" in err
    assert "record 2: field 'title'" in err
    assert summary.startswith("2 problems found")


HOSTILE_DEBATES = [
    (debate_for(positions="both"), "field 'positions': must be a list"),
    (debate_for(positions=debate_for()["positions"][:1]), "a debate has 2 to 6"),
    (debate_for(article="another-debate"), "names 'another-debate'"),
]


@pytest.mark.parametrize(("debate", "message"), HOSTILE_DEBATES)
def test_invalid_debate_file_rejects_the_pair(tmp_path, debate, message):
    write(tmp_path, "a.json", record())
    write(tmp_path, "a-fine-debate.debate.json", debate)

    err, _ = run_failing(tmp_path)

    assert "a-fine-debate.debate.json" in err
    assert message in err
    assert not Article.objects.exists()


def test_evidence_not_in_the_article_rejects_the_pair(tmp_path):
    debate = debate_for()
    debate["positions"][0]["evidence"] = ["Words the author never wrote."]
    write(tmp_path, "a.json", record())
    write(tmp_path, "a-fine-debate.debate.json", debate)

    err, _ = run_failing(tmp_path)

    assert "position 1: field 'evidence': quote 1 does not occur verbatim" in err
    assert not Article.objects.exists()


def test_duplicate_position_slug_rejects_the_pair(tmp_path):
    debate = debate_for()
    debate["positions"][1]["slug"] = "yes"
    write(tmp_path, "a.json", record())
    write(tmp_path, "a-fine-debate.debate.json", debate)

    err, _ = run_failing(tmp_path)

    assert "position 2: field 'slug': 'yes' is used by an earlier position" in err


def test_position_named_like_the_both_vote_rejects_the_pair(tmp_path):
    debate = debate_for()
    debate["positions"][1]["slug"] = "both"
    write(tmp_path, "a.json", record())
    write(tmp_path, "a-fine-debate.debate.json", debate)

    err, _ = run_failing(tmp_path)

    assert "position 2: field 'slug': 'both' is reserved for the “both equally” vote" in err


def test_position_missing_claim_rejects_the_pair(tmp_path):
    debate = debate_for()
    del debate["positions"][0]["claim"]
    write(tmp_path, "a.json", record())
    write(tmp_path, "a-fine-debate.debate.json", debate)

    err, _ = run_failing(tmp_path)

    assert "position 1: field 'claim': is required" in err


def test_debate_file_given_as_path_is_refused(tmp_path):
    path = write(tmp_path, "a-fine-debate.debate.json", debate_for())

    err, _ = run_failing(path)

    assert "is a debate file; import the article beside it" in err


def test_unknown_keys_are_ignored(tmp_path):
    write(tmp_path, "a.json", record(id=99, pk=5, content_hash="forged", body_html="<script>"))

    run(tmp_path)

    article = Article.objects.get()
    assert article.pk != 99
    assert "<script>" not in article.body_html
    assert article.content_hash != "forged"


def test_failed_import_exits_non_zero_without_a_traceback(tmp_path):
    path = write(tmp_path, "bad.json", record(slug="Bad Slug"))
    manage = Path(__file__).resolve().parents[2] / "manage.py"

    result = subprocess.run(  # noqa: S603
        [sys.executable, str(manage), "import_seed", "--dry-run", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "field 'slug'" in result.stderr
    assert "1 problem found; nothing was imported." in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_record_the_database_refuses_halfway_leaves_nothing_written(tmp_path, monkeypatch):
    # Validation passes; then the database refuses the second record (a constraint violation
    # injected here). The first, already written in the same import, must be rolled back.
    from debate import services

    slugs = ["first-debate", "second-debate", "third-debate"]
    write(tmp_path, "feed.jsonl", "\n".join(json.dumps(record(slug=slug)) for slug in slugs))
    write_article = services._article_write

    def refused_on_the_second(feed_record, *args, **kwargs):
        write_article(feed_record, *args, **kwargs)
        if feed_record.slug == "second-debate":
            Article.objects.create(slug="first-debate", title="Taken")  # slugs are unique

    monkeypatch.setattr(services, "_article_write", refused_on_the_second)

    _, message = run_failing(tmp_path)

    assert message.startswith("The database refused the import; nothing was written:")
    assert Article.objects.count() == 0
    assert Topic.objects.count() == 0
