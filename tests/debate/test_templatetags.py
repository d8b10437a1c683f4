"""Evidence quotes link to their passage with a URL text fragment computed from the page text."""

import pytest
from django.template import Context, Template

from debate.templatetags.debate_tags import passage, text_fragment


def test_a_plain_short_quote_becomes_an_exact_text_directive():
    assert text_fragment("nobody knows how") == "#:~:text=nobody%20knows%20how"


def test_markdown_in_a_quote_is_matched_as_the_rendered_text():
    quote = "And *if* they are [concerned](https://example.com) about it"

    assert passage(quote) == "And if they are concerned about it"
    assert text_fragment(quote) == "#:~:text=And%20if%20they%20are%20concerned%20about%20it"


def test_html_entities_come_back_as_the_characters_a_reader_sees():
    assert passage("Yudkowsky & Soares say <no>") == "Yudkowsky & Soares say <no>"


@pytest.mark.parametrize(
    ("quote", "encoded"),
    [
        ("out-of-control", "out%2Dof%2Dcontrol"),
        ("race dynamics, careless", "race%20dynamics%2C%20careless"),
        ("A & B", "A%20%26%20B"),
        ("we\u2019re", "we%E2%80%99re"),
    ],
)
def test_directive_delimiters_and_unicode_are_percent_encoded(quote, encoded):
    assert text_fragment(quote) == f"#:~:text={encoded}"


def test_a_long_quote_is_matched_by_its_first_and_last_words():
    quote = "one two three four five six seven eight nine ten eleven twelve"

    assert text_fragment(quote) == (
        "#:~:text=one%20two%20three%20four%20five,eight%20nine%20ten%20eleven%20twelve"
    )


def test_line_breaks_in_a_quote_are_spaces_on_the_page():
    assert text_fragment("spread over\ntwo lines") == "#:~:text=spread%20over%20two%20lines"


def test_an_empty_quote_links_nowhere():
    assert text_fragment("   ") == ""


def test_the_filters_are_usable_in_templates():
    template = Template('{% load debate_tags %}<a href="{{ q|text_fragment }}">{{ q|passage }}</a>')

    html = template.render(Context({"q": "a *b* c"}))

    assert html == '<a href="#:~:text=a%20b%20c">a b c</a>'
