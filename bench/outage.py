"""Hold up and stop PostgreSQL under a running site: it answers 503 quickly, then recovers.

    .venv/bin/python bench/outage.py            # about 50 seconds; exit status 0 when all held

It starts a throw-away PostgreSQL 15 cluster (initdb/pg_ctl, as the postgres user when run as
root) on a free port in a temporary directory, migrates it and imports the seeds, runs gunicorn
with DEBUG=0 (debate/gunicorn.conf.py, DB_STATEMENT_TIMEOUT=2) against it on a free port, and
then, while polling three pages twice a second:

1. database up: every page answers 200;
2. another connection holds a lock on the article table (`LOCK TABLE … ACCESS EXCLUSIVE`, as a
   long migration would): `/` answers the 503 page once the statement timeout runs out, within
   3 seconds, `/healthz` (which reads no table) stays 200, and the site log names the path and
   the query that gave up; the lock released, every page answers 200;
3. `pg_ctl stop`: `/` and `/healthz` answer 503 (the friendly page, no traceback), every answer
   within 5 seconds; the article page may still come from the anonymous cache for a few seconds;
4. `pg_ctl start`: every page answers 200 again, with the same gunicorn processes.

Everything it started is stopped and the directory removed on the way out. PG_BIN overrides
the PostgreSQL binaries' directory; REDIS_URL, when set, is passed on to the site.
"""

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from http import HTTPStatus
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SEED_ARTICLE = "/articles/sympathy-for-both-sides-of-the-egregious-misalignment-debate/"
PAGES = ["/", SEED_ARTICLE, "/healthz"]
ANSWER_WITHIN_SECONDS = 5.0
RECOVER_WITHIN_SECONDS = 20.0
STATEMENT_TIMEOUT_SECONDS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: drop to the postgres user when we are root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def run(command: list[str], **kwargs) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)  # noqa: S603


def fetch(port: int, path: str) -> tuple[int, float, str]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as answer:
            status, body = answer.status, answer.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode(errors="replace")
    except OSError as error:
        status, body = 0, str(error)
    return status, time.perf_counter() - started, body


class Outage:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.data = workdir / "pgdata"
        self.pg_port = free_port()
        self.web_port = free_port()
        self.failures: list[str] = []
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"http://127.0.0.1:{self.web_port}",
            "SECURE_SSL_REDIRECT": "0",  # plain http on the loopback, no TLS proxy here
            "DB_STATEMENT_TIMEOUT": str(STATEMENT_TIMEOUT_SECONDS),
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/postgres",
        }
        self.gunicorn: subprocess.Popen | None = None

    # PostgreSQL -------------------------------------------------------------------------------
    def pg_ctl(self, action: str) -> None:
        options = f"-p {self.pg_port} -k {self.workdir} -c listen_addresses=127.0.0.1"
        command = [str(PG_BIN / "pg_ctl"), action, "-D", str(self.data), "-w", "-m", "fast"]
        if action == "start":
            command += ["-o", options, "-l", str(self.workdir / "postgres.log")]
        run(as_postgres(command))

    def init_database(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.workdir, user="postgres")
        run(
            as_postgres(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--no-sync",
                ]
            )
        )
        self.pg_ctl("start")

    # The site ---------------------------------------------------------------------------------
    def start_site(self) -> None:
        manage = [str(VENV_BIN / "python"), "manage.py"]
        for step in (
            ["migrate", "--noinput"],
            ["import_seed"],
            ["collectstatic", "--noinput", "--verbosity", "0"],
        ):
            run([*manage, *step], cwd=ROOT, env=self.env)
        self.gunicorn = subprocess.Popen(  # noqa: S603
            [
                str(VENV_BIN / "gunicorn"),
                "--config",
                str(ROOT / "debate" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "2",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.workdir / "site.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        for _ in range(100):
            if fetch(self.web_port, "/healthz")[0] == HTTPStatus.OK:
                return
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer /healthz within 10 s")

    def stop(self) -> None:
        if self.gunicorn and self.gunicorn.poll() is None:
            self.gunicorn.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.gunicorn.wait(timeout=10)
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self.pg_ctl("stop")

    # Watching ---------------------------------------------------------------------------------
    def poll(self, phase: str, seconds: float, until=None) -> list[tuple[str, int, float, str]]:
        """Fetch every page twice a second for `seconds` (or until `until(answers)` holds)."""
        print(f"\n== {phase}")
        answers = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            round_ = [(path, *fetch(self.web_port, path)) for path in PAGES]
            answers += round_
            print("  " + "   ".join(f"{p:<12.12} {s} {t * 1000:6.0f} ms" for p, s, t, _ in round_))
            if until and until(round_):
                break
            time.sleep(0.5)
        return answers

    def hold_a_lock(self) -> None:
        import psycopg  # the site's own driver, in .venv

        url = self.env["DATABASE_URL"]
        with psycopg.connect(url, autocommit=False) as other:
            other.execute("LOCK TABLE debate_article IN ACCESS EXCLUSIVE MODE")
            held = self.poll("another connection holds a lock on the article table", 8)
            other.rollback()
        within = STATEMENT_TIMEOUT_SECONDS + 1
        lists = [(s, t) for p, s, t, _ in held if p == "/"]
        self.expect(
            all(s == HTTPStatus.SERVICE_UNAVAILABLE and t < within for s, t in lists),
            f"/ answers 503 within {within} s while the lock is held "
            f"(slowest {max(t for _, t in lists):.2f} s)",
        )
        self.expect(
            all(s == HTTPStatus.OK for p, s, _, _ in held if p == "/healthz"),
            "/healthz, which reads no table, answers 200 throughout",
        )
        logged = (self.workdir / "site.log").read_text().splitlines()
        timed_out = [line for line in logged if "timeout; query: SELECT" in line]
        self.expect(bool(timed_out), "the site log names the path and the query that gave up")
        for line in timed_out[:1]:
            print("  log: …" + line[line.index("Service Unavailable") :][:220])
        released = self.poll(
            "lock released",
            RECOVER_WITHIN_SECONDS,
            until=lambda round_: all(s == HTTPStatus.OK for _, s, _, _ in round_),
        )
        self.expect(
            all(s == HTTPStatus.OK for _, s, _, _ in released[-len(PAGES) :]),
            "every page answers 200 once the lock is released",
        )

    def expect(self, condition: bool, message: str) -> None:
        print(("  ok   " if condition else "  FAIL ") + message)
        if not condition:
            self.failures.append(message)

    def run(self) -> int:
        self.init_database()
        self.start_site()
        print(f"PostgreSQL on port {self.pg_port}, gunicorn on http://127.0.0.1:{self.web_port}")

        up = self.poll("database up", 2)
        self.expect(all(s == HTTPStatus.OK for _, s, _, _ in up), "every page answers 200")

        self.hold_a_lock()

        self.pg_ctl("stop")
        down = self.poll("database stopped (pg_ctl stop)", 12)
        slowest = max(t for _, _, t, _ in down)
        self.expect(
            slowest < ANSWER_WITHIN_SECONDS,
            f"every answer within {ANSWER_WITHIN_SECONDS:.0f} s (slowest {slowest:.2f} s)",
        )
        for path in ("/", "/healthz"):
            statuses = [s for p, s, _, _ in down if p == path]
            self.expect(
                all(s == HTTPStatus.SERVICE_UNAVAILABLE for s in statuses),
                f"{path} answers 503 throughout",
            )
        bodies = [b for p, s, _, b in down if p == "/" and s == HTTPStatus.SERVICE_UNAVAILABLE]
        self.expect(any("briefly unavailable" in b for b in bodies), "the 503 is the friendly page")
        self.expect(not any("Traceback" in b for _, _, _, b in down), "no traceback in any answer")
        article = [s for p, s, _, _ in down if p == SEED_ARTICLE]
        print(f"  note: the article page answered {article} (200: from the anonymous cache)")

        started = time.monotonic()
        self.pg_ctl("start")
        back = self.poll(
            "database started again (pg_ctl start), same gunicorn",
            RECOVER_WITHIN_SECONDS,
            until=lambda round_: all(s == HTTPStatus.OK for _, s, _, _ in round_),
        )
        recovered = all(s == HTTPStatus.OK for _, s, _, _ in back[-len(PAGES) :])
        self.expect(
            recovered,
            f"every page answers 200 again, {time.monotonic() - started:.1f} s "
            "after pg_ctl start, without restarting the site",
        )
        print("\n" + ("All held." if not self.failures else f"{len(self.failures)} failed."))
        return 0 if not self.failures else 1


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="both-sides-outage-"))
    outage = Outage(workdir)
    try:
        return outage.run()
    finally:
        outage.stop()
        log = workdir / "site.log"
        if log.exists():
            lines = log.read_text().splitlines()
            errors = [line for line in lines if " ERROR " in line]
            print(f"\nsite log: {len(lines)} lines; {len(errors)} ERROR lines, e.g.:")
            for line in errors[:2]:
                print("  " + line[:160])
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
