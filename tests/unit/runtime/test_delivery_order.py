"""The consumer's delivery order: each partition's records in order, once, across seeks."""

from __future__ import annotations

from streams.runtime.delivery_order import DeliveryOrder, Verdict

TP = ("articles", 2)
OTHER = ("articles", 3)


def sought_to(offset: int | None, other: int | None = 7) -> DeliveryOrder:
    order = DeliveryOrder()
    order.sought(TP, offset)
    order.sought(OTHER, other)
    order.fetch_starts()
    return order


def deliver(order: DeliveryOrder, *offsets: int, holes_allowed: bool = False) -> list[Verdict]:
    verdicts = []
    for offset in offsets:
        verdict = order.verdict(TP, offset, holes_allowed)
        if verdict in (Verdict.DELIVER, Verdict.HOLE):
            order.delivering(TP, offset)
        verdicts.append(verdict)
    return verdicts


def test_records_in_order_after_a_seek_are_delivered():
    order = sought_to(308)
    assert deliver(order, 308, 309, 310) == [Verdict.DELIVER] * 3
    assert order.next_offset[TP] == 311


def test_records_below_the_next_offset_were_delivered_already():
    order = sought_to(308)
    deliver(order, 308, 309)
    assert deliver(order, 308, 309, 310) == [Verdict.DUPLICATE, Verdict.DUPLICATE, Verdict.DELIVER]


def test_a_fetch_that_started_before_a_seek_is_stale():
    # the rebalance case: a batch fetched from the old position arrives after the seek
    order = sought_to(200)
    deliver(order, 200, 201)
    order.sought(TP, 201)  # the new generation's seek to the committed offset
    assert order.verdict(TP, 204, False) is Verdict.STALE
    assert order.verdict(TP, 201, False) is Verdict.STALE  # even the right offset: refetch it
    assert order.verdict(OTHER, 7, False) is Verdict.DELIVER  # other partitions are not stale
    order.fetch_starts()
    assert deliver(order, 201, 202) == [Verdict.DELIVER, Verdict.DELIVER]


def test_skipped_offsets_are_fetched_again_once_before_they_count_as_a_hole():
    order = sought_to(100)
    deliver(order, 100)
    assert order.verdict(TP, 103, False) is Verdict.REWIND  # 101, 102 missing: seek back
    order.sought(TP, 101)
    order.rewound(TP)
    order.fetch_starts()
    assert order.verdict(TP, 103, False) is Verdict.HOLE  # fetched again, still missing


def test_after_a_rewind_the_missing_records_arrive():
    order = sought_to(100)
    deliver(order, 100)
    assert order.verdict(TP, 103, False) is Verdict.REWIND
    order.sought(TP, 101)
    order.rewound(TP)
    order.fetch_starts()
    assert deliver(order, 101, 102, 103) == [Verdict.DELIVER] * 3
    assert order.verdict(TP, 106, False) is Verdict.REWIND  # a new hole is checked again


def test_holes_in_compacted_changelogs_are_delivered():
    order = sought_to(0)
    assert deliver(order, 0, 5, 9, holes_allowed=True) == [Verdict.DELIVER] * 3


def test_an_unknown_position_takes_the_next_record():
    order = sought_to(None)
    assert deliver(order, 57, 58) == [Verdict.DELIVER, Verdict.DELIVER]


def test_forgotten_partitions_wait_for_their_next_seek():
    order = sought_to(10)
    deliver(order, 10, 11)
    order.forget([TP])
    assert order.verdict(TP, 12, False) is Verdict.SEEKING
    order.fetch_starts()
    # a fetch from wherever the position went (a new owner's, before its seek to the
    # committed offset): delivering it would count later offsets before earlier ones
    assert deliver(order, 5, 13) == [Verdict.SEEKING, Verdict.SEEKING]
    order.sought(TP, 5)
    order.fetch_starts()
    assert deliver(order, 5) == [Verdict.DELIVER]


def test_a_partition_never_sought_waits_for_its_first_seek():
    order = DeliveryOrder()
    order.fetch_starts()
    assert order.verdict(TP, 0, False) is Verdict.SEEKING
    order.sought(TP, None)  # sought, position unknown: the next record is the one
    order.fetch_starts()
    assert deliver(order, 42) == [Verdict.DELIVER]


def test_a_suspended_delivery_is_fetched_again():
    order = sought_to(40)
    deliver(order, 40, 41)
    assert order.undelivered(TP, 41)
    assert order.next_offset[TP] == 41


def test_a_suspended_delivery_after_a_seek_leaves_the_seek_alone():
    order = sought_to(40)
    deliver(order, 40, 41)
    order.sought(TP, 30)  # a rebalance sought the partition while 41 was being delivered
    assert not order.undelivered(TP, 41)
    assert order.next_offset[TP] == 30


def test_nothing_is_delivered_while_a_seek_is_under_way():
    # perform_seek: the fetcher reads from positions the order does not know yet
    order = sought_to(None)
    order.seeking([TP])
    order.fetch_starts()  # a fetch that starts during the seek
    assert order.verdict(TP, 57, False) is Verdict.SEEKING
    assert order.verdict(OTHER, 7, False) is Verdict.DELIVER
    order.sought(TP, 40)
    assert order.verdict(TP, 40, False) is Verdict.STALE  # that fetch is stale once it is done
    order.fetch_starts()
    assert deliver(order, 40, 41) == [Verdict.DELIVER, Verdict.DELIVER]


def test_a_forgotten_partition_is_not_left_seeking():
    order = sought_to(10)
    order.seeking([TP])
    order.forget([TP])  # a rebalance during the seek: the next one decides
    order.fetch_starts()
    assert not order.is_seeking(TP)
    order.sought(TP, 5)
    order.fetch_starts()
    assert deliver(order, 5) == [Verdict.DELIVER]


def test_a_seek_that_ends_without_telling_where_expects_the_given_offsets():
    # perform_seek cancelled or failed: no partition may stay SEEKING
    order = sought_to(10)
    order.seeking([TP, OTHER])
    order.sought(OTHER, 3)  # this one was told where
    order.seek_ended({TP: 12, OTHER: 5})
    order.fetch_starts()
    assert not order.is_seeking(TP)
    assert order.next_offset == {TP: 12, OTHER: 3}
    assert deliver(order, 12) == [Verdict.DELIVER]


def test_rewinding_a_partition_of_unknown_position_changes_nothing():
    order = sought_to(None)
    order.rewound(TP)
    assert deliver(order, 57) == [Verdict.DELIVER]
    assert order.verdict(TP, 60, False) is Verdict.REWIND  # 58, 59 never sought back: not a hole
