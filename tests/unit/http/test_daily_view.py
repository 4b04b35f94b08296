"""GET /events/daily without a worker: its query and the merge of the workers' answers."""

from __future__ import annotations

import pytest

from streams.http.views import MAX_TOP, _daily_query
from streams.runtime.tables import OwnershipMoving, merge_daily


def row(rid, articles, mentions=None):
    return {"record_id": rid, "num_articles": articles, "num_mentions": mentions or articles}


def test_the_filters_are_optional_and_combine():
    assert _daily_query({}) == (20, {"date": None, "actor": None, "location": None})
    assert _daily_query({"date": "2016-09-04", "actor": "SYRMIL", "location": "170063",
                         "n": "5"}) == (5, {"date": "2016-09-04", "actor": "SYRMIL",
                                            "location": 170063})


@pytest.mark.parametrize(("query", "error"), [
    ({"date": "4 Sep 2016"}, "date must be YYYY-MM-DD"),
    ({"location": "Aleppo"}, "location must be a GeoNames id"),
    ({"n": "x"}, "n must be a whole number"),
    ({"n": str(MAX_TOP + 1)}, "n must be between"),
])
def test_a_bad_query_says_what_is_wrong(query, error):
    with pytest.raises(ValueError, match=error):
        _daily_query(query)


def test_the_workers_records_are_ranked_together():
    mine, theirs = [row("b", 3), row("d", 1)], [row("a", 3, 5), row("c", 2)]
    assert [r["record_id"] for r in merge_daily([mine, theirs], 3)] == ["a", "b", "c"]


def test_two_workers_answering_for_one_record_is_a_partition_moving():
    with pytest.raises(OwnershipMoving, match="2016-09-04"):
        merge_daily([[row("2016-09-04|SYR|-|190", 1)], [row("2016-09-04|SYR|-|190", 1)]], 5)
