"""WSGI entry point: gunicorn (debate/gunicorn.conf.py) and runserver load it."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "debate.settings")

application = get_wsgi_application()

# Requests served here run with a database statement and lock timeout; management commands,
# which never load this module, run without (see debate.querytimeout).
from debate.querytimeout import bound_queries  # noqa: E402 - needs the settings loaded above

bound_queries()
