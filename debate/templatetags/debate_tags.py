"""Template filters for the article page: evidence quotes that link to their passage."""

import html
import re
from functools import lru_cache
from urllib.parse import quote

from django import template
from django.utils.html import strip_tags

from debate.markdown import render_markdown

register = template.Library()

# Long quotes are matched by their first and last words (textStart,textEnd), which survives
# small differences in the middle and keeps the URL short.
FRAGMENT_MAX_WORDS = 10
FRAGMENT_EDGE_WORDS = 5


@register.filter
@lru_cache(maxsize=2048)
def passage(quote_md: str) -> str:
    """The text a reader sees for a quote taken from an article's markdown.

    Evidence is quoted verbatim from the markdown, so it may hold emphasis or link syntax that
    the rendered page does not show; rendering it the same way and keeping the text gives
    the words as they appear on the page.
    """
    text = html.unescape(strip_tags(render_markdown(str(quote_md))))
    return re.sub(r"\s+", " ", text).strip()


def _directive_part(text: str) -> str:
    # "-", "," and "&" delimit the parts of a text directive; quote() leaves "-" alone.
    return quote(text, safe="").replace("-", "%2D")


@register.filter
def text_fragment(quote_md: str) -> str:
    """A URL fragment that scrolls to and highlights the quoted passage (`#:~:text=…`)."""
    words = passage(quote_md).split(" ")
    if words == [""]:
        return ""
    if len(words) <= FRAGMENT_MAX_WORDS:
        return "#:~:text=" + _directive_part(" ".join(words))
    start = _directive_part(" ".join(words[:FRAGMENT_EDGE_WORDS]))
    end = _directive_part(" ".join(words[-FRAGMENT_EDGE_WORDS:]))
    return f"#:~:text={start},{end}"
