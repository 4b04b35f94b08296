"""Every mention's `text` is the slice of the article it points at: `article[field][start:end]`.

Checked in both public outputs, `streams extract` (the article as read) and the `entities` topic
records (the article as `parse_article` cleaned it, which is what the worker extracts), over the
repository's own texts: the seeds, the processed bad inputs, the sentences in the tests, and
generated articles mixing the spellings of known names ("JAPAN"/"Japan", "U.S."/"US").
"""

from __future__ import annotations

import ast
import io
import sys
from pathlib import Path
from typing import Any

import orjson
from bad_inputs import PROCESSED, bad_inputs, good_article
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from streams.cli import main
from streams.contract.articles import parse_article
from streams.contract.messages import entity_messages
from streams.extraction.pipeline import extract_many
from streams.tools.corpus import read_articles

ROOT = Path(__file__).resolve().parents[3]
MAX_BYTES = 1_000_000  # the default STREAMS_MAX_ARTICLE_BYTES


def misread(article: dict[str, Any], mentions: list[dict[str, Any]]) -> list[tuple]:
    """(field, start, end, text, slice) of each mention whose text is not its slice."""
    return [
        (m["field"], m["start"], m["end"], m["text"], source)
        for m in mentions
        if m["text"] != (source := (article.get(m["field"]) or "")[m["start"] : m["end"]])
    ]


def streams_extract(values: list[bytes]) -> list[dict[str, Any]]:
    """`streams extract -` over the documents as JSON Lines; one result per document."""
    stdin = io.TextIOWrapper(io.BytesIO(b"".join(value + b"\n" for value in values)))
    stdout = io.TextIOWrapper(io.BytesIO())
    saved = sys.stdin, sys.stdout
    sys.stdin, sys.stdout = stdin, stdout
    try:
        code = main(["extract", "-"])
    finally:
        sys.stdin, sys.stdout = saved
    assert code == 0
    return [orjson.loads(line) for line in stdout.buffer.getvalue().splitlines()]


def misread_anywhere(values: list[bytes]) -> dict[str, list[tuple]]:
    """The misread mentions of each document, by output: none is the property."""
    found: dict[str, list[tuple]] = {}
    for value, result in zip(values, streams_extract(values), strict=True):
        article = orjson.loads(value)
        if bad := misread(article, result["entities"]):
            found[f"extract {article['id']}"] = bad
    articles = [parse_article(value, MAX_BYTES) for value in values]  # as the worker reads them
    for article, result in zip(articles, extract_many(articles), strict=True):
        records = [record.to_representation() for record in entity_messages(article, result)]
        if bad := misread(article, records):
            found[f"entities {article['id']}"] = bad
    return found


def seed_documents() -> list[bytes]:
    return [orjson.dumps(article) for article in read_articles(ROOT / "seeds")]


def processed_bad_inputs() -> list[bytes]:
    cases = [case.value for case in bad_inputs("slices-") if case.outcome == PROCESSED]
    return [*cases, good_article("slices-")[1]]


def written_sentences() -> list[str]:
    """The sentence-like strings written in the tests (four words or more, docstrings aside);
    NUL is left out, as `parse_article` refuses it."""
    texts = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                                    | ast.AsyncFunctionDef)
                      and node.body and isinstance(node.body[0], ast.Expr)}
        texts += [node.value for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in docstrings and "\x00" not in node.value
                  and sum(any(c.isalpha() for c in word) for word in node.value.split()) >= 4]
    return sorted(set(texts))


def as_documents(prefix: str, titles_and_bodies: list[tuple[str, str]]) -> list[bytes]:
    return [orjson.dumps({"id": f"{prefix}-{i}", "title": title, "body": body})
            for i, (title, body) in enumerate(titles_and_bodies)]


def test_the_corpora_are_not_empty():
    assert len(seed_documents()) == 1
    assert len(processed_bad_inputs()) == 26  # the processed kinds of the corpus + the good article
    assert len(written_sentences()) > 40


def test_seed_mentions_are_their_slices():
    assert misread_anywhere(seed_documents()) == {}


def test_processed_bad_input_mentions_are_their_slices():
    assert misread_anywhere(processed_bad_inputs()) == {}


def test_mentions_in_the_tests_sentences_are_their_slices():
    """Each sentence is the body, and in capitals the headline (re-cased for the NER)."""
    documents = as_documents("tests", [(text.upper(), text) for text in written_sentences()])
    assert misread_anywhere(documents) == {}


def test_a_name_repeated_into_a_capitals_headline_keeps_the_headline_spelling():
    """Regression: the repeat of "Syria" in "NO DEAL ON SYRIA AFTER TALKS" was reported as
    "Syria", the body's spelling, although its offsets point at "SYRIA"."""
    (document,) = as_documents("syria", [(
        "NO DEAL ON SYRIA AFTER TALKS",
        "John Kerry met Sergei Lavrov in Hangzhou on Sunday. Aleppo was shelled again, and Japan "
        "and China sent aid to Syria.")])
    article = parse_article(document, MAX_BYTES)
    (result,) = streams_extract([document])
    in_title = [(e["text"], e["start"], e["end"], e["kind"], e["geonameid"])
                for e in result["entities"] if e["field"] == "title"]
    # the country is also the state the deal is on (an actor mention); both keep the spelling
    assert in_title == [("SYRIA", 11, 16, "actor", None), ("SYRIA", 11, 16, "location", 163843)]
    records = [r for r in entity_messages(article, extract_many([article])[0]) if r.field == "title"]
    assert {(r.text, r.key) for r in records} >= {("SYRIA", "163843")}
    assert {r.text for r in records} == {"SYRIA"}


# Known names in the spellings news copy uses: headline capitals, abbreviations, surnames alone.
SPELLINGS = [
    "Japan", "JAPAN", "China", "CHINA", "Russia", "RUSSIA", "Syria", "SYRIA", "Aleppo", "ALEPPO",
    "Moscow", "MOSCOW", "Hangzhou", "HANGZHOU", "U.S.", "US", "U.S", "United States",
    "UNITED STATES", "John Kerry", "Kerry", "KERRY", "Sergei Lavrov", "Lavrov", "LAVROV",
    "Barack Obama", "Obama", "OBAMA", "Bashar al-Assad", "Assad", "ASSAD", "State Department",
    "STATE DEPARTMENT",
]
HEADLINE_WORDS = ["SAYS", "MEETS", "WARNS", "TALKS", "NO", "DEAL", "ON", "IN", "AFTER", "AID",
                  "REBELS", "-", "TO", "WITH"]
SENTENCES = [
    "{} met {} in {} on Monday.",
    "{} said {} had attacked rebels near {}.",
    "Officials in {} and {} condemned the strikes in {}.",
    "Talks between {} and {} stalled, {} said.",
    "{} SAYS {} WILL TALK TO {}",
]
DATELINES = ["", "MOSCOW 2016-09-04 - ", "ALEPPO 2016-09-04 - ", "WASHINGTON 2016-09-04 - "]

names = st.sampled_from(SPELLINGS)
headlines = st.lists(st.sampled_from(HEADLINE_WORDS) | names, min_size=2, max_size=7).map(" ".join)
filled = st.builds(lambda template, a, b, c: template.format(a, b, c),
                   st.sampled_from(SENTENCES), names, names, names)
bodies = st.builds(lambda dateline, parts: dateline + " ".join(parts),
                   st.sampled_from(DATELINES), st.lists(filled, min_size=1, max_size=4))
articles = st.lists(st.tuples(headlines, bodies), min_size=1, max_size=3)


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(articles)
@example([("NO DEAL ON SYRIA AFTER TALKS", "Russia said talks on Syria would go on.")])
@example([("KERRY MEETS LAVROV - US SAYS NO DEAL", "U.S. Secretary of State John Kerry met "
           "Sergei Lavrov. The US and Russia said Kerry and Lavrov would meet again.")])
def test_generated_mentions_are_their_slices(titles_and_bodies):
    assert misread_anywhere(as_documents("generated", titles_and_bodies)) == {}
