"""The cluster's top n from each worker's own rows (GET /actors/top and /locations/top)."""

from __future__ import annotations

import pytest

from streams.runtime.tables import OwnershipMoving, merge_tops


def row(code: str, mentions: int, window: str | None = None) -> dict:
    found = {"code": code, "mentions": mentions, "articles": 1}
    if window:
        found["window"] = {"start": window, "end": "later"}
    return found


def test_the_union_is_ranked_by_mentions_then_key_and_cut_at_n():
    first = [row("SYRMIL", 27), row("SYR", 9)]
    second = [row("RUSGOV", 12), row("MED", 9), row("USA", 2)]
    merged = merge_tops([first, second], 4, "code")
    assert [(r["code"], r["mentions"]) for r in merged] == [
        ("SYRMIL", 27), ("RUSGOV", 12), ("MED", 9), ("SYR", 9)]


def test_one_worker_alone_is_its_own_answer():
    mine = [row("SYRMIL", 3), row("SYR", 1)]
    assert merge_tops([mine], 20, "code") == mine


def test_no_rows_anywhere_is_an_empty_top():
    assert merge_tops([[], []], 5, "code") == []


def test_numeric_keys_rank_like_the_tables_string_keys():
    places = [{"geonameid": "170063", "mentions": 2}, {"geonameid": "163843", "mentions": 2}]
    assert [r["geonameid"] for r in merge_tops([places], 2, "geonameid")] == ["163843", "170063"]


def test_windowed_rows_keep_only_the_newest_window_any_worker_holds():
    old, new = "2016-09-04T00:00:00Z", "2016-09-04T01:00:00Z"
    behind = [row("SYRMIL", 50, old)]  # this worker's newest window is an hour older
    ahead = [row("RUS", 3, new), row("SYR", 1, new)]
    also_new = [row("USA", 2, new)]
    merged = merge_tops([behind, ahead, also_new], 10, "code")
    assert [(r["code"], r["window"]["start"]) for r in merged] == [
        ("RUS", new), ("USA", new), ("SYR", new)]


def test_a_key_two_workers_answer_for_is_no_answer():
    # the worker that lost SYRMIL's partition has not yet learnt it: which count is right?
    stale, owner = [row("SYRMIL", 1082), row("SYR", 9)], [row("SYRMIL", 2000)]
    with pytest.raises(OwnershipMoving, match="^more than one worker answered for SYRMIL$"):
        merge_tops([stale, owner], 10, "code")
