"""The pipeline on a broker secured as production clusters are: TLS, SCRAM-SHA-512 and ACLs.

Each principal signs in with its own SCRAM user and gets only the rights `streams acls --apply`
gives it. The seed runs end to end; a wrong password, an unknown user, a CA that did not sign
the broker's certificate and a missing ACL each stop a command in one line with its own exit
status and nothing written; the worker's principal can touch no topic outside its list.
"""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
import subprocess
import sys
import time
import uuid
from dataclasses import replace

import certifi
import orjson
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    ClusterAuthorizationFailedError,
    TopicAuthorizationFailedError,
)
from probes import expected_counts, served_counts, wait_until
from worker_process import ROOT, Worker, stream_settings

from streams.contract.topics import ARTICLES, DEAD_LETTERS, partitions_for
from streams.extraction.pipeline import extract
from streams.kafka_refusals import AUTHENTICATION_FAILED, CERTIFICATE_NOT_TRUSTED, NOT_AUTHORIZED
from streams.tools.acls import Principals, pipeline_grants
from streams.tools.admin import create_topics
from streams.tools.corpus import read_articles

pytestmark = pytest.mark.integration

FAST = 30.0  # seconds a refused command may take, interpreter start included


def streams(broker, settings, *args: str, user: str | None = None, password: str | None = None,
            extra: dict | None = None, timeout: float = 120.0) -> subprocess.CompletedProcess:
    """`streams ARGS` as `user` (admin by default) with these settings."""
    env = {**os.environ, **settings.to_env(), **broker.client_env(user, password), **(extra or {})}
    return subprocess.run([sys.executable, "-m", "streams.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


async def end_offsets(settings, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap, **settings.security)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(partitions_for(ARTICLES, settings))]
        return sum((await consumer.end_offsets(partitions)).values())
    finally:
        await consumer.stop()


@pytest.fixture(scope="module")
def deployment(secured_broker, tmp_path_factory):
    """Topics made by admin, the ACLs applied through `streams acls --apply`, a worker signed
    in as `worker`. The app id must not be a prefix of the topic names (check_prefixes)."""
    tmp = tmp_path_factory.mktemp("secured")
    run = uuid.uuid4().hex[:8]
    base = replace(stream_settings(secured_broker.bootstrap, tmp), app_id=f"sec-{run}-app",
                   topic_prefix=f"sec-{run}-", store="memory://")
    admin = secured_broker.settings(base)
    asyncio.run(create_topics(admin))
    applied = streams(secured_broker, base, "acls", "--apply")
    assert applied.returncode == 0, applied.stderr
    grants = pipeline_grants(base, Principals())
    assert applied.stdout.splitlines() == [grant.line() for grant in grants]
    assert f"{len(grants)} ACLs created" in applied.stderr
    worker = Worker(base, tmp / "worker.log", env=secured_broker.client_env("worker"))
    worker.start()
    yield secured_broker, base, admin
    worker.stop()


def test_the_seed_runs_end_to_end_over_sasl_ssl_with_least_rights(deployment, tmp_path):
    broker, settings, admin = deployment
    [seed] = read_articles("seeds")
    sent = streams(broker, settings, "replay", "seeds", "--quiet", user="replay")
    assert sent.returncode == 0 and sent.stdout.startswith("sent 1 articles"), sent.stderr
    # the worker's tables, over its HTTP API: every count the offline extractor implies
    want = expected_counts(seed, 1)
    wait_until(lambda: served_counts(settings) == want, "the counts of the seed", timeout=150)
    # the downstream reader sees every event (tail joins no group: READ on the topic suffices)
    events = extract(seed)["events"]
    read = streams(broker, settings, "tail", "events", "--from-beginning", "--compact",
                   "--max", str(len(events)), "--timeout", "60", user="reader")
    assert read.returncode == 0, read.stderr
    ids = [orjson.loads(line)["event_id"] for line in read.stdout.splitlines()]
    assert sorted(ids) == sorted(f"{seed['id']}:{n}" for n in range(len(events)))
    # the sink, in its own group, writes them all
    db = tmp_path / "events.duckdb"
    sunk = streams(broker, settings, "sink", "--db", f"duckdb:///{db}", "--until-idle", "5",
                   user="sink")
    assert sunk.returncode == 0, sunk.stderr
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == len(events)


REFUSALS = {
    "wrong password": ("replay", "not-its-password", {}, AUTHENTICATION_FAILED,
                       "streams replay: the broker refused the login of replay: wrong password "
                       "or unknown user"),
    "unknown user": ("mallory", "any-password", {}, AUTHENTICATION_FAILED,
                     "streams replay: the broker refused the login of mallory: wrong password "
                     "or unknown user"),
    "untrusted certificate": ("replay", None, {"KAFKA_SSL_CAFILE": certifi.where()},
                              CERTIFICATE_NOT_TRUSTED,
                              "streams replay: the broker's TLS certificate is not trusted"),
    "no ACL for the topic": ("worker", None, {}, NOT_AUTHORIZED,
                             "streams replay: worker is not allowed to use topic sec-"),
    "no ACL at all": ("stranger", None, {}, NOT_AUTHORIZED,
                      "streams replay: stranger is not allowed to use the cluster"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_refused_client_stops_in_one_line_and_writes_nothing(deployment, case):
    broker, settings, admin = deployment
    user, password, extra, status, line = REFUSALS[case]
    before = asyncio.run(end_offsets(admin, settings.topic(ARTICLES)))
    started = time.monotonic()
    done = streams(broker, settings, "replay", "seeds", "--quiet", user=user, password=password,
                   extra=extra)
    took = time.monotonic() - started
    assert done.returncode == status, done.stderr
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith(line), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert took < FAST, took
    assert asyncio.run(end_offsets(admin, settings.topic(ARTICLES))) == before


def test_a_worker_with_a_wrong_password_stops_before_faust_starts(deployment):
    broker, settings, _ = deployment
    done = streams(broker, settings, "worker", user="worker",
                   password="not-its-password")
    assert done.returncode == AUTHENTICATION_FAILED
    assert done.stderr.splitlines() == [
        "streams worker: the broker refused the login of worker: wrong password or unknown user "
        "(KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD)"]


async def refused_writes(settings, topic: str) -> BaseException | None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap, **settings.security)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"{}", key=b"x")
        return None
    except Exception as exc:
        return exc
    finally:
        await producer.stop()


async def reads(settings, topic: str) -> list | BaseException:
    """The records of partition 0 from the beginning, or the error the broker answered. A topic
    one may not even describe is not an error to aiokafka: it just never gets a record."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap,
                                auto_offset_reset="earliest", **settings.security)
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, 0)])
        records = []
        for _ in range(2):
            for batch in (await consumer.getmany(timeout_ms=4000)).values():
                records += batch
        return records
    except Exception as exc:
        return exc
    finally:
        await consumer.stop()


async def refused_create(settings, topic: str) -> BaseException | None:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap, **settings.security)
    await admin.start()
    try:
        response = await admin.create_topics([NewTopic(topic, 1, 1)])
        codes = [error for _, error, *_ in response.topic_errors]
        return None if codes == [0] else TopicAuthorizationFailedError(topic, codes)
    except Exception as exc:
        return exc
    finally:
        await admin.close()


def test_the_worker_principal_touches_no_topic_outside_its_list(deployment):
    broker, settings, admin = deployment
    other = f"{settings.topic_prefix}private"  # someone else's topic on the same broker
    assert asyncio.run(refused_create(admin, other)) is None
    assert asyncio.run(refused_writes(admin, other)) is None  # one record to be kept from it
    assert len(asyncio.run(reads(admin, other))) == 1
    worker = broker.settings(settings, "worker")
    denied = (TopicAuthorizationFailedError, ClusterAuthorizationFailedError)
    for topic in (settings.topic(ARTICLES), other):  # it only reads articles
        assert isinstance(asyncio.run(refused_writes(worker, topic)), denied), topic
    assert isinstance(asyncio.run(reads(worker, settings.topic(DEAD_LETTERS))), denied)
    kept_out = asyncio.run(reads(worker, other))  # the admin's record never reaches it
    assert kept_out == [] or isinstance(kept_out, denied), kept_out
    assert isinstance(asyncio.run(refused_create(worker, f"{settings.topic_prefix}new")), denied)
    # and what is on its list it may do: its own internal prefix, and reading articles
    assert asyncio.run(refused_create(worker, f"{settings.app_id}-scratch")) is None
    assert isinstance(asyncio.run(reads(worker, settings.topic(ARTICLES))), list)  # no error
    assert asyncio.run(refused_writes(worker, f"{settings.app_id}-scratch")) is None


def test_the_controller_listener_wants_a_certificate_the_ca_signed(secured_broker):
    """No anonymous principal: a client that trusts the CA but shows no certificate of its own
    gets no further than the TLS handshake on the KRaft controller listener."""
    context = ssl.create_default_context(cafile=str(secured_broker.ca_file))
    with pytest.raises(ssl.SSLError, match="(?i)certificate"), \
            socket.create_connection(("127.0.0.1", secured_broker.controller_port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        tls.sendall(b"\x00\x00\x00\x00")  # TLS 1.3: the server's refusal comes after the handshake
        tls.recv(1)
