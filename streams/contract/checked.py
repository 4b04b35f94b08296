"""Faust topics that dead-letter what they cannot read instead of stopping their agents.

Written against faust-streaming 0.15.3 (checked below). There, a message whose key or value
does not decode makes the conductor ack it and call the topic's `on_key_decode_error` /
`on_value_decode_error`, which throw the error into every agent reading the topic: the agent
stops taking messages (on every partition, without an error line) and the message is gone.
`CheckedTopic` replaces those two hooks: the message is dead-lettered once (to `articles.dlq`,
with its original key and value), counted on /metrics and logged in one line, and the agents
never see it. `CheckedSchema` reads messages with a pure reader (`streams.contract.inbound`)
that checks what the agents rely on, so a record of the wrong shape is refused the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import faust
from faust.exceptions import ValueDecodeError

from streams.contract.inbound import InvalidMessage
from streams.contract.messages import dead_letter_of
from streams.fence import require_version
from streams.http import metrics as m
from streams.logs.json_format import where as logged_at

FAUST_VERSION = "0.15.3"  # the decode hooks below are 0.15.3's
require_version("faust-streaming", FAUST_VERSION, __name__, "checked-topics.md")

log = logging.getLogger(__name__)

Reader = Callable[[bytes | None, bytes | None, Any], tuple[str | None, Any]]


class Refused(ValueDecodeError):
    """A message a reader refused: `reason` is a code from REASONS."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


class Refusals:
    """Dead-letters refused messages of the derived topics: once each, however many agents read
    the topic (the conductor calls the hook of every one)."""

    KEPT = 10_000  # refused offsets remembered per partition (what `all_refused` can answer)

    def __init__(self, dead_letters: faust.TopicT, metrics: m.Metrics = m.METRICS):
        self.dead_letters = dead_letters
        self.metrics = metrics
        self._last: tuple[str, int, int] | None = None
        self._refused: dict[tuple[str, int], dict[int, None]] = {}  # insertion-ordered offsets

    def all_refused(self, topic: str, partition: int, first: int, last: int) -> bool:
        """Whether every offset from `first` to `last` was refused here: no agent saw them,
        which is no loss (the count stage's hole check asks, streams/runtime/count_progress.py)."""
        offsets = self._refused.get((topic, partition), {})
        return last - first < len(offsets) and all(
            offset in offsets for offset in range(first, last + 1))

    async def refuse(self, message, reason: str, text: str, error: Exception | None = None) -> None:
        """Dead-letter `message` (a Faust message); `error`: an agent's, logged with its trace."""
        where = (message.topic, message.partition, message.offset)
        refused = self._refused.setdefault(where[:2], {})
        refused[message.offset] = None
        if len(refused) > self.KEPT:
            del refused[next(iter(refused))]
        if where == self._last:
            return
        self._last = where
        log.log(logging.ERROR if error else logging.WARNING, "dead-lettered %s/%s@%s: %s: %s",
                *where, reason, text, exc_info=error, extra=logged_at(message))
        await self.dead_letters.send(key=reason, value=dead_letter_of(message, reason, text))
        self.metrics.inc(m.MESSAGES_DEAD_LETTERED, topic=message.topic, reason=reason)


class CheckedSchema(faust.Schema):
    """Keys and values read by `read(key, value, headers)`; a refusal is a `Refused` error."""

    def __init__(self, read: Reader, **options: Any):
        super().__init__(**options)
        self.read = read

    def compile(self, app, *, on_key_decode_error=None, on_value_decode_error=None,
                default_propagate: bool = False):
        read, create_event = self.read, app.create_event

        async def decode(message, *, propagate: bool = default_propagate):
            try:
                key, value = read(message.key, message.value, message.headers)
            except InvalidMessage as exc:
                refused = Refused(exc.reason, exc.message)
                if propagate:  # the conductor: acks it and calls the topics' hooks
                    raise refused from None
                await on_value_decode_error(refused, message)
                return None
            return create_event(key, value, message.headers, message)

        return decode


class CheckedTopic(faust.Topic):
    """A topic whose unreadable messages go to `refusals`, not into its agents."""

    def __init__(self, *args: Any, refusals: Refusals, **kwargs: Any):
        self.refusals = refusals
        super().__init__(*args, **kwargs)

    def _clone_args(self):
        return {**super()._clone_args(), "refusals": self.refusals}

    async def on_key_decode_error(self, exc: Exception, message) -> None:
        await self.refusals.refuse(message, "invalid_key", str(exc))

    async def on_value_decode_error(self, exc: Exception, message) -> None:
        reason = exc.reason if isinstance(exc, Refused) else "invalid_record"
        await self.refusals.refuse(message, reason, str(exc))
