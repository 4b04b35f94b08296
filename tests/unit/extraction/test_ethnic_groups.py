"""An ethnic group is coded by the state it lives in, where the article is (invented text)."""

from __future__ import annotations

from streams.extraction.pipeline import extract


def target_codes(body: str) -> list[str]:
    return [e["target"]["code"] for e in extract({"id": "t", "title": "", "body": body})["events"]]


def test_ethnic_russians_in_latvia_are_coded_as_latvia():
    assert target_codes("Police in Latvia detained three ethnic Russians on Monday.") == ["LVA"]


def test_without_ethnic_the_nationality_is_the_state_s():
    assert target_codes("Police in Latvia detained three Russians on Monday.") == ["RUS"]
