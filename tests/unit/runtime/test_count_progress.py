"""The count stage's hole check: what a batch counts, holds back and reads again."""

from __future__ import annotations

from streams.runtime.count_progress import PATIENCE, PartitionPlan, plan_partition


def test_a_partition_read_in_order_is_counted_whole():
    assert plan_partition([9, 10, 11], counted_through=8) == PartitionPlan(3, 11)


def test_the_first_batch_of_a_partition_may_start_anywhere():
    assert plan_partition([40, 41], counted_through=None) == PartitionPlan(2, 41)


def test_offsets_delivered_again_are_no_hole():
    # after a seek back or a redelivery: each count's applied_offset skips them
    assert plan_partition([5, 6, 7, 8, 9], counted_through=8) == PartitionPlan(5, 9)


def test_a_batch_starting_beyond_the_last_offset_counted_is_read_again_from_the_hole():
    assert plan_partition([11, 12, 13, 14], counted_through=8) == PartitionPlan(
        0, 8, seek_to=9)


def test_a_hole_inside_a_batch_counts_what_comes_before_it():
    assert plan_partition([9, 10, 13, 14], counted_through=8) == PartitionPlan(
        2, 10, seek_to=11)


def test_what_was_queued_before_the_seek_back_is_held_without_seeking_again():
    assert plan_partition([15, 16], counted_through=8, awaiting=9, waited=1.0) == PartitionPlan(
        0, 8)


def test_the_hole_filled_by_reading_again_is_counted_in_order():
    assert plan_partition([9, 10, 11, 12], counted_through=8, awaiting=9,
                          waited=1.0) == PartitionPlan(4, 12)


def test_a_hole_that_does_not_come_back_is_counted_over_after_the_patience():
    assert plan_partition([20, 21], counted_through=8, awaiting=9,
                          waited=PATIENCE) == PartitionPlan(2, 21, gone=(9, 19))


def test_a_new_hole_while_waiting_for_another_is_read_again_from_its_start():
    assert plan_partition([9, 10, 30], counted_through=8, awaiting=9,
                          waited=1.0) == PartitionPlan(2, 10, seek_to=11)


def test_offsets_the_reader_refused_are_no_hole():
    refused = {9, 10}
    assert plan_partition([11, 12], counted_through=8, refused=lambda first, last: all(
        offset in refused for offset in range(first, last + 1))) == PartitionPlan(2, 12)
    assert plan_partition([12], counted_through=8, refused=lambda first, last: all(
        offset in refused for offset in range(first, last + 1))) == PartitionPlan(0, 8, seek_to=9)
