"""`streams --version` and `streams worker --help`: what an installed package answers."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from streams.tools.worker_help import wants_help, worker_help

ROOT = Path(__file__).resolve().parents[2]


def streams(*args: str, code: str | None = None) -> subprocess.CompletedProcess:
    command = ["-c", code] if code else ["-m", "streams.cli", *args]
    return subprocess.run([sys.executable, *command], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def test_version_is_the_installed_distributions():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    result = streams("--version")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"streams {version}\n", "")


def test_worker_help_shows_the_projects_defaults_and_starts_nothing():
    for flag in ("--help", "-h"):
        result = streams(code="import sys; from streams.cli import main; "
                              f"rc = main(['worker', '-l', 'info', '{flag}']); "
                              "print('faust imported:', 'faust' in sys.modules); sys.exit(rc)")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("usage: streams worker [FAUST WORKER OPTIONS]\n")
        assert "  STREAMS_WEB_HOST     address the web API binds and advertises: default 127.0.0.1" \
            in result.stdout
        assert "  -p, --web-port PORT    web API port (default: $STREAMS_WEB_PORT, 6066)" \
            in result.stdout
        assert "0.0.0.0" not in result.stdout
        assert result.stdout.endswith("faust imported: False\n")  # no worker, not even Faust


def test_help_flags_and_the_environment_in_the_text():
    assert wants_help(["-h"]) and wants_help(["-l", "info", "--help"])
    assert not wants_help(["-l", "info"]) and not wants_help(["--", "-h"])
    assert ("  STREAMS_WEB_PORT     port of the web API (/dashboard, /actors/top, /metrics, ...): "
            "default 6066 (now 6071)") in worker_help({"STREAMS_WEB_PORT": "6071"}).splitlines()
