"""Drawing the "Convincing" toggle and an item's changed-mind count: `{% endorse_widget post %}`.

Drawn in Python, like the items they sit in (debate.templatetags.discussion_tags), because an
article page holds a hundred of them; `_endorse.html`, which an endorsement answers with, draws
the same markup through the same function.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from debate.models import PostKind, PostStatus

register = template.Library()

ENDORSABLE = frozenset({PostKind.REBUTTAL, PostKind.REPLY})
_PK = 2_147_483_647


@lru_cache(maxsize=8)
def _endorse_pattern(prefix: str) -> tuple[str, str]:
    head, _, tail = reverse("debate:endorse", args=[_PK]).partition(str(_PK))
    return head, tail


def _members(n: int) -> str:
    return f"{n} member{'s' if n != 1 else ''}"


def endorse_html(post, *, viewer_id: int | None, csrf_token: str, next_url: str = "") -> str:
    """The toggle (for a signed-in member, on someone else's published rebuttal or reply) or
    the bare count (for everyone else); nothing on an item that is not published."""
    if post.kind not in ENDORSABLE or post.status != PostStatus.PUBLISHED:
        return ""
    pk, n = post.pk, post.endorsement_count
    count = (
        f'<span class="endorse__count" id="endorse-{pk}-count" aria-live="polite">'
        f'{n}<span class="visually-hidden"> found this convincing</span></span>'
    )
    if viewer_id is None or post.author_id == viewer_id:
        if not n:
            return ""
        return (
            f'<p class="endorse endorse--count"><span aria-hidden="true">Convincing: </span>'
            f'<span class="endorse__count">{_members(n)}<span class="visually-hidden"> found '
            "this convincing</span></span></p>"
        )
    head, tail = _endorse_pattern(get_script_prefix())
    url = f"{head}{pk}{tail}"
    pressed = bool(getattr(post, "endorsed", False))
    return (
        f'<form class="endorse" id="endorse-{pk}" method="post" action="{url}" '
        f'hx-post="{url}" hx-target="this" hx-swap="outerHTML">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
        f'<input type="hidden" name="next" value="{escape(next_url)}">'
        f'<button type="submit" class="endorse__button" name="endorse" '
        f'value="{"0" if pressed else "1"}" aria-pressed="{"true" if pressed else "false"}" '
        f'aria-describedby="endorse-{pk}-count">Convincing<span class="visually-hidden">: '
        f"endorse this {escape(post.kind)}</span></button> {count}</form>"
    )


def minds_html(post) -> str:
    """How many members credited this rebuttal with changing their mind."""
    n = getattr(post, "minds_changed", 0)
    if post.kind != PostKind.REBUTTAL or post.status != PostStatus.PUBLISHED or not n:
        return ""
    return f'<p class="post__minds">Changed {n} mind{"s" if n != 1 else ""}</p>'


def _viewer_id(context) -> int | None:
    user = context.get("user")
    return user.pk if user is not None and user.is_authenticated else None


def _next_url(context) -> str:
    request = context.get("request")
    return request.get_full_path() if request is not None else ""


@register.simple_tag(takes_context=True)
def endorse_widget(context, post) -> SafeString:
    html = endorse_html(
        post,
        viewer_id=_viewer_id(context),
        csrf_token=str(context.get("csrf_token", "")),
        next_url=context.get("next_url") or _next_url(context),
    )
    return mark_safe(html)  # noqa: S308 - fixed markup and escaped values
