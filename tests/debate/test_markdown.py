from html.parser import HTMLParser

import pytest

from debate.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown

HOSTILE_MARKDOWN = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    '<a href="https://example.com" hx-post="/articles/x/vote/" hx-trigger="load">hi</a>',
    '<div data-hx-post="/articles/x/vote/" data-hx-trigger="load">hi</div>',
    '<button hx-get="/admin/" hx-target="body">x</button>',
    '[x](https://example.com "title\\" onmouseover=\\"alert(1)")',
    "<iframe src=https://example.com></iframe>",
    "<style>body{display:none}</style>",
    '<svg onload="alert(1)"></svg>',
    "<!-- <script>alert(1)</script> -->",
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    "[a](<javascript:alert(1)>)",
    "[ref]\n\n[ref]: javascript:alert(1)",
]


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _elements(html: str):
    collector = _TagCollector()
    collector.feed(html)
    return collector.tags


@pytest.mark.parametrize("source", HOSTILE_MARKDOWN)
def test_hostile_markdown_renders_only_allowed_tags_and_attributes(source):
    html = render_markdown(source)

    for tag, attrs in _elements(html):
        assert tag in ALLOWED_TAGS
        for name in attrs:
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, (tag, name)


@pytest.mark.parametrize("source", HOSTILE_MARKDOWN)
def test_hostile_markdown_keeps_no_dangerous_urls(source):
    html = render_markdown(source)

    for _tag, attrs in _elements(html):
        href = (attrs.get("href") or "").strip().lower()
        if href:
            assert href.startswith(("http://", "https://", "mailto:")), href


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("<script>alert(1)</script>")

    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_links_get_nofollow_ugc_noopener():
    html = render_markdown("[a paper](https://example.com/paper)")

    assert '<a href="https://example.com/paper" rel="nofollow ugc noopener">a paper</a>' in html


def test_image_becomes_a_link_so_nothing_loads_from_elsewhere():
    html = render_markdown("![a chart](https://example.com/chart.png)")

    assert "<img" not in html
    assert 'href="https://example.com/chart.png"' in html
    assert "a chart" in html


def test_unbalanced_brackets_of_the_seed_render_without_error():
    html = render_markdown("Or another possibility [cf.\n\n[Eliezer tweet]] is that LLMs")

    assert "[Eliezer tweet]]" in html
    assert "[cf." in html


def test_emphasis_lists_and_tables_survive():
    html = render_markdown("**bold** *it*\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")

    assert "<strong>bold</strong>" in html
    assert "<em>it</em>" in html
    assert "<li>one</li>" in html
    assert "<table>" in html


def test_empty_input_renders_empty():
    assert render_markdown("") == ""
