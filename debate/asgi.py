"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "debate.settings")

application = get_asgi_application()

# As in debate/wsgi.py: requests run with a database statement and lock timeout.
from debate.querytimeout import bound_queries  # noqa: E402 - needs the settings loaded above

bound_queries()
