"""`{% moderation_queue as queue %}`: the admin header's and index's counts of open reports and
posts waiting in pre-moderation (None for staff who act on neither)."""

from django import template

from debate.moderation_admin import queue_counts

register = template.Library()


@register.simple_tag(takes_context=True)
def moderation_queue(context):
    request = context.get("request")
    if request is None:
        return None
    # The header and the index both ask: count once per request.
    if not hasattr(request, "_moderation_queue"):
        request._moderation_queue = queue_counts(request.user)
    return request._moderation_queue
