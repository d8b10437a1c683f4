"""{% request_id as reference %}: the id of the request being served, for error pages.

Error pages are rendered without the request (see debate/errors.py), so the id comes from the
logging context that RequestLogMiddleware sets; it matches the id in the log lines.
"""

from django import template

from debate.middleware import current_request_id

register = template.Library()


@register.simple_tag
def request_id() -> str:
    reference = current_request_id()
    return "" if reference == "-" else reference
