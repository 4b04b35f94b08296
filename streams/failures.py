"""The common failures, each as one line on stderr and an exit status of its own.

`KINDS` is the table docs/operations.md#exit-status shows: a kind's exit status and what to do
about it. Project code that knows a cause raises `Failure` (or one of its subclasses) with the
kind; `describe` turns any other exception (aiokafka's, the operating system's) into a kind and
a line. `streams.cli.main` is the one place that prints the line and returns the status.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import socket
import ssl
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    status: int  # the process's exit status
    name: str
    hint: str  # what to do, after the cause


OTHER = Kind(1, "other", "run it again with --debug (or STREAMS_DEBUG=1) for the traceback")
USAGE = Kind(2, "usage", "see streams COMMAND --help")  # also argparse's own status
TOPICS_DIFFER = Kind(3, "topics differ", "the topic is left as it is: change it or the settings")
CONFIG = Kind(4, "bad configuration",
              "fix the variable (every variable: docs/operations.md#configuration)")
INPUT = Kind(5, "missing or unreadable input", "check the path and the file")
BROKER = Kind(6, "broker unreachable",
              "start it (ops/kafka start, or make up) or set KAFKA_BOOTSTRAP to host:port of a "
              "running broker")
AUTH = Kind(7, "authentication failed",
            "check KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, "
            "KAFKA_SASL_PASSWORD, KAFKA_SSL_CAFILE and the principal's ACLs")
UNKNOWN_TOPIC = Kind(8, "unknown topic",
                     "create the topics with streams topics (and check STREAMS_TOPIC_PREFIX)")
PORT_IN_USE = Kind(9, "port in use",
                   "stop what listens there, or set STREAMS_WEB_PORT to a free port "
                   "(or run the worker with --without-web)")
MISSING_DEPENDENCY = Kind(10, "missing dependency",
                          "install it (make installs the Python packages; Java 17 and Maven "
                          "come from the system's packages)")
WORKER_UNREACHABLE = Kind(11, "worker not reachable",
                          "start one (ops/worker start, or make up) or set STREAMS_WEB_HOST and "
                          "STREAMS_WEB_PORT to where it serves")
CERTIFICATE = Kind(12, "certificate not trusted",
                   "set KAFKA_SSL_CAFILE to the CA that signed the broker's certificate")
NOT_AUTHORIZED = Kind(13, "not authorised", "grant the principal its ACLs (streams acls --apply "
                      "lists and creates the ones the pipeline needs)")
INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT

KINDS = (OTHER, USAGE, TOPICS_DIFFER, CONFIG, INPUT, BROKER, AUTH, UNKNOWN_TOPIC, PORT_IN_USE,
         MISSING_DEPENDENCY, WORKER_UNREACHABLE, CERTIFICATE, NOT_AUTHORIZED)


class Failure(Exception):
    """A failure whose cause the project knows: the message names it, the kind says what to do
    (unless `hint` says it better)."""

    kind: Kind = OTHER

    def __init__(self, message: str, kind: Kind | None = None, hint: str | None = None):
        super().__init__(message)
        self.kind = kind or self.kind
        self.hint = hint


class ConfigError(Failure, ValueError):
    """A setting that cannot be used: an environment variable or the file one names."""

    kind = CONFIG


class InputError(Failure, ValueError):
    """A file or folder of input that is missing, unreadable or holds nothing usable."""

    kind = INPUT


class MissingDependency(Failure, RuntimeError):
    """Something the project needs that is not installed (a spaCy model, Java, Maven)."""

    kind = MISSING_DEPENDENCY


def auth_errors() -> tuple[type[BaseException], ...]:
    """aiokafka's errors for credentials, TLS and ACLs (imported only when a failure is
    described: settings.py raises ConfigError and must stay cheap to import)."""
    from aiokafka import errors as kafka

    return (kafka.AuthenticationFailedError, kafka.AuthenticationMethodNotSupported,
            kafka.SaslAuthenticationFailed, kafka.UnsupportedSaslMechanismError,
            kafka.IllegalSaslStateError, kafka.TopicAuthorizationFailedError,
            kafka.GroupAuthorizationFailedError, kafka.ClusterAuthorizationFailedError,
            kafka.TransactionalIdAuthorizationFailed, ssl.SSLError)


# What aiokafka logs, instead of raising, when it cannot connect to a bootstrap host: the
# exception it raises after trying every host says only "Unable to bootstrap from [...]".
BOOTSTRAP_RECORDS = ('Unable connect to "', 'Unable to request metadata from "')


class BootstrapCauses(logging.Filter):
    """Keeps the cause aiokafka logs for each bootstrap host it could not use, and (unless
    `show` is set) keeps those log lines off stderr: the failure's one line names the cause."""

    def __init__(self, show: bool = False):
        super().__init__()
        self.show = show
        self.causes: list[BaseException] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if not (isinstance(record.msg, str) and record.msg.startswith(BOOTSTRAP_RECORDS)):
            return True
        if record.args and isinstance(record.args[-1], BaseException):
            self.causes.append(record.args[-1])
        return self.show

    def __enter__(self) -> BootstrapCauses:
        logging.getLogger("aiokafka").addFilter(self)
        return self

    def __exit__(self, *exc) -> None:
        logging.getLogger("aiokafka").removeFilter(self)


def describe(exc: BaseException, bootstrap: str = "",
             causes: list[BaseException] | tuple = ()) -> tuple[Kind, str, str]:
    """(kind, cause, what to do) of an exception; `causes` are those BootstrapCauses kept."""
    from aiokafka import errors as kafka

    auth = auth_errors()
    if isinstance(exc, Failure):
        return exc.kind, str(exc), exc.hint or exc.kind.hint
    if isinstance(exc, kafka.KafkaConnectionError):
        cause = next((c for c in reversed(causes) if isinstance(c, auth)), None)
        if cause is not None:
            kind = _refusal_kind(cause)
            return kind, f"the broker at {bootstrap} refused the connection: {_text(cause)}", \
                kind.hint
        why = f" ({_text(causes[-1])})" if causes else ""
        return BROKER, f"cannot reach a Kafka broker at {bootstrap}{why}", BROKER.hint
    if isinstance(exc, auth):
        kind = _refusal_kind(exc)
        return kind, f"the broker at {bootstrap} refused: {_text(exc)}", kind.hint
    if isinstance(exc, kafka.UnknownTopicOrPartitionError):
        return UNKNOWN_TOPIC, f"a topic is not on the broker at {bootstrap}", UNKNOWN_TOPIC.hint
    if isinstance(exc, kafka.KafkaTimeoutError):
        return BROKER, f"the Kafka broker at {bootstrap} did not answer in time", BROKER.hint
    if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
        return PORT_IN_USE, f"address in use: {exc.strerror or exc}", PORT_IN_USE.hint
    if isinstance(exc, OSError) and exc.filename:
        return INPUT, f"{exc.filename}: {exc.strerror or exc}", INPUT.hint
    text = str(exc).strip()
    if isinstance(exc, (ValueError, TimeoutError, OSError)) and text:  # messages written to be read
        return OTHER, text, ""
    return OTHER, f"{type(exc).__name__}: {text}" if text else type(exc).__name__, OTHER.hint


def _refusal_kind(exc: BaseException) -> Kind:
    """Which of the three refusals: the login, the broker's certificate, or a missing ACL."""
    from streams.kafka_refusals import DENIALS  # here: that module takes its statuses from this one

    if isinstance(exc, ssl.SSLCertVerificationError):
        return CERTIFICATE
    if isinstance(exc, DENIALS):
        return NOT_AUTHORIZED
    return AUTH


def one_line(command: str, cause: str, hint: str) -> str:
    """`streams COMMAND: cause; what to do`, on one line whatever the cause's text holds."""
    hint = hint.replace("COMMAND", command)
    text = f"streams {command}: {cause}" + (f"; {hint}" if hint else "")
    return " ".join(text.split())


def _text(exc: BaseException) -> str:
    """An exception as short text: "Connection refused", "IllegalSaslStateError: ..."."""
    if isinstance(exc, socket.gaierror):  # a host name that does not resolve
        return f"{exc.strerror} (host name lookup)"
    if isinstance(exc, OSError) and exc.errno and exc.errno > 0:
        return os.strerror(exc.errno)
    if isinstance(exc, asyncio.TimeoutError):
        return "no answer to a Kafka request in time (is it a Kafka broker's port?)"
    name = type(exc).__name__
    # aiokafka's broker errors carry the server's message, or only the connection and a class
    # description ("Request is not valid given the current SASL state.")
    said = next((a for a in exc.args if isinstance(a, str) and a.strip()), "")
    text = (said.strip() or getattr(exc, "description", "") or str(exc).strip()).rstrip(".")
    return f"{name}: {text}" if text else name
