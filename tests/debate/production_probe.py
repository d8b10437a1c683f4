"""Run requests against the site in a fresh process, configured only by environment variables.

Used by the tests that need settings the test process cannot have: DEBUG=0, or a database that
does not answer. Prints one JSON object: the requests' results, the settings asked for, and
(on stdout before it) whatever the site logged.

    python tests/debate/production_probe.py '{"requests": [{"path": "/healthz"}], "settings": []}'
"""

import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import django
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

MARKER = "@@probe-result@@"


def main(spec: dict) -> dict:
    if spec.get("app_server"):
        import debate.wsgi  # noqa: F401 - what gunicorn loads: sets the query timeouts

    values = {name: getattr(settings, name, None) for name in spec.get("settings", [])}
    results = []
    # The manifest of `collectstatic` is not built for a probe; everything else is as deployed.
    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    urlconf = spec.get("urlconf", settings.ROOT_URLCONF)
    with override_settings(STORAGES=plain_static, ROOT_URLCONF=urlconf):
        client = Client(raise_request_exception=False)
        for request in spec.get("requests", []):
            started = time.perf_counter()
            response = client.generic(
                request.get("method", "GET"),
                request["path"],
                data=urlencode(request.get("form", {})),
                content_type="application/x-www-form-urlencoded",
                secure=request.get("secure", True),
                headers=request.get("headers", {}),
            )
            results.append(
                {
                    "status": response.status_code,
                    "headers": dict(response.items()),
                    "body": response.content.decode(errors="replace"),
                    "seconds": time.perf_counter() - started,
                }
            )
    return {"settings": values, "responses": results}


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "debate.settings")
    django.setup()
    result = main(json.loads(sys.argv[1]))
    sys.stdout.flush()
    print(MARKER + json.dumps(result, default=repr))
