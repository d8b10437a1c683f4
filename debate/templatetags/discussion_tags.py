"""Drawing rebuttals, replies and comments: `{% threads posts %}`, `{% thread post %}`,
`{% post_item post %}` and `{% replies parent %}`.

An article page draws a hundred items or more; through `{% include %}` each cost about a
millisecond (template lookups, a dozen `{% url %}`s), so they are drawn here in Python from
the same markup, escaping everything but the stored, sanitized `body_html`. Member HTML sits
alone inside `hx-disable`; the item's own controls stay outside it.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from debate.models import MAX_REPLY_DEPTH, PostStatus
from debate.models.discussion import THREAD_PAGE

from .judging_tags import endorse_html, minds_html

register = template.Library()

# The statuses whose reason an author reads on their own item, and who gave it.
_EXPLAINED = {
    PostStatus.HELD: "Why:",
    PostStatus.HIDDEN: "A moderator gave this reason:",
    PostStatus.REMOVED: "A moderator gave this reason:",
}
_MODERATED = frozenset({PostStatus.HELD, PostStatus.HIDDEN, PostStatus.REMOVED})
_PK = 2_147_483_647  # stands for the post's id in the URL patterns below
_URL_NAMES = ("post_detail", "reply", "edit", "delete", "report", "thread_replies")


@lru_cache(maxsize=8)
def _patterns(prefix: str) -> dict[str, tuple[str, str]]:
    # One reverse() per URL name and process, rather than several per item drawn.
    patterns = {}
    for name in _URL_NAMES:
        head, _, tail = reverse(f"debate:{name}", args=[_PK]).partition(str(_PK))
        patterns[name] = (head, tail)
    return patterns


@lru_cache(maxsize=4096)
def _profile_url(display_name: str, prefix: str) -> str:
    return reverse("accounts:profile", args=[display_name])


class Drawer:
    """Draws items for one page: what every item shares is looked up once."""

    def __init__(self, highlight=None, expanded=False, *, viewer_id=None, csrf="", next_url=""):
        self.viewer_id, self.csrf, self.next_url = viewer_id, csrf, next_url
        self.prefix = get_script_prefix()
        self.patterns = _patterns(self.prefix)
        self.tz = timezone.get_current_timezone()
        self.highlight = highlight
        self.expanded = expanded

    def url(self, name: str, pk: int) -> str:
        head, tail = self.patterns[name]
        return f"{head}{pk}{tail}"

    def permalink(self, post) -> str:
        return f"{self.url('post_detail', post.pk)}#post-{post.pk}"

    def control(self, name: str, post, label: str, hidden: str) -> str:
        url = self.url(name, post.pk)
        return (
            f'<li><a href="{url}" hx-get="{url}" hx-target="#post-{post.pk}-slot" '
            f'hx-swap="innerHTML">{label}<span class="visually-hidden"> {hidden}</span></a></li>'
        )

    def item(self, post) -> str:
        """The <article> of one post, without its replies."""
        pk, kind = post.pk, post.kind
        published = post.status == PostStatus.PUBLISHED
        shows_text = getattr(post, "shows_text", published)
        mine = getattr(post, "mine", False)
        classes = f"post post--{kind}"
        if pk == self.highlight:
            classes += " post--highlight"
        if not shows_text:
            classes += " post--placeholder"
        if shows_text:
            if post.author_id:
                url = escape(_profile_url(post.author_name, self.prefix))
                who = f'<a class="post__author" href="{url}">{escape(post.author_name)}</a>'
            else:
                who = '<span class="member--deleted">[deleted member]</span>'
            if mine:
                who += ' <span class="badge">you</span>'
        else:
            who = f'<span class="post__placeholder">{escape(post.placeholder)}</span>'
            if post.status == PostStatus.DELETED:
                who += ' <span class="post__why">deleted by its author</span>'
        created = post.created_at.astimezone(self.tz)
        parts = [
            f'<article id="post-{pk}" class="{classes}" aria-labelledby="post-{pk}-meta">',
            f'<p class="post__meta" id="post-{pk}-meta">{who} <span aria-hidden="true">·</span> ',
            f'<a class="post__time" href="{self.permalink(post)}">',
            f'<time datetime="{created.isoformat()}">',
            f"{created.day} {created:%b %Y, %H:%M %Z}</time>",
            f'<span class="visually-hidden"> (link to this {kind})</span></a>',
        ]
        if getattr(post, "detached", False):
            # Its parent is on an earlier page of the thread.
            parts.append(
                f' <span aria-hidden="true">·</span> <a class="post__context" '
                f'href="{self.url("post_detail", post.parent_id)}#post-{post.parent_id}">'
                "In reply to an earlier reply</a>"
            )
        if post.edited_at and shows_text:
            parts.append(
                ' <span aria-hidden="true">·</span> <span class="post__edited">edited</span>'
            )
        parts.append("</p>")
        if shows_text:
            if not published:
                state = escape(post.placeholder)
                parts.append(f'<p class="post__status">Only you can see this: {state}.</p>')
                if post.status in _EXPLAINED and post.status_reason:
                    # What the moderator (or the system) said: for the author's eyes only.
                    who = _EXPLAINED[post.status]
                    reason = escape(post.status_reason)
                    parts.append(f'<p class="post__reason">{who} &ldquo;{reason}&rdquo;</p>')
            # Stored by render_markdown on save: sanitized, so safe to print as it is.
            parts.append(f'<div class="post__body prose" hx-disable>{post.body_html}</div>')
        if published:
            parts.append(minds_html(post))
            parts.append(endorse_html(post, viewer_id=self.viewer_id, csrf_token=self.csrf,
                                      next_url=self.next_url))  # fmt: skip
        if published or (mine and post.status != PostStatus.DELETED):
            parts.append('<ul class="post__actions" aria-label="Actions">')
            if published:
                parts.append(self.control("reply", post, "Reply", f"to this {kind}"))
            if getattr(post, "can_edit", False):
                parts.append(self.control("edit", post, "Edit", f"your {kind}"))
            if mine:
                # Not what moderation decided on: deleting it would erase that decision.
                if post.status not in _MODERATED:
                    parts.append(self.control("delete", post, "Delete", f"your {kind}"))
            elif published:
                if getattr(post, "reported", False):
                    parts.append('<li><span class="post__reported">Reported</span></li>')
                else:
                    parts.append(self.control("report", post, "Report", f"this {kind}"))
            parts.append("</ul>")
        parts.append(f'<div class="post__slot" id="post-{pk}-slot"></div></article>')
        return "".join(parts)

    def page_link(self, parent, label: str, after: int | None = None) -> str:
        """A link to a page of `parent`'s thread: the first, or the one after reply `after`."""
        query = f"?after={after}" if after else ""
        url = f"{self.url('post_detail', parent.pk)}{query}#replies-{parent.pk}"
        return f'<li class="replies__more"><a href="{url}">{label}</a></li>'

    def replies(self, parent) -> str:
        parts = [f'<ol class="replies" id="replies-{parent.pk}">']
        if getattr(parent, "earlier", False):
            parts.append(self.page_link(parent, "Earlier replies"))
        parts.extend(self.thread(reply) for reply in getattr(parent, "shown_replies", ()))
        more = getattr(parent, "more_replies", 0)
        if getattr(parent, "more_after", None):
            parts.append(self.page_link(parent, "More replies", parent.more_after))
        elif more and not self.expanded:
            if parent.thread_reply_count > THREAD_PAGE:
                label = f"Show more replies ({parent.thread_reply_count} in all)"
            elif getattr(parent, "published_shown", 0):
                label = f"Show all {parent.thread_reply_count} replies"
            else:
                label = f"Show {more} repl{'y' if more == 1 else 'ies'}"
            parts.append(
                f'<li class="replies__more"><a href="{self.permalink(parent)}" '
                f'hx-get="{self.url("thread_replies", parent.pk)}" '
                f'hx-target="#replies-{parent.pk}" hx-swap="outerHTML">{label}</a></li>'
            )
        parts.append("</ol>")
        return "".join(parts)

    def thread(self, post) -> str:
        """A post and the replies shown under it, as one <li> of a list of threads."""
        replies = self.replies(post) if post.depth < MAX_REPLY_DEPTH else ""
        return (
            f'<li class="thread-item thread-item--depth-{post.depth}">'
            f"{self.item(post)}{replies}</li>"
        )


def _drawer(context) -> Drawer:
    user, request = context.get("user"), context.get("request")
    signed_in = user is not None and user.is_authenticated
    return Drawer(
        context.get("highlight"),
        context.get("expanded", False),
        viewer_id=user.pk if signed_in else None,
        # Evaluated once for the page: every item's form carries the same token.
        csrf=str(context.get("csrf_token", "")) if signed_in else "",
        next_url=context.get("next_url") or (request.get_full_path() if request else ""),
    )


# Each returns markup built above: fixed strings, escaped values and sanitized member HTML.
@register.simple_tag(takes_context=True)
def threads(context, posts) -> SafeString:
    drawer = _drawer(context)
    return mark_safe("".join(drawer.thread(post) for post in posts))  # noqa: S308


@register.simple_tag(takes_context=True)
def thread(context, post) -> SafeString:
    return mark_safe(_drawer(context).thread(post))  # noqa: S308


@register.simple_tag(takes_context=True)
def post_item(context, post) -> SafeString:
    return mark_safe(_drawer(context).item(post))  # noqa: S308


@register.simple_tag(takes_context=True)
def replies(context, parent) -> SafeString:
    return mark_safe(_drawer(context).replies(parent))  # noqa: S308
