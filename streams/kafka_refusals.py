"""A secured broker's refusals as one line and an exit status each, for the `streams` commands.

aiokafka reports a refused login or an untrusted certificate only as "Unable to bootstrap"
(the reason goes to its log), so `explain` opens one connection itself to learn which it was.
Kafka answers a wrong password and an unknown user alike, on purpose: one status for both.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass

from aiokafka.errors import (
    ClusterAuthorizationFailedError,
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    SaslAuthenticationFailed,
    TopicAuthorizationFailedError,
    TransactionalIdAuthorizationFailed,
)

from streams import failures
from streams.settings import Settings

# The exit statuses are streams.failures' table (docs/operations.md#exit-status).
AUTHENTICATION_FAILED = failures.AUTH.status  # SCRAM: wrong password or unknown user
CERTIFICATE_NOT_TRUSTED = failures.CERTIFICATE.status  # TLS: no chain to a trusted CA
NOT_AUTHORIZED = failures.NOT_AUTHORIZED.status  # no ACL for a topic, group, id or the cluster
PROBE_TIMEOUT = 10.0  # seconds for the one connection that finds the reason
X509_V_ERR_CERT_HAS_EXPIRED = 10  # OpenSSL's verify code (x509_vfy.h); Python names no constant
# What a missing ACL raises: a client stops at the first rather than trying every message.
DENIALS = (TopicAuthorizationFailedError, GroupAuthorizationFailedError,
           TransactionalIdAuthorizationFailed, ClusterAuthorizationFailedError)


@dataclass(frozen=True)
class Refusal:
    status: int  # the process's exit status
    line: str  # what is wrong and what to check, on one line


def refusal(exc: BaseException, settings: Settings) -> Refusal | None:
    """The refusal `exc` (or an exception it was raised from) stands for, or None."""
    user = settings.security.get("sasl_plain_username") or "(no user)"
    for cause in _chain(exc):
        if isinstance(cause, SaslAuthenticationFailed):
            return Refusal(AUTHENTICATION_FAILED, f"the broker refused the login of {user}: wrong "
                           "password or unknown user (KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD)")
        if isinstance(cause, ssl.SSLCertVerificationError):
            return Refusal(CERTIFICATE_NOT_TRUSTED, _untrusted(cause))
        what = _denied(cause)
        if what is not None:
            return Refusal(NOT_AUTHORIZED, f"{user} is not allowed to use {what}: no ACL grants "
                           "it (streams acls lists the ones the pipeline needs)")
    return None


def _untrusted(cause: ssl.SSLCertVerificationError) -> str:
    """Why the broker's certificate was refused, and what to do: a CA the client does not trust
    is the client's setting; an expired certificate is the broker's to renew."""
    why = cause.verify_message or str(cause)
    if cause.verify_code == X509_V_ERR_CERT_HAS_EXPIRED:
        return f"the broker's TLS certificate is not trusted ({why}): the broker needs a new one"
    return (f"the broker's TLS certificate is not trusted ({why}): KAFKA_SSL_CAFILE must name "
            "the CA that signed it")


def explain(exc: BaseException, settings: Settings) -> Refusal | None:
    """`refusal`, and for a secured connection that failed without saying why, the reason one
    direct connection gives. Call it outside an event loop (a command's error handler)."""
    found = refusal(exc, settings)
    if found is None and settings.security and any(
            isinstance(cause, KafkaConnectionError) for cause in _chain(exc)):
        found = asyncio.run(probe(settings))
    return found


async def probe(settings: Settings) -> Refusal | None:
    """One connection to the first bootstrap broker, with the TLS handshake and SASL login;
    the refusal it meets, or None (it got in, or failed for another reason)."""
    from aiokafka.conn import create_conn

    host, _, port = settings.bootstrap.split(",")[0].strip().rpartition(":")
    try:
        conn = await asyncio.wait_for(create_conn(host, int(port), **settings.security),
                                      PROBE_TIMEOUT)
    except Exception as exc:  # the reason, if it is one of ours
        return refusal(exc, settings)
    conn.close()
    return None


def _denied(exc: BaseException) -> str | None:
    if isinstance(exc, TopicAuthorizationFailedError):
        return f"topic {_names(exc) or '(unnamed)'}"
    if isinstance(exc, GroupAuthorizationFailedError):
        return f"consumer group {_names(exc) or '(unnamed)'}"
    if isinstance(exc, TransactionalIdAuthorizationFailed):
        return "its transactional id"
    if isinstance(exc, ClusterAuthorizationFailedError):
        return "the cluster (a producer with WRITE on no topic at all, or an admin request)"
    return None


def _names(exc: BaseException) -> str:
    return ", ".join(str(arg) for arg in exc.args if arg)


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__
