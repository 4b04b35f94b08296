"""Shared fixtures: the seed article, and PostgreSQL for the sink's tests."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_FILE = ROOT / "seeds" / "000_2b378bade59abd59.json"


@pytest.fixture(scope="session")
def seed_article() -> dict:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


# --- PostgreSQL for the sink's tests: ops/postgres on a port of its own --------------------
# below Linux's ephemeral range (32768-60999): a port there can be taken by any client's socket,
# and one CI run found 55432 taken when the tests' PostgreSQL started
POSTGRES_PORT = int(os.environ.get("STREAMS_TEST_PG_PORT", "25432"))
POSTGRES_NOT_INSTALLED = 4  # ops/postgres's exit status when no PostgreSQL binaries are found
REQUIRE_POSTGRES = ("STREAMS_REQUIRE_POSTGRES", "STREAMS_REQUIRE_CLUSTER")


def postgres_required() -> str | None:
    """The variable that makes a missing PostgreSQL fail the run (CI sets the cluster one)."""
    for name in REQUIRE_POSTGRES:
        if os.environ.get(name, "").strip().lower() in ("1", "true", "yes"):
            return name
    return None


def postgres_folder() -> Path:
    """var/test-postgres; as root, when the `postgres` user that runs the server cannot reach
    the clone (a parent folder closed to others), a folder of its own under the temp folder."""
    folder = ROOT / "var" / "test-postgres"
    folder.parent.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or subprocess.run(
            ["runuser", "-u", "postgres", "--", "test", "-x", str(folder.parent)],
            capture_output=True).returncode == 0:
        return folder
    fallback = Path(tempfile.gettempdir()) / f"streams-test-postgres-{POSTGRES_PORT}"
    fallback.mkdir(exist_ok=True)
    return fallback


@pytest.fixture(scope="session")
def postgres_server():
    """`ops/postgres` on POSTGRES_PORT with its data under var/test-postgres, started for the
    session (and stopped after, if this session started it). Skips with one loud line where
    PostgreSQL is not installed, fails instead under STREAMS_REQUIRE_POSTGRES or
    STREAMS_REQUIRE_CLUSTER."""
    env = {**os.environ, "STREAMS_PG_PORT": str(POSTGRES_PORT),
           "STREAMS_PG_DIR": str(postgres_folder())}
    script = str(ROOT / "ops" / "postgres")
    was_running = subprocess.run([script, "status"], env=env, capture_output=True).returncode == 0
    started = subprocess.run([script, "start"], env=env, capture_output=True, text=True)
    if started.returncode != 0:
        reason = f"ops/postgres start failed: {(started.stderr or started.stdout).strip()}"
        if started.returncode == POSTGRES_NOT_INSTALLED and not postgres_required():
            pytest.skip(reason)
        required = postgres_required()
        pytest.fail(f"{required} is set and {reason}" if required else reason, pytrace=False)
    url = subprocess.run([script, "url"], env=env, capture_output=True, text=True).stdout.strip()
    yield url
    if not was_running:
        subprocess.run([script, "stop"], env=env, capture_output=True)


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh database on the test server for one test, dropped after it."""
    import psycopg

    name = f"sink_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield postgres_server.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def pytest_terminal_summary(terminalreporter) -> None:
    """One line nobody can miss at the end of a run that skipped the PostgreSQL tests."""
    skipped = [report for report in terminalreporter.stats.get("skipped", [])
               if "ops/postgres start failed" in str(report.longrepr)]
    if skipped:
        terminalreporter.write_line(
            f"POSTGRESQL NOT TESTED: {len(skipped)} sink tests skipped: no PostgreSQL binaries "
            "(Debian: apt-get install postgresql)", yellow=True, bold=True)
