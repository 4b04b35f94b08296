"""The worker's HTTP API on a real worker: loopback only by default, and read-only."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from probes import metrics

from streams.http import metrics as m
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
