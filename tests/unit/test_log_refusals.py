"""aiokafka's log line about a refusal is held back; the command's own line says it."""

from __future__ import annotations

import logging

from aiokafka.errors import ClusterAuthorizationFailedError, SaslAuthenticationFailed

from streams.logs.refusals import RefusalFilter


def record(name: str, msg: str, *args) -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args, None)


def test_aiokafka_lines_naming_a_refusal_are_held_back_and_others_pass():
    keep = RefusalFilter().filter
    assert not keep(record("aiokafka.producer.sender",
                           "Unexpected error during InitProducerIdRequest: %s",
                           ClusterAuthorizationFailedError))
    assert not keep(record("aiokafka", "Unable connect to %r: %r", "b:1",
                           SaslAuthenticationFailed("bad")))
    assert keep(record("aiokafka.producer.sender", "Unexpected error: %s", ValueError))
    assert keep(record("streams.tools.replay", "denied: %s", ClusterAuthorizationFailedError))
