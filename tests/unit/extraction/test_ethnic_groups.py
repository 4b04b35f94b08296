"""An ethnic group is coded by the state it lives in, where the article is (invented text)."""

from __future__ import annotations

from streams.extraction.pipeline import extract


def target_codes(body: str) -> list[str]:
    return [e["target"]["code"] for e in extract({"id": "t", "title": "", "body": body})["events"]]


def test_ethnic_albanians_in_serbia_are_coded_as_serbia():
    assert set(target_codes("Police killed two ethnic Albanians in a clash in Serbia.")) == {"SRB"}


def test_without_ethnic_the_nationality_is_the_state_s():
    assert set(target_codes("Police killed two Albanians in a clash in Serbia.")) == {"ALB"}
