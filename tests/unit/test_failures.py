"""Each failure kind: its exit status, the exceptions that map to it and the one line it prints."""

from __future__ import annotations

import errno
import logging
import re
import ssl
from pathlib import Path

import pytest
from aiokafka import errors as kafka

from streams import failures
from streams.cli import main
from streams.failures import (
    BootstrapCauses,
    ConfigError,
    Failure,
    InputError,
    MissingDependency,
    describe,
    one_line,
)

BOOTSTRAP = "127.0.0.1:9999"


def test_each_kind_has_its_own_documented_status():
    assert {kind.name: kind.status for kind in failures.KINDS} == {
        "other": 1, "usage": 2, "topics differ": 3, "bad configuration": 4,
        "missing or unreadable input": 5, "broker unreachable": 6,
        "authentication failed": 7, "unknown topic": 8, "port in use": 9,
        "missing dependency": 10, "worker not reachable": 11, "certificate not trusted": 12,
        "not authorised": 13}


def test_a_refused_bootstrap_names_the_address_and_the_cause():
    refused = ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed ('127.0.0.1', 9999)")
    kind, cause, hint = describe(kafka.KafkaConnectionError("Unable to bootstrap from [...]"),
                                 BOOTSTRAP, [refused])
    assert (kind, cause) == (failures.BROKER,
                             "cannot reach a Kafka broker at 127.0.0.1:9999 (Connection refused)")
    assert hint.startswith("start it (ops/kafka start, or make up) or set KAFKA_BOOTSTRAP")


def test_a_bootstrap_refused_for_its_credentials_is_an_authentication_failure():
    causes = [ConnectionRefusedError(errno.ECONNREFUSED, "x"),
              kafka.SaslAuthenticationFailed("invalid credentials with SASL mechanism SCRAM-SHA-512")]
    kind, cause, _ = describe(kafka.KafkaConnectionError("Unable to bootstrap"), BOOTSTRAP, causes)
    assert (kind.status, cause) == (7, "the broker at 127.0.0.1:9999 refused the connection: "
                                       "SaslAuthenticationFailed: invalid credentials with SASL "
                                       "mechanism SCRAM-SHA-512")


def test_a_broker_error_without_a_message_is_worded_by_its_description():
    kind, cause, _ = describe(kafka.KafkaConnectionError(), BOOTSTRAP,
                              [kafka.IllegalSaslStateError(object())])
    assert kind is failures.AUTH
    assert cause.endswith("IllegalSaslStateError: Request is not valid given the current SASL state")


@pytest.mark.parametrize(("exc", "status"), [
    (kafka.TopicAuthorizationFailedError(), 13),
    (kafka.GroupAuthorizationFailedError(), 13),
    (kafka.SaslAuthenticationFailed(), 7),
    (ssl.SSLCertVerificationError("certificate verify failed"), 12),
    (kafka.UnknownTopicOrPartitionError(), 8),
    (kafka.KafkaTimeoutError(), 6),
    (OSError(errno.EADDRINUSE, "Address already in use"), 9),
    (FileNotFoundError(errno.ENOENT, "No such file or directory", "corpus.json"), 5),
    (PermissionError(errno.EACCES, "Permission denied", "corpus.json"), 5),
    (ConfigError("STREAMS_PARTITIONS='four' is not a number"), 4),
    (InputError("no articles in empty/"), 5),
    (MissingDependency("the spaCy model x is not installed"), 10),
    (Failure("no worker answers", failures.WORKER_UNREACHABLE), 11),
    (RuntimeError("boom"), 1),
])
def test_exceptions_map_to_their_kind(exc, status):
    assert describe(exc, BOOTSTRAP)[0].status == status


def test_a_missing_file_names_it():
    exc = FileNotFoundError(errno.ENOENT, "No such file or directory", "corpus.json")
    assert describe(exc)[1] == "corpus.json: No such file or directory"


def test_an_unexpected_exception_names_its_type_and_points_at_debug():
    kind, cause, hint = describe(KeyError("id"))
    assert (kind, cause) == (failures.OTHER, "KeyError: 'id'")
    assert "--debug" in hint


def test_a_project_message_is_kept_as_written():
    assert describe(ValueError("'x': > needs a number")) == (failures.OTHER, "'x': > needs a number", "")


def test_a_hint_given_with_the_failure_replaces_the_kind_s():
    assert describe(ConfigError("bad", hint="do this"))[2] == "do this"


def test_one_line_is_one_line_and_names_the_command():
    assert one_line("tail", "first\nsecond", "see streams COMMAND --help") == \
        "streams tail: first second; see streams tail --help"
    assert one_line("topics", "cause", "") == "streams topics: cause"


def bootstrap_record(cause: BaseException) -> logging.LogRecord:
    return logging.LogRecord("aiokafka", logging.ERROR, __file__, 1, 'Unable connect to "%s:%s": %s',
                             ("127.0.0.1", 9999, cause), None)


def test_bootstrap_causes_keeps_the_cause_and_the_line_off_stderr():
    cause = ConnectionRefusedError(errno.ECONNREFUSED, "refused")
    causes = BootstrapCauses()
    assert causes.filter(bootstrap_record(cause)) is False
    assert causes.causes == [cause]
    other = logging.LogRecord("aiokafka", logging.WARNING, __file__, 1, "something else", (), None)
    assert causes.filter(other) is True
    assert BootstrapCauses(show=True).filter(bootstrap_record(cause)) is True  # --debug


def test_bootstrap_causes_is_installed_only_while_in_use():
    logger = logging.getLogger("aiokafka")
    with BootstrapCauses() as causes:
        assert causes in logger.filters
    assert causes not in logger.filters


def test_the_cli_prints_one_line_and_the_status(monkeypatch, capsys):
    monkeypatch.setenv("STREAMS_PARTITIONS", "four")
    assert main(["topics"]) == 4
    assert capsys.readouterr().err == (
        "streams topics: STREAMS_PARTITIONS='four' is not a number; fix the variable "
        "(every variable: docs/operations.md#configuration)\n")


@pytest.mark.parametrize("how", ["flag", "variable"])
def test_debug_adds_the_traceback_before_the_line(monkeypatch, capsys, how):
    monkeypatch.setenv("STREAMS_PARTITIONS", "four")
    if how == "variable":
        monkeypatch.setenv("STREAMS_DEBUG", "1")
    assert main(["--debug", "topics"] if how == "flag" else ["topics"]) == 4
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "Traceback (most recent call last):"
    assert err[-1].startswith("streams topics: STREAMS_PARTITIONS='four' is not a number; ")


@pytest.mark.parametrize(("variables", "line"), [
    ({"KAFKA_BOOTSTRAP": "127.0.0.1:abc"}, "KAFKA_BOOTSTRAP='127.0.0.1:abc': 127.0.0.1:abc is not "
                                           "host:port; list the brokers as host:port, comma-separated"),
    ({"KAFKA_BOOTSTRAP": " "}, "KAFKA_BOOTSTRAP is empty; list the brokers as host:port, "
                               "comma-separated"),
    ({"STREAMS_WEB_PORT": "70000"}, "STREAMS_WEB_PORT=70000 is not a port (1 to 65535); fix the "
                                    "variable (every variable: docs/operations.md#configuration)"),
])
def test_an_address_the_clients_would_refuse_names_its_variable(monkeypatch, capsys, variables,
                                                                line):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert main(["topics"]) == 4
    assert capsys.readouterr().err == f"streams topics: {line}\n"


def test_the_operations_page_lists_every_kind():
    page = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text("utf-8")
    section = page.split("## Exit status", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| (\d+) \| ([^|]+?) \|", section, flags=re.MULTILINE))
    assert {int(status): name for status, name in rows.items()} == {
        0: "done", **{kind.status: kind.name for kind in failures.KINDS},
        failures.INTERRUPTED: "interrupted"}
