"""A body the dictionaries name with its article ("THE SECURITY COUNCIL", IGO) against the same
words as a role any state has ("security council", GOV) (invented text)."""

from __future__ import annotations

from streams.extraction.pipeline import extract


def actor_codes(body: str) -> list[tuple[str, str]]:
    result = extract({"id": "t", "title": "", "body": body})
    return [(e["text"], e["code"]) for e in result["entities"] if e["kind"] == "actor"]


def test_the_security_council_is_the_un_s():
    assert actor_codes("The Security Council condemned the attack on Monday.") == [
        ("Security Council", "IGO")]


def test_an_article_before_a_modified_noun_is_the_noun_s_and_still_names_the_body():
    assert ("Security Council", "IGO") in actor_codes(
        "China blocked a Security Council statement on Tuesday.")


def test_without_the_article_the_words_are_a_state_s_role():
    assert actor_codes("Kenya's Security Council met on Monday.") == [
        ("Security Council", "KENGOV")]
