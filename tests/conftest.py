"""Shared fixtures: the seed article and the path to the shared evaluation data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_FILE = ROOT / "seeds" / "000_2b378bade59abd59.json"


@pytest.fixture(scope="session")
def seed_article() -> dict:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))
