from http import HTTPStatus

import pytest
from django.urls import reverse

from .conftest import CLOSED_POSTGRES, CLOSED_REDIS

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_with_json_when_database_and_cache_answer(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_healthz_is_never_cached(client):
    response = client.get(reverse("healthz"))

    assert "no-cache" in response["Cache-Control"]


def test_healthz_refuses_post(client):
    response = client.post(reverse("healthz"))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_healthz_answers_503_when_cache_does_not_answer(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }

    response = client.get(reverse("healthz"))

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unavailable"}


def test_healthz_answers_503_within_5_seconds_when_database_is_down(run_site):
    result = run_site([{"path": "/healthz"}], DATABASE_URL=CLOSED_POSTGRES)

    (response,) = result["responses"]
    assert response["status"] == HTTPStatus.SERVICE_UNAVAILABLE
    assert '"database": "unavailable"' in response["body"]
    assert response["seconds"] < 5
