"""Files every site is asked for at its root."""

from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
@cache_control(public=True, max_age=24 * 60 * 60)
def favicon(request):
    """/favicon.ico, which browsers request by themselves wherever a page names no icon (the
    admin, a JSON answer): the ICO among the static files, under its hashed name. Not a
    permanent redirect: the hashed name changes with the file."""
    return HttpResponseRedirect(static("favicon.ico"))
