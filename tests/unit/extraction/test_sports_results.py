"""Sports results in prose are games, not events, and their sides are teams (invented lines)."""

from __future__ import annotations

import pytest

from streams.extraction.pipeline import extract
from streams.extraction.sports_results import is_game_sentence


def coded(body: str) -> tuple[list[tuple], list[tuple]]:
    result = extract({"id": "t", "title": "", "body": body})
    entities = [(e["text"], e["type"], e["kind"], e["code"], e["geonameid"])
                for e in result["entities"]]
    events = [(e["source"]["text"] if e["source"] else None, e["plover_event"],
               e["target"]["text"] if e["target"] else None) for e in result["events"]]
    return entities, events


@pytest.mark.parametrize("text", [
    "Sri Lanka beat Australia in the final .",
    "Essex beat Kent by six wickets .",
    "The visitors won 3-1 on Saturday .",
])
def test_a_score_a_margin_or_a_sports_noun_makes_a_game(nlp, text):
    assert is_game_sentence(next(nlp(text).sents))


@pytest.mark.parametrize("text", [
    "The army defeated the rebels after the final talks failed .",  # "final" as an adjective
    "The Arab League beat back the proposal by 12 votes .",  # a name, and votes are no margin
])
def test_other_sentences_with_a_result_verb_are_not_games(nlp, text):
    assert not is_game_sentence(next(nlp(text).sents))


def test_a_result_in_a_game_is_no_event_and_its_sides_are_teams():
    entities, events = coded("Essex beat Kent by six wickets on Friday .")
    assert events == []
    assert ("Kent", "ORG", "actor", None, None) in entities
    assert not [e for e in entities if e[2] == "location"]


def test_national_teams_stay_their_countries_and_the_venue_stays_a_place():
    entities, events = coded("Brazil beat Peru 2-0 in Lima on Sunday .")
    assert events == []
    places = {e[0] for e in entities if e[2] == "location"}
    assert {"Brazil", "Peru", "Lima"} <= places


def test_an_assault_outside_a_game_is_still_an_event():
    _, events = coded("Syrian troops beat protesters in Homs on Friday .")
    assert events == [("Syrian troops", "ASSAULT", "protesters")]
