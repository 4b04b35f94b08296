"""Security defaults without a broker: SASL_SSL/SCRAM settings reach every Kafka client, the web
API binds to loopback unless told otherwise, and no input is ever unpickled or evaluated."""

from __future__ import annotations

import ast
import ssl
from dataclasses import replace
from pathlib import Path

import certifi  # installed with requests (a spaCy dependency): a real CA bundle to load
import faust
import pytest
from aiokafka import AIOKafkaProducer
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

import streams.tools.admin
import streams.tools.replay
from streams.contract.topics import CONTRACT_TOPICS
from streams.runtime.app import _credentials, create_app
from streams.settings import Settings

STREAMS = Path(__file__).resolve().parents[2] / "streams"

SCRAM = {
    "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
    "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
    "KAFKA_SASL_USERNAME": "pipeline",
    "KAFKA_SASL_PASSWORD": "s3cret",
}
EXPECTED = {"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": "pipeline", "sasl_plain_password": "s3cret"}


@pytest.fixture()
def scram(monkeypatch) -> Settings:
    for name, value in SCRAM.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KAFKA_SSL_CAFILE", certifi.where())
    return Settings.from_env()


def without_context(options: dict) -> dict:
    return {k: v for k, v in options.items() if k != "ssl_context"}


def test_plaintext_is_the_default(monkeypatch):
    for name in [*SCRAM, "KAFKA_SSL_CAFILE"]:
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert settings.security == {}
    assert _credentials(settings) is None


def test_scram_over_tls_settings_come_from_the_environment(scram):
    assert without_context(scram.security) == EXPECTED
    context = scram.security["ssl_context"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0  # KAFKA_SSL_CAFILE was loaded


def test_a_missing_ca_file_fails_at_startup(monkeypatch):
    for name, value in SCRAM.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KAFKA_SSL_CAFILE", "no/such/ca.pem")
    with pytest.raises(FileNotFoundError):
        Settings.from_env()


async def test_the_replay_producer_gets_the_security_options(scram, monkeypatch):
    captured = {}

    class Producer(AIOKafkaProducer):
        def __init__(self, **kwargs):
            captured.update(kwargs)
            super().__init__(**kwargs)  # aiokafka accepts every option as given

    monkeypatch.setattr(streams.tools.replay, "AIOKafkaProducer", Producer)
    producer = streams.tools.replay.make_producer(scram)
    assert without_context(captured).items() >= EXPECTED.items()
    assert captured["ssl_context"] is scram.security["ssl_context"]
    client = producer.client
    assert (client._security_protocol, client._sasl_mechanism, client._sasl_plain_username) == (
        "SASL_SSL", "SCRAM-SHA-512", "pipeline")
    await producer.stop()  # never started: only closes the client


async def test_the_admin_client_gets_the_security_options(scram, monkeypatch):
    captured = {}

    class Admin:
        def __init__(self, **kwargs):
            captured.update(kwargs)

        async def start(self):
            pass

        async def list_topics(self):
            return [scram.topic(name) for name in CONTRACT_TOPICS]

        async def close(self):
            pass

    monkeypatch.setattr(streams.tools.admin, "AIOKafkaAdminClient", Admin)
    assert set((await streams.tools.admin.create_topics(scram)).values()) == {"exists"}
    assert without_context(captured) == {"bootstrap_servers": scram.bootstrap, **EXPECTED}
    assert captured["ssl_context"] is scram.security["ssl_context"]


def test_faust_gets_scram_credentials_over_tls(scram):
    app = create_app(replace(scram, store="memory://"))
    credentials = app.conf.broker_credentials
    assert isinstance(credentials, faust.SASLCredentials)
    auth = credentials_to_aiokafka_auth(credentials)
    assert without_context(auth) == EXPECTED
    assert auth["ssl_context"] is scram.security["ssl_context"]


def test_sasl_without_tls_and_tls_without_sasl(monkeypatch):
    for name, value in {**SCRAM, "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"}.items():
        monkeypatch.setenv(name, value)
    auth = credentials_to_aiokafka_auth(_credentials(Settings.from_env()))
    assert auth["security_protocol"] == "SASL_PLAINTEXT" and auth["ssl_context"] is None
    for name in ("KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SSL")
    settings = Settings.from_env()
    assert credentials_to_aiokafka_auth(_credentials(settings)) == {
        "security_protocol": "SSL", "ssl_context": settings.security["ssl_context"]}


def test_the_web_api_binds_to_loopback_unless_configured(monkeypatch):
    monkeypatch.delenv("STREAMS_WEB_HOST", raising=False)
    settings = Settings.from_env()
    assert settings.web_host == "127.0.0.1"
    app = create_app(replace(settings, store="memory://"))
    assert app.conf.web_bind == "127.0.0.1"
    monkeypatch.setenv("STREAMS_WEB_HOST", "0.0.0.0")
    monkeypatch.setenv("STREAMS_WEB_TOKEN", "a-token-for-the-open-bind")  # required beyond loopback
    assert create_app(replace(Settings.from_env(), store="memory://")).conf.web_bind == "0.0.0.0"


UNSAFE_MODULES = {"pickle", "cPickle", "dill", "marshal", "shelve", "jsonpickle"}
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__"}


def test_nothing_in_streams_unpickles_or_evaluates():
    """No module of the package imports a pickle-like loader or calls eval/exec/compile, and
    YAML (if ever used) is only read with a safe loader."""
    findings = []
    for path in sorted(STREAMS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            where = f"{path.relative_to(STREAMS.parent)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Import):
                findings += [where for alias in node.names
                             if alias.name.split(".")[0] in UNSAFE_MODULES]
            elif isinstance(node, ast.ImportFrom) and node.module:
                if node.module.split(".")[0] in UNSAFE_MODULES:
                    findings.append(where)
            elif isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if isinstance(func, ast.Name) and name in UNSAFE_CALLS:
                    findings.append(where)
                if name in ("load", "load_all") and isinstance(func, ast.Attribute) and \
                        getattr(func.value, "id", None) == "yaml":
                    findings.append(where)
    assert findings == []
