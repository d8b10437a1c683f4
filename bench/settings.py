"""Settings of the benchmark's baselines: the site's own settings, plus the baseline views.

The baselines go through exactly the site's middleware (sessions, CSRF, auth, allauth, htmx,
CSP, WhiteNoise, the request log), so a ratio against them measures what the site's own views
add. `bench/run` serves them under gunicorn beside the site (DJANGO_SETTINGS_MODULE=bench.settings).
"""

from debate.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
