"""Large C allocations mapped apart (streams/runtime/c_heap.py)."""

from __future__ import annotations

import ctypes
import sys

import pytest

from streams.runtime.c_heap import M_MMAP_THRESHOLD, map_large_allocations


def test_zero_leaves_glibc_s_own_rule():
    assert map_large_allocations(0) is False


def test_the_threshold_goes_to_mallopt(monkeypatch):
    calls = []

    class FakeLibc:
        def __init__(self):
            self.mallopt = self

        def __call__(self, parameter, value):
            calls.append((parameter, value))
            return 1

    monkeypatch.setattr(ctypes, "CDLL", lambda name: FakeLibc())
    assert map_large_allocations(65536) is True
    assert calls == [(M_MMAP_THRESHOLD, 65536)]


def test_a_c_library_without_mallopt_is_left_alone(monkeypatch):
    monkeypatch.setattr(ctypes, "CDLL", lambda name: object())
    assert map_large_allocations(65536) is False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_glibc_takes_the_threshold():
    # the process's own glibc: set it to the worker's value (what the tests run with anyway)
    assert map_large_allocations(65536) is True
