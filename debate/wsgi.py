"""WSGI entry point: `gunicorn debate.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "debate.settings")

application = get_wsgi_application()
