"""The test suite's settings: the site's, plus the benchmark's baseline app (bench/), so that
its tables exist in the test database and its views can be tested. URLs stay the site's;
tests of the baselines ask for bench.urls."""

from bench.settings import *  # noqa: F403

ROOT_URLCONF = "debate.urls"

# Tests serve static files from the apps' folders. A `staticfiles/` left by `make serve` or
# `bench/run` would otherwise be scanned by WhiteNoise at every test client's first request.
STATIC_ROOT = BASE_DIR / "tests" / "no-staticfiles"  # noqa: F405
