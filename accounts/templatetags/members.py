"""How templates name and link the author of something, including deleted members."""

from django import template
from django.utils.html import format_html

from accounts.models import member_name as _member_name

register = template.Library()


@register.filter
def member_name(member) -> str:
    """{{ rebuttal.author|member_name }}: the display name, or "[deleted member]"."""
    return _member_name(member)


@register.simple_tag
def member_link(member) -> str:
    """{% member_link rebuttal.author %}: a link to the profile, or the deleted-member label."""
    if member is None:
        return format_html('<span class="member member--deleted">{}</span>', _member_name(None))
    return format_html(
        '<a class="member" href="{}">{}</a>', member.get_absolute_url(), member.display_name
    )
