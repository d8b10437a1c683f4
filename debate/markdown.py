"""The one markdown renderer: every article and every member's text goes through `render_markdown`.

markdown-it-py parses with raw HTML switched off, then nh3 (ammonia) keeps only an allowlist of
tags and attributes. The sanitizer is the wall that matters: anything markdown-it lets through
that is not on the list is dropped, including event handlers, `hx-*`/`data-hx-*` attributes and
any URL scheme other than http, https and mailto.
"""

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_parser.enable(["table", "strikethrough"])


def _render_image_as_link(self, tokens, idx, options, env):
    # Members' images would load from third-party hosts on every page view; a link keeps the
    # reference without the tracking pixel.
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env) or token.attrGet("src")
    src = escapeHtml(str(token.attrGet("src") or ""))
    return f'<a href="{src}">{escapeHtml(str(alt or ""))}</a>'


_parser.add_render_rule("image", _render_image_as_link)


def render_markdown(text: str) -> str:
    """Render member- or feed-supplied markdown to HTML that is safe to mark as safe."""
    return sanitize_html(_parser.render(text or ""))


def sanitize_html(html: str) -> str:
    """Keep only the allowlisted tags, attributes and URL schemes: the wall that holds even
    if the markdown parser ever lets raw HTML through."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
