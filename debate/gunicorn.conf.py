"""gunicorn's settings for the production profile: `make serve` runs

    gunicorn --config debate/gunicorn.conf.py --bind HOST:PORT

Values come from the environment, as the Django settings' do. This file is read by gunicorn's
master before Django is loaded, so it imports nothing from the project.
"""

import os


def env_flag(environ, name: str) -> bool:
    """Read a 0/1 variable the way debate.settings.env_bool does."""
    return environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def forwarded_allow_ips_for(environ) -> str:
    """Whose X-Forwarded-Proto (and the other forwarded headers) gunicorn believes.

    gunicorn trusts 127.0.0.1 by default, and reads FORWARDED_ALLOW_IPS from the environment by
    itself: without a TLS proxy in front, any local client could then make the site believe it
    is on https. So: the proxy's addresses (FORWARDED_ALLOW_IPS, default the loopback) when
    BEHIND_TLS_PROXY=1, and nobody's otherwise.
    """
    if env_flag(environ, "BEHIND_TLS_PROXY"):
        return environ.get("FORWARDED_ALLOW_IPS", "").strip() or "127.0.0.1,::1"
    return ""


wsgi_app = "debate.wsgi:application"
workers = int(os.environ.get("WEB_CONCURRENCY") or 3)
timeout = 30  # a worker silent this long is killed (queries give up after DB_STATEMENT_TIMEOUT)
graceful_timeout = 20
errorlog = "-"
control_socket_disable = True
forwarded_allow_ips = forwarded_allow_ips_for(os.environ)
