"""The one stylesheet parses as written: an unclosed block would swallow every rule after it."""

import re

from django.conf import settings


def _css() -> str:
    text = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    return re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)


def test_every_block_in_the_stylesheet_is_closed():
    depth = 0
    for line_number, line in enumerate(_css().splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"a stray closing brace on line {line_number}"
    assert depth == 0
