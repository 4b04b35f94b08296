"""exactly_once loses alerts on faust-streaming 0.15.3: the worker refuses it at start, in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from streams.runtime.app import check_processing_guarantee, create_app
from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[3]


def test_the_default_guarantee_is_accepted():
    check_processing_guarantee(Settings())
    assert Settings().processing_guarantee == "at_least_once"


@pytest.mark.parametrize("guarantee", ["exactly_once", "at_most_once"])
def test_create_app_refuses_any_other_guarantee(guarantee):
    with pytest.raises(ValueError) as refused:
        create_app(replace(Settings(), processing_guarantee=guarantee, store="memory://"))
    message = str(refused.value)
    assert message.startswith(f"STREAMS_PROCESSING_GUARANTEE={guarantee} is not supported: ")
    assert message.endswith("use at_least_once (the default: the dedupe ledgers keep every count exact)")


def test_exactly_once_says_why():
    with pytest.raises(ValueError, match="transaction nothing commits"):
        check_processing_guarantee(replace(Settings(), processing_guarantee="exactly_once"))


def test_the_worker_command_exits_with_one_line(tmp_path):
    env = {**os.environ, "STREAMS_PROCESSING_GUARANTEE": "exactly_once",
           "STREAMS_DATA_DIR": str(tmp_path / "state"), "KAFKA_BOOTSTRAP": "127.0.0.1:1"}
    done = subprocess.run([sys.executable, "-m", "streams.cli", "worker"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 4  # bad configuration (docs/operations.md#exit-status)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("streams worker: STREAMS_PROCESSING_GUARANTEE=exactly_once is not "
                               "supported: alerts raised by the window timer")
    assert done.stdout == ""
    assert not (tmp_path / "state").exists()  # refused before anything was opened
