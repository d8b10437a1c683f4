"""One log line per request, with a request id that the response echoes."""

import logging
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LINE = re.compile(r"method=GET path=/healthz status=200 duration_ms=\d+\.\d")


def _request_lines(caplog):
    return [r for r in caplog.records if r.name == "debate.request"]


def test_each_request_logs_one_line_with_method_path_status_and_duration(client, caplog):
    caplog.set_level(logging.INFO, logger="debate.request")

    client.get(reverse("healthz"))

    (record,) = _request_lines(caplog)
    assert LINE.fullmatch(record.getMessage())


def test_a_request_id_is_generated_and_echoed_in_the_response(client, caplog):
    caplog.set_level(logging.INFO, logger="debate.request")

    response = client.get(reverse("healthz"))

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert _request_lines(caplog)[0].request_id == response["X-Request-ID"]


def test_the_proxys_request_id_is_honoured(client):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": "edge-42.abc"})

    assert response["X-Request-ID"] == "edge-42.abc"


def test_a_request_id_that_could_forge_log_lines_is_replaced(client):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": "x status=200 \u2028"})

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_an_encoded_newline_in_the_path_cannot_forge_a_log_line(client, caplog):
    caplog.set_level(logging.INFO, logger="debate.request")

    client.get("/nothing%0Amethod=GET/")

    (record,) = _request_lines(caplog)
    assert "\n" not in record.getMessage()
    assert "path=/nothing\\nmethod=GET/" in record.getMessage()


def test_a_deployment_logs_request_lines_to_stdout_with_the_request_id(run_site):
    result = run_site([{"path": "/healthz", "headers": {"X-Request-ID": "probe-1"}}])

    assert re.search(
        r"INFO debate\.request request_id=probe-1 method=GET path=/healthz status=200 duration_ms=",
        result["log"],
    )
    assert result["log"].count("path=/healthz") == 1
