"""Guard.hold/release: a batch cancelled half-way is never committed (no broker needed)."""

from __future__ import annotations

from faust.types.tuples import Message

from streams.runtime.guard import Guard


class Consumer:
    """Stands in for Faust's consumer: records which offsets became committable."""

    def __init__(self):
        self.acked: list[int] = []


class Event:
    def __init__(self, offset: int, consumer: Consumer):
        self.message = Message("articles", 0, offset, 0.0, 1, None, None, b"k", b"v", None)
        self.message.refcount = 1  # one stream reads `articles`
        self.consumer = consumer

    def ack(self) -> bool:
        if self.message.ack(self.consumer):
            self.consumer.acked.append(self.message.offset)
            return True
        return False


def batch(consumer: Consumer, n: int = 3) -> list[Event]:
    return [Event(offset, consumer) for offset in range(n)]


def test_take_events_acking_a_cancelled_batch_commits_nothing():
    consumer = Consumer()
    events = batch(consumer)
    Guard.hold(events)
    for event in events:  # what take_events' `finally` does when the agent is cancelled
        event.ack()
    assert consumer.acked == []
    assert all(not event.message.acked for event in events)


def test_a_handled_batch_is_committed_once_both_acks_are_in():
    consumer = Consumer()
    events = batch(consumer)
    Guard.hold(events)
    Guard.release(events)
    assert consumer.acked == []  # take_events still holds its own reference
    for event in events:
        event.ack()
    assert consumer.acked == [0, 1, 2]

