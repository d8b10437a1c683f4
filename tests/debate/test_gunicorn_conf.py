"""gunicorn's settings (debate/gunicorn.conf.py): forwarded headers are believed only from the
TLS proxy, and only when there is one (BEHIND_TLS_PROXY=1)."""

import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "debate" / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")


def load(**environ: str) -> Config:
    """The configuration gunicorn builds from the file, in an environment of exactly `environ`."""
    with mock.patch.dict(os.environ, environ, clear=True):
        values = runpy.run_path(str(CONF))
    config = Config()
    for name, value in values.items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_without_a_tls_proxy_nobody_is_trusted_even_if_the_environment_says_so():
    config = load(BEHIND_TLS_PROXY="0", FORWARDED_ALLOW_IPS="127.0.0.1,::1")

    assert config.forwarded_allow_ips == []


def test_with_nothing_set_nobody_is_trusted():
    assert load().forwarded_allow_ips == []


def test_behind_the_tls_proxy_its_addresses_are_trusted():
    config = load(BEHIND_TLS_PROXY="1", FORWARDED_ALLOW_IPS="10.0.0.2, 10.0.1.0/24")

    assert config.forwarded_allow_ips == ["10.0.0.2", "10.0.1.0/24"]


def test_behind_the_tls_proxy_the_loopback_is_trusted_by_default():
    assert load(BEHIND_TLS_PROXY="yes").forwarded_allow_ips == ["127.0.0.1", "::1"]


def test_the_rest_of_make_serves_settings():
    config = load(WEB_CONCURRENCY="5")

    assert config.workers == 5
    assert (config.timeout, config.graceful_timeout) == (30, 20)
    assert config.errorlog == "-"
    assert config.control_socket_disable is True
    assert config.wsgi_app == "debate.wsgi:application"
    assert load().workers == 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(("behind_proxy", "scheme"), [("0", "http"), ("1", "https")])
def test_gunicorn_believes_x_forwarded_proto_only_behind_the_proxy(behind_proxy, scheme):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "FORWARDED_ALLOW_IPS"}
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn and config
        [
            str(GUNICORN),
            "--config",
            str(CONF),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "tests.debate.echo_scheme:application",
        ],
        cwd=ROOT,
        env={**env, "BEHIND_TLS_PROXY": behind_proxy, "FORWARDED_ALLOW_IPS": "127.0.0.1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/", headers={"X-Forwarded-Proto": "https"}
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(request, timeout=2) as answer:  # noqa: S310
                    seen = answer.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer within 10 s")
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert seen == scheme
