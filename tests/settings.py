"""The test suite's settings: the site's, plus the benchmark's baseline app (bench/), so that
its tables exist in the test database and its views can be tested. URLs stay the site's;
tests of the baselines ask for bench.urls."""

from bench.settings import *  # noqa: F403

ROOT_URLCONF = "debate.urls"
