"""What the failures cost (takeover times, catch-up), collected by the tests and printed by
conftest.py at the end of the run: `make test` shows no test's own output."""

from __future__ import annotations

FIGURES: list[str] = []


def report(line: str) -> None:
    FIGURES.append(line)
