"""The accuracy tests need the evaluation sets, which are never copied into the repository.

They are read from $STREAMS_EVAL_DIR, else ../shared/eval beside the checkout. Where they are
missing, a user's clone reports these tests as skipped, with one loud line that says where it
looked; with STREAMS_REQUIRE_EVAL=1 (CI sets it) their absence fails the run instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from streams.evaluation.report import EVAL_DIR_VARIABLE, default_eval_dir, missing_files

REQUIRE_VARIABLE = "STREAMS_REQUIRE_EVAL"


def eval_sets_required() -> bool:
    return os.environ.get(REQUIRE_VARIABLE, "").strip().lower() in ("1", "true", "yes")


def missing_message(eval_dir: Path, missing: list[str]) -> str:
    return (f"evaluation sets not found in {eval_dir} (missing: {', '.join(missing)}); "
            f"set {EVAL_DIR_VARIABLE} to the folder that holds them")


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    """The folder of evaluation sets; skips (or, when they are required, fails) without it."""
    folder = default_eval_dir()
    missing = missing_files(folder)
    if missing:
        message = missing_message(folder, missing)
        if eval_sets_required():
            pytest.fail(f"{REQUIRE_VARIABLE} is set and the {message}", pytrace=False)
        pytest.skip(message)
    return folder


def pytest_terminal_summary(terminalreporter) -> None:
    """One line nobody can miss at the end of a run that skipped the accuracy tests."""
    skipped = [report for report in terminalreporter.stats.get("skipped", [])
               if "tests/accuracy/" in report.nodeid.replace("\\", "/")]
    if skipped:
        folder = default_eval_dir()
        terminalreporter.write_line(
            f"ACCURACY NOT MEASURED: {len(skipped)} accuracy tests skipped: "
            f"{missing_message(folder, missing_files(folder))}", yellow=True, bold=True)
