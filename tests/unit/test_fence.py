"""The version fence: a module that overrides a library's internals runs only on the release it
was written against, and says so in one line otherwise."""

from __future__ import annotations

import importlib
from importlib import metadata
from pathlib import Path

import pytest

from streams import fence
from streams.contract import checked
from streams.runtime import draining_buffer, generation_table, idempotent_producer, storage


def installed_as(monkeypatch, versions: dict[str, str]) -> None:
    def version(name: str) -> str:
        if name not in versions:
            raise metadata.PackageNotFoundError(name)
        return versions[name]

    monkeypatch.setattr(fence.metadata, "version", version)


def test_the_supported_release_passes(monkeypatch):
    installed_as(monkeypatch, {"somelib": "1.2.3"})
    fence.require_version("somelib", "1.2.3", "pkg.mod", "mod.md")


@pytest.mark.parametrize("installed", ["1.2.4", "1.3.0", "0.9"])
def test_another_release_stops_with_one_line(monkeypatch, installed):
    installed_as(monkeypatch, {"somelib": installed})
    with pytest.raises(fence.UnsupportedVersion) as stopped:
        fence.require_version("somelib", "1.2.3", "pkg.mod", "mod.md")
    assert str(stopped.value) == (f"somelib {installed} is installed, but pkg.mod overrides internals "
                                  "of somelib 1.2.3: see docs/decisions/mod.md")
    assert isinstance(stopped.value, SystemExit)  # uncaught, Python prints the line and exits 1


def test_a_missing_distribution_stops_too(monkeypatch):
    installed_as(monkeypatch, {})
    with pytest.raises(fence.UnsupportedVersion, match="^somelib none is installed, but pkg.mod"):
        fence.require_version("somelib", "1.2.3", "pkg.mod", "mod.md")


@pytest.mark.parametrize(("module", "record"), [(checked, "checked-topics.md"),
                                                 (idempotent_producer, "idempotent-producer.md"),
                                                 (generation_table, "generation-table.md"),
                                                 (draining_buffer, "draining-producer-buffer.md"),
                                                 (storage, "rocksdb-shared-memory.md")])
def test_a_fenced_module_refuses_another_faust_at_import(monkeypatch, module, record):
    installed_as(monkeypatch, {"faust-streaming": "0.16.0"})
    with pytest.raises(fence.UnsupportedVersion) as stopped:
        importlib.reload(module)
    assert str(stopped.value) == (
        f"faust-streaming 0.16.0 is installed, but {module.__name__} overrides internals of "
        f"faust-streaming 0.15.3: see docs/decisions/{record}")


def test_every_fenced_module_has_its_decision_record():
    root = Path(__file__).resolve().parents[2]
    for record in ("ordered-consumer.md", "checked-topics.md", "aiokafka-header-names.md",
                   "generation-table.md", "draining-producer-buffer.md",
                   "idempotent-producer.md", "rocksdb-shared-memory.md"):
        assert (root / "docs" / "decisions" / record).is_file(), record
