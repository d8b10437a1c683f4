"""Settings for Both Sides.

Everything that differs between a laptop and a deployment comes from the environment, so that
with nothing set the site runs in development mode on an embedded SQLite file.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A traceback would bury the one fact an operator needs.
        sys.stderr.write(
            "Refusing to start: DEBUG is off and SECRET_KEY is not set. "
            "Set SECRET_KEY to a long random string (or DEBUG=1 for development).\n"
        )
        sys.exit(1)
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105


def site_origin(url: str) -> str | None:
    """`scheme://host[:port]` of an http(s) URL that names nothing more, else None."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
    ):
        return None
    return f"{parts.scheme}://{parts.netloc.lower()}"


# The site's one public origin. Links that leave the page (mail, later notifications) are built
# from it, never from the request's Host, which a client chooses (ALLOWED_HOSTS ignores ports).
SITE_URL = os.environ.get("SITE_URL", "").strip()
if not SITE_URL:
    if not DEBUG:
        sys.stderr.write(
            "Refusing to start: DEBUG is off and SITE_URL is not set. Set SITE_URL to the "
            "site's public origin, e.g. https://both-sides.example (mail links use it).\n"
        )
        sys.exit(1)
    SITE_URL = "http://127.0.0.1:8000"  # where `make run` serves
if site_origin(SITE_URL) is None:
    sys.stderr.write(
        f"Refusing to start: SITE_URL must be an origin such as https://both-sides.example "
        f"(scheme and host, optional port, no path), not {SITE_URL!r}.\n"
    )
    sys.exit(1)
SITE_URL = site_origin(SITE_URL)
SITE_NAME = "Both Sides"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django_htmx",
    "allauth",
    "allauth.account",
    "accounts",
    "debate",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A suspended member's next request signs them out (debate.moderation.member_suspend).
    "accounts.middleware.SuspendedMemberMiddleware",
]

ROOT_URLCONF = "debate.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "debate.wsgi.application"

DATABASES = {
    # `or`, not a default: an empty DATABASE_URL (as env files write it) means "not set".
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock when a transaction starts: two simultaneous votes then queue instead
    # of one failing with "database is locked" when it upgrades a read lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, reusing its redis-py client (debate/redis_cache.py).
            "BACKEND": "debate.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Accounts: allauth, email, rate limits, optional GitHub sign-in -------------------------
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# Adds the display name to allauth's sign-up form (and to the GitHub sign-up form, when on).
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
# A deployment must prove the address belongs to the member; a laptop need not.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get(
    "ACCOUNT_EMAIL_VERIFICATION", "optional" if DEBUG else "mandatory"
).strip()
if ACCOUNT_EMAIL_VERIFICATION not in {"mandatory", "optional", "none"}:
    sys.stderr.write(
        f"ACCOUNT_EMAIL_VERIFICATION must be mandatory, optional or none, "
        f"not {ACCOUNT_EMAIL_VERIFICATION!r}.\n"
    )
    sys.exit(1)
# Sign-up, sign-in and reset say the same thing whether or not an address has an account.
# (With optional verification, sign-up still has to say an address is taken: allauth cannot
# hide it without letting the visitor in. Deployments use mandatory verification.)
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a link in an email must not change state by itself
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell members when their password or email changes
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# Counted in the cache (never the dummy cache: it would switch them off). The longest window
# here is what the 429 page tells a visitor to wait.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",  # five wrong passwords for one address: locked 5 min
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/3m/key",
}

# Sympathy votes (debate.vote_limit): changes of vote and withdrawals per member per window,
# counted from the vote history so the limit holds without the cache. Plenty for a person, and
# a bound on how fast one account can grow the history the chart replays.
VOTE_LIMIT = int(os.environ.get("VOTE_LIMIT", "30"))
VOTE_LIMIT_WINDOW_SECONDS = 60

# Discussion (debate.discussion): posts per member per window, counted from the database so
# the limits hold without the cache; fewer for accounts younger than a day; the same text
# twice within a few minutes is refused. Reports from this many members with a verified email
# and a day's membership hide a post pending review.
POST_LIMIT = int(os.environ.get("POST_LIMIT", "5"))
POST_LIMIT_NEW_MEMBER = int(os.environ.get("POST_LIMIT_NEW_MEMBER", "2"))
POST_LIMIT_WINDOW_SECONDS = 600
POST_LIMIT_NEW_MEMBER_SECONDS = 86_400
POST_DUPLICATE_WINDOW_SECONDS = 300
REPORTS_TO_HIDE = int(os.environ.get("REPORTS_TO_HIDE", "3"))
REPORTER_MIN_AGE_SECONDS = 86_400

# Email goes out by SMTP when EMAIL_HOST is set; otherwise it is printed to the console so a
# developer can follow the verification link.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Both Sides <noreply@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Sign-in with GitHub exists only when both credentials are in the environment; otherwise
# the social apps are not even installed, so no page mentions it.
GITHUB_CLIENT_ID = os.environ.get("GITHUB_CLIENT_ID", "")
GITHUB_CLIENT_SECRET = os.environ.get("GITHUB_CLIENT_SECRET", "")
GITHUB_SIGN_IN = bool(GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET)
if GITHUB_SIGN_IN:
    INSTALLED_APPS += ["allauth.socialaccount", "allauth.socialaccount.providers.github"]
    SOCIALACCOUNT_ADAPTER = "accounts.social_adapters.SocialAccountAdapter"
    SOCIALACCOUNT_PROVIDERS = {
        "github": {
            "APPS": [{"client_id": GITHUB_CLIENT_ID, "secret": GITHUB_CLIENT_SECRET}],
            "SCOPE": ["user:email"],
        }
    }
    SOCIALACCOUNT_LOGIN_ON_GET = False  # sign-in starts with a POST (CSRF), not a link

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SEEDS_DIR = BASE_DIR / "seeds"


# ---------------------------------------------------------------------------------------------
# Production profile: static files, security headers, cache and database timeouts,
# logging, error pages. DEBUG=0 plus the variables in README "Deploying" switch it on; the
# security headers and the Content-Security-Policy apply in development too, so that anything
# the policy would break shows up on a laptop first.
# ---------------------------------------------------------------------------------------------

# WhiteNoise serves hashed, compressed static files from every app server (no shared disk);
# in development it serves them from the app folders, replacing runserver's handler.
INSTALLED_APPS.insert(
    INSTALLED_APPS.index("django.contrib.staticfiles"), "whitenoise.runserver_nostatic"
)
INSTALLED_APPS.append("csp")
MIDDLEWARE.insert(0, "debate.middleware.RequestLogMiddleware")  # outermost: sees every status
# Next: no NUL from a visitor reaches a query (PostgreSQL would answer a 500).
MIDDLEWARE.insert(1, "debate.middleware.NulGuardMiddleware")
SESSION_ENGINE = "debate.sessions"  # refuses malformed session keys before any query
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
if not DEBUG:
    # The manifest storage needs `collectstatic` first (make serve runs it).
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# A database or Redis that does not answer must not hang a page: fail fast, then answer 503.
DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = DB_CONNECT_TIMEOUT
    # While this is None (Django's default) psycopg prepares nothing, not even the statements
    # that debate.models.raw_sql.prepared_cursor asks it to. Django's own cursors bind on the
    # client and never prepare, so only those few statements are affected.
    DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)
# Seconds a statement (or a wait for a lock) may take in a request the app server serves;
# 0 turns it off. Management commands run without it (debate/querytimeout.py).
DB_STATEMENT_TIMEOUT = float(os.environ.get("DB_STATEMENT_TIMEOUT", "5"))
if REDIS_URL:
    REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "0.5"))
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": REDIS_TIMEOUT,
        "socket_timeout": REDIS_TIMEOUT,
    }
    CACHES["default"]["KEY_PREFIX"] = os.environ.get("CACHE_KEY_PREFIX", "both-sides")
# How long anonymous visitors may be shown a page rendered for someone else (debate/caching.py).
ANONYMOUS_CACHE_SECONDS = int(os.environ.get("ANONYMOUS_CACHE_SECONDS", "10"))

# HTTPS. Behind a proxy that terminates TLS, set BEHIND_TLS_PROXY=1 so Django trusts the
# proxy's X-Forwarded-Proto; without it, SECURE_SSL_REDIRECT would redirect forever.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Rate limits count per client address. Behind a proxy every request comes from the proxy, so
# one visitor's failed sign-ins would lock out everyone: trust the last TRUSTED_PROXY_COUNT
# entries of X-Forwarded-For (the ones our proxies appended), never what the client wrote.
ALLAUTH_TRUSTED_PROXY_COUNT = int(
    os.environ.get("TRUSTED_PROXY_COUNT", "1" if BEHIND_TLS_PROXY else "0")
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is the operator's choice to make (anyone may submit a domain whose header
    # says "preload", and leaving the browsers' list takes months), so it is off by default
    # and check --deploy's reminder about it (W021) is silenced on purpose.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
# htmx sends the token from the page (hx-headers), so no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "debate.errors.csrf_failure"

# Content-Security-Policy (django-csp 4 format), enforced everywhere. No inline script or
# style, no eval: htmx is configured for that in base.html. The Django admin (5.2) passes data
# to its scripts in data- attributes and needs no exception; the debug pages of DEBUG=1 are
# exempted by django-csp itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Logs: one line per request (debate.middleware) and errors with their traceback, to stdout.
# Django's own per-request lines would repeat ours: its request logger keeps only errors and
# runserver's is quiet. An outage is logged as one line per failed request, not a traceback.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "debate.middleware.RequestIdFilter"},
        "outage": {"()": "debate.middleware.OutageFilter"},
        "suspicious": {"()": "debate.middleware.SuspiciousRequestFilter"},
    },
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s",
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
            "filters": ["request_id"],
        },
        "suspicious": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
            "filters": ["request_id", "suspicious"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        "django.request": {
            "handlers": ["stdout"],
            "level": "ERROR",
            "filters": ["outage"],
            "propagate": False,
        },
        "django.server": {"handlers": ["stdout"], "level": "ERROR", "propagate": False},
        # Records come from child loggers (django.security.DisallowedHost, …), which a
        # logger's own filters would not see: the handler filters them.
        "django.security": {"handlers": ["suspicious"], "level": LOG_LEVEL, "propagate": False},
    },
}
