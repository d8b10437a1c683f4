"""The production profile: settings from the environment, security headers and cookies."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_check_deploy_reports_nothing_with_the_documented_variables(run_manage):
    completed = run_manage("check", "--deploy", "--fail-level", "WARNING")

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "System check identified no issues" in completed.stdout


def test_production_refuses_to_start_without_a_secret_key(run_manage):
    completed = run_manage("check", SECRET_KEY="")

    assert completed.returncode == 1
    assert "SECRET_KEY is not set" in completed.stderr


def test_production_serves_hashed_compressed_static_files(production_values):
    assert production_values["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_production_postgresql_connections_time_out(production_values):
    assert production_values["DATABASES"]["default"]["OPTIONS"]["connect_timeout"] == 3


def test_production_redis_cache_times_out(production_values):
    cache = production_values["CACHES"]["default"]
    assert cache["BACKEND"] == "debate.redis_cache.RedisCache"
    assert cache["OPTIONS"]["socket_connect_timeout"] <= 1
    assert cache["OPTIONS"]["socket_timeout"] <= 1


def test_csp_allows_only_own_scripts_and_styles_and_no_eval(client, article):
    directives = _csp(client.get(article.get_absolute_url()))

    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


@pytest.mark.parametrize(
    "url_name", ["debate:article_list", "account_login", "account_signup", "admin:login"]
)
def test_pages_carry_no_inline_script_or_style(client, url_name):
    html = client.get(reverse(url_name)).content.decode()

    inline_scripts = [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag]
    assert inline_scripts == []
    assert re.search(r"\sstyle=", html) is None
    assert re.search(r"\shx-on", html) is None


def test_production_redirects_plain_http_to_https(client, production):
    response = client.get(reverse("debate:article_list"))

    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "https://testserver/"


def test_production_trusts_the_tls_proxy_forwarded_proto(client, production):
    response = client.get(reverse("debate:article_list"), headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == HTTPStatus.OK


def test_production_does_not_redirect_the_health_probe(client, production):
    response = client.get(reverse("healthz"))

    assert response.status_code == HTTPStatus.OK


def test_production_sends_hsts_nosniff_referrer_policy_and_frame_deny(client, production):
    response = client.get(reverse("debate:article_list"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_production_csrf_cookie_is_secure_httponly_and_lax(client, production):
    response = client.get(reverse("account_login"), secure=True)

    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_production_session_cookie_is_secure_httponly_and_lax(client, production, member):
    response = client.post(
        reverse("account_login"),
        {"login": member.email, "password": "a-long-enough-password"},
        secure=True,
    )

    assert response.status_code == HTTPStatus.FOUND
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_behind_the_proxy_sign_in_limits_count_each_visitor_not_the_proxy(
    client, production, settings
):
    # Every request reaches Django from the proxy's address. Counting that address would let
    # one visitor's failed sign-ins lock everyone out; the proxy's X-Forwarded-For names them.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}

    def sign_in_from(ip):
        return client.post(
            reverse("account_login"),
            {"login": "nobody@example.com", "password": "wrong"},
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": ip},
        )

    for _ in range(3):
        sign_in_from("203.0.113.7")

    assert sign_in_from("203.0.113.7").status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert sign_in_from("198.51.100.9").status_code == HTTPStatus.OK


def test_a_forged_forwarded_for_does_not_escape_the_limit(client, production, settings):
    # The proxy appends the address it saw; whatever the visitor wrote before it is ignored.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}

    def sign_in_claiming(claimed):
        return client.post(
            reverse("account_login"),
            {"login": "nobody@example.com", "password": "wrong"},
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": f"{claimed}, 203.0.113.7"},
        )

    for n in range(3):
        sign_in_claiming(f"192.0.2.{n}")

    assert sign_in_claiming("192.0.2.99").status_code == HTTPStatus.TOO_MANY_REQUESTS
