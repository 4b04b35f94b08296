"""Scoring events against gold records: type, source country and target country."""

from __future__ import annotations

from streams.evaluation.events import EventTally


def event(plover: str | None, source: str | None, target: str | None) -> dict:
    return {
        "plover_event": plover,
        "source": {"code": source, "text": "s"},
        "target": {"code": target, "text": "t"} if target is not None else None,
    }


def gold(plover: str, sources: list[str], targets: list[str]) -> dict:
    return {
        "plover_event": plover,
        "source_actor": [{"actorText": "s", "code": code} for code in sources],
        "target_actor": [{"actorText": "t", "code": code} for code in targets],
    }


def test_target_country_is_scored_only_over_records_with_a_gold_target():
    tally = EventTally()
    tally.add(gold("AID", ["USA"], ["JOR"]), [event("AID", "USAGOV", "JORGOV")])
    tally.add(gold("AID", ["USA"], []), [event("AID", "USAGOV", None)])
    tally.add(gold("FIGHT", ["SYR"], ["TUR"]), [event("FIGHT", "SYRMIL", "IRQ")])
    scores = tally.as_dict()
    assert scores["records_with_target"] == 2
    assert scores["target_country_accuracy"] == 0.5
    assert scores["source_country_accuracy"] == 1.0


def test_target_of_an_event_of_the_gold_type_is_judged_first():
    tally = EventTally()
    events = [event("CONSULT", "USA", "RUS"), event("AID", "USA", "JOR")]
    tally.add(gold("AID", ["USA"], ["JOR"]), events)
    assert tally.as_dict()["target_country_accuracy"] == 1.0


def test_a_coded_target_is_preferred_over_a_missing_one():
    tally = EventTally()
    events = [event("AID", "USA", None), event("CONSULT", "USA", "JOR")]
    tally.add(gold("AID", ["USA"], ["JOR"]), events)
    assert tally.as_dict()["target_country_accuracy"] == 1.0


def test_a_missing_target_counts_as_wrong():
    tally = EventTally()
    tally.add(gold("AID", ["USA"], ["JOR"]), [event("AID", "USA", None)])
    tally.add(gold("AID", ["USA"], ["JOR"]), [])
    assert tally.as_dict() == {
        "plover_type_accuracy": 0.5,
        "source_country_accuracy": 0.5,
        "target_country_accuracy": 0.0,
        "records": 2,
        "records_with_source": 2,
        "records_with_target": 2,
    }
