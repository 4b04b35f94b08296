"""The three-node cluster secured as the single broker is (`CLUSTER_SECURITY=sasl_ssl ops/cluster
up`): TLS and SCRAM-SHA-512 on the client listener, mutual TLS on the controllers' listener, ACLs
enforced. The seed runs end to end with a worker on a host of its own signed in as `worker`; a
client without a certificate the test CA signed gets nothing from any node's controller listener.

A cluster of its own (own names, own /24), up for this module and down after, so it never meets
the plaintext cluster of test_cluster.py.
"""

from __future__ import annotations

import os
import secrets
import socket
import ssl
import subprocess
import sys
import uuid
from dataclasses import replace

import pytest
from probes import expected_counts, served_counts, wait_until
from secured_broker import PASSWORDS
from worker_process import ROOT, Worker, stream_settings

from streams.kafka_refusals import AUTHENTICATION_FAILED
from streams.loadtest.workers import why_no_cluster
from streams.settings import Settings
from streams.tools.corpus import read_articles

pytestmark = [pytest.mark.integration, pytest.mark.cluster, pytest.mark.timeout(600)]

REQUIRE_VARIABLE = "STREAMS_REQUIRE_CLUSTER"  # as test_cluster.py: CI sets it

NET = "10.213.29"  # not the default cluster's
NODES = ("k1", "k2", "k3")
WEB_PORT = 6066


class SecuredCluster:
    """`ops/cluster` with CLUSTER_SECURITY=sasl_ssl under names, addresses and a folder of its own."""

    def __init__(self, folder) -> None:
        users = folder / "scram-users"
        users.write_text("".join(f"{name} {password}\n" for name, password in PASSWORDS.items()))
        self.names = {"CLUSTER_PREFIX": "nsx-", "CLUSTER_NET": NET,
                      "CLUSTER_DATA_DIR": str(folder / "cluster"), "CLUSTER_SECURITY": "sasl_ssl",
                      "KAFKA_SCRAM_USERS_FILE": str(users)}
        self.env = {**os.environ, **self.names}

    def run(self, *command: str, timeout: float = 300.0) -> str:
        done = subprocess.run([str(ROOT / "ops" / "cluster"), *command], env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            pytest.fail(f"ops/cluster {' '.join(command)} (secured) failed:\n"
                        f"{done.stdout}{done.stderr}", pytrace=False)
        return done.stdout.strip()

    def client_env(self, user: str | None = None, password: str | None = None) -> dict[str, str]:
        """`ops/cluster client-env` (admin), or signed in as `user`."""
        env = dict(pair.split("=", 1) for line in self.run("client-env").splitlines()
                   for pair in line.removeprefix("export ").split())
        if user is not None:
            env["KAFKA_SASL_USERNAME"] = user
            env["KAFKA_SASL_PASSWORD"] = password if password is not None else PASSWORDS[user]
        return env


@pytest.fixture(scope="module")
def secured_cluster(tmp_path_factory):
    reason = why_no_cluster()
    if reason:
        if os.environ.get(REQUIRE_VARIABLE, "").strip().lower() in ("1", "true", "yes"):
            pytest.fail(f"{REQUIRE_VARIABLE} is set and {reason}", pytrace=False)
        pytest.skip(reason)
    cluster = SecuredCluster(tmp_path_factory.mktemp("secured-cluster"))
    up = cluster.run("up")
    assert "(sasl_ssl)" in up, up
    yield cluster
    cluster.run("down")


def streams(cluster: SecuredCluster, settings: Settings, *args: str, user: str | None = None,
            password: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **settings.to_env(), **cluster.client_env(user, password)}
    return subprocess.run([sys.executable, "-m", "streams.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def test_the_seed_runs_end_to_end_on_the_secured_cluster(secured_cluster, tmp_path):
    run = uuid.uuid4().hex[:8]
    base = replace(stream_settings(secured_cluster.client_env()["KAFKA_BOOTSTRAP"], tmp_path),
                   app_id=f"sc-{run}-app", topic_prefix=f"sc-{run}-", replication_factor=3,
                   min_insync_replicas=2, web_host=f"{NET}.21", web_port=WEB_PORT,
                   web_token=secrets.token_urlsafe())
    made = streams(secured_cluster, base, "topics")
    assert made.returncode == 0, made.stderr
    applied = streams(secured_cluster, base, "acls", "--apply")
    assert applied.returncode == 0, applied.stderr
    # a wrong password is refused in one line before anything is sent
    refused = streams(secured_cluster, base, "replay", "seeds", "--quiet", user="replay",
                      password="not-its-password")
    assert refused.returncode == AUTHENTICATION_FAILED, refused.stderr
    assert len(refused.stderr.splitlines()) == 1, refused.stderr
    worker = Worker(base, tmp_path / "w1.log", host="w1",
                    env={**secured_cluster.names, **secured_cluster.client_env("worker")})
    worker.start(timeout=240)
    try:
        [seed] = read_articles("seeds")
        sent = streams(secured_cluster, base, "replay", "seeds", "--quiet", user="replay")
        assert sent.returncode == 0 and sent.stdout.startswith("sent 1 articles"), sent.stderr
        want = expected_counts(seed, 1)
        wait_until(lambda: served_counts(base) == want, "the seed's counts on the secured cluster",
                   timeout=300)
    finally:
        worker.stop()


@pytest.mark.parametrize("node", NODES)
def test_a_controller_listener_refuses_a_client_without_a_certificate(secured_cluster, node):
    """Trusting the CA is not enough: the controllers want the client's own certificate."""
    address = secured_cluster.run("address", node)
    ca_file = secured_cluster.client_env()["KAFKA_SSL_CAFILE"]
    context = ssl.create_default_context(cafile=ca_file)
    with pytest.raises(ssl.SSLError, match="(?i)certificate"), \
            socket.create_connection((address, 9093), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname=address) as tls:
        tls.sendall(b"\x00\x00\x00\x00")  # TLS 1.3: the server's refusal comes after the handshake
        tls.recv(1)
