"""The worker's HTTP API on real workers: loopback only by default, and read-only; beyond
loopback only with a bearer token, which two workers of one app also send each other."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from probes import metrics
from worker_process import ROOT

from streams.http import metrics as m
from streams.http.access import OPEN_PATHS
from streams.runtime.app import create_app

pytestmark = pytest.mark.integration

LOOPBACK_V4, ANY_V4, ANY_V6 = "0100007F", "00000000", "0" * 32
EXAMPLES = {"{code}": "SYRMIL", "{geonameid}": "170063", "{key}": "170063", "{name}": "x"}


def listeners(port: int) -> set[str]:
    """Local addresses (hex, as /proc shows them) with a listening TCP socket on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def outward_address() -> str | None:
    """This machine's own non-loopback IPv4 address, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks the outgoing interface
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def test_the_worker_listens_on_loopback_only(pipeline):
    assert pipeline.web_host == "127.0.0.1"  # the default, not configured by the tests
    assert listeners(pipeline.web_port) == {LOOPBACK_V4}
    assert not listeners(pipeline.web_port) & {ANY_V4, ANY_V6}
    address = outward_address()
    if address is not None:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((address, pipeline.web_port), timeout=2).close()


def view_paths(settings) -> list[str]:
    app = create_app(settings)
    paths = list(app.web.views)
    for placeholder, example in EXAMPLES.items():
        paths = [path.replace(placeholder, example) for path in paths]
    assert all("{" not in path for path in paths), paths
    return [*paths, "/router/", "/table/"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_every_view_refuses_writes_with_405(pipeline, method):
    before = metrics(pipeline)
    paths = view_paths(pipeline)
    assert {"/metrics", "/health", "/actors/top", "/locations/170063"} <= set(paths)
    for path in paths:
        request = urllib.request.Request(f"{pipeline.web_url}{path}", data=b"{}", method=method)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 405, (method, path)
    assert m.total(metrics(pipeline), m.ARTICLES_IN) == m.total(before, m.ARTICLES_IN)


def status_of(url: str, token: str | None = None, method: str = "GET") -> int:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    request = urllib.request.Request(url, headers=headers, method=method,
                                     data=b"{}" if method != "GET" else None)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_worker_beyond_loopback_without_a_token_refuses_to_start(tmp_path):
    env = {**os.environ, "STREAMS_WEB_HOST": "0.0.0.0", "STREAMS_DATA_DIR": str(tmp_path),
           "KAFKA_BOOTSTRAP": "127.0.0.1:1"}  # it must stop before asking any broker
    env.pop("STREAMS_WEB_TOKEN", None)
    env.pop("STREAMS_WEB_TOKEN_FILE", None)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "streams.cli", "worker", "-l", "info"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "streams worker: the HTTP API would listen on 0.0.0.0, beyond loopback, without a token: "
        "set STREAMS_WEB_TOKEN or STREAMS_WEB_TOKEN_FILE, or bind 127.0.0.1"]
    assert time.monotonic() - started < 30 and not list(tmp_path.iterdir())  # nothing written


@pytest.fixture(scope="module")
def guarded(fresh_settings, new_worker):
    """A worker on every address (0.0.0.0) with a token. (Workers sending each other the token:
    tests/unit/http/test_access.py, without a second worker's cost.)"""
    settings = fresh_settings("guarded", web_host="0.0.0.0", web_token=secrets.token_urlsafe(),
                              store="memory://")
    new_worker(settings, "guarded").start()
    return settings


def test_beyond_loopback_every_path_but_liveness_needs_the_token(guarded):
    worker = guarded
    assert listeners(worker.web_port) & {ANY_V4, ANY_V6}  # it does listen beyond loopback
    url, token = worker.web_url, worker.web_token
    paths = [path for path in view_paths(worker) if path not in OPEN_PATHS]
    assert "/metrics" in paths and "/dashboard" in paths and "/health/ready" in paths
    for path in paths:
        assert status_of(f"{url}{path}") == 401, path
        assert status_of(f"{url}{path}", token="x" * len(token)) == 401, path
    assert status_of(f"{url}/actors/top", method="POST") == 401  # refused before the 405
    assert status_of(f"{url}/health/live") == 200
    for path in ("/metrics", "/dashboard", "/events/recent", "/health/live"):
        assert status_of(f"{url}{path}", token=token) == 200, path
    assert status_of(f"{url}/actors/top", token=token) in (200, 503)  # 503: still joining
    address = outward_address()
    if address is not None:  # from this host's own outward address: the same answers
        assert status_of(f"http://{address}:{worker.web_port}/metrics") == 401
        assert status_of(f"http://{address}:{worker.web_port}/metrics", token=token) == 200
