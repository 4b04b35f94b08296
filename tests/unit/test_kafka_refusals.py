"""A secured broker's refusals as one line and an exit status, without a broker."""

from __future__ import annotations

import ssl
from dataclasses import replace

import pytest
from aiokafka.errors import (
    ClusterAuthorizationFailedError,
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    SaslAuthenticationFailed,
    TopicAuthorizationFailedError,
)

from streams.kafka_refusals import (
    AUTHENTICATION_FAILED,
    CERTIFICATE_NOT_TRUSTED,
    NOT_AUTHORIZED,
    explain,
    refusal,
)
from streams.settings import Settings

SECURED = replace(Settings(), security={"security_protocol": "SASL_SSL",
                                        "sasl_plain_username": "replay"})


def untrusted(message: str = "self-signed certificate in certificate chain",
              code: int = 19) -> ssl.SSLCertVerificationError:
    exc = ssl.SSLCertVerificationError("certificate verify failed")
    exc.verify_message, exc.verify_code = message, code
    return exc


def test_an_expired_certificate_is_the_broker_s_to_renew_a_foreign_ca_the_client_s_to_trust():
    expired = refusal(untrusted("certificate has expired", 10), SECURED)
    assert (expired.status, expired.line) == (
        CERTIFICATE_NOT_TRUSTED, "the broker's TLS certificate is not trusted (certificate has "
        "expired): the broker needs a new one")
    assert refusal(untrusted(), SECURED).line.endswith("KAFKA_SSL_CAFILE must name the CA that "
                                                       "signed it")


@pytest.mark.parametrize(("exc", "status", "start"), [
    (SaslAuthenticationFailed(), AUTHENTICATION_FAILED, "the broker refused the login of replay"),
    (untrusted(), CERTIFICATE_NOT_TRUSTED,
     "the broker's TLS certificate is not trusted (self-signed certificate in certificate chain)"),
    (TopicAuthorizationFailedError("prod.articles"), NOT_AUTHORIZED,
     "replay is not allowed to use topic prod.articles"),
    (GroupAuthorizationFailedError("news"), NOT_AUTHORIZED,
     "replay is not allowed to use consumer group news"),
    (ClusterAuthorizationFailedError(), NOT_AUTHORIZED, "replay is not allowed to use the cluster"),
])
def test_each_refusal_has_its_line_and_status(exc, status, start):
    found = refusal(exc, SECURED)
    assert found.status == status and found.line.startswith(start) and "\n" not in found.line


def test_a_refusal_wrapped_in_another_exception_is_found():
    try:
        try:
            raise TopicAuthorizationFailedError("prod.articles")
        except TopicAuthorizationFailedError as inner:
            raise RuntimeError("send failed") from inner
    except RuntimeError as outer:
        assert refusal(outer, SECURED).status == NOT_AUTHORIZED


def test_other_errors_are_not_refusals_and_plaintext_is_never_probed(monkeypatch):
    assert refusal(ValueError("x"), SECURED) is None
    monkeypatch.setattr("streams.kafka_refusals.probe", lambda settings: pytest.fail("probed"))
    assert explain(KafkaConnectionError("Unable to bootstrap"), Settings()) is None
