"""Sports results and standings: the names in them are teams, not places or actors.

"Dover 3 Ashford United 1", "Harlow 21 points, Stevenage 9", "DENVER 70 61 .534":
clubs are named after their towns, and spaCy's small model reads most of them as places. A
sentence in which a name is followed by a score at least twice is a results line, and each such
name in it is a team: reported as an uncoded organisation, never geocoded, never an actor of an
event. Countries are the exception (national teams keep their country's name and label, as news
corpora annotate them), and so are people (a golfer or a tennis player followed by scores).
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import LIKE_NUM
from spacy.tokens import Span

# a score, a count of games or points: small whole numbers (years and amounts are larger)
SCORE = re.compile(r"^\d{1,3}$")
MIN_SCORED_NAMES = 2  # one name before a number can be anything; two in a sentence is a table
# months and weekdays: a capitalised one before a number starts a date ("SATURDAY, AUGUST 31",
# "Leeds May 20" in a fixture list), so it never ends or continues a team's name
DATE_WORDS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday",
}
# capitalised words that start dates or rounds, not names
CALENDAR_WORDS = DATE_WORDS | {"week", "day", "round", "game", "match", "division", "group",
                               "league"}
NAME_JOINERS = {"'s", "of", "&", "."}  # inside a club's name: "Queen 's Park", "St. Johnstone"


def team_spans(doc) -> set[tuple[int, int]]:
    """(start, end) token indexes of the names followed by a score in the doc's results lines."""
    # most docs have no results line: find the scores after a name from the C arrays first
    numbers = numpy.flatnonzero(doc.to_array(LIKE_NUM)[1:]) + 1 if len(doc) else []
    scores = [int(i) for i in numbers if SCORE.match(doc[int(i)].text) and _name_word(doc[int(i) - 1])]
    if len(scores) < MIN_SCORED_NAMES:
        return set()
    teams: set[tuple[int, int]] = set()
    for sent in {doc[i].sent for i in scores}:
        scored = _scored_names(doc, sent.start, sent.end)
        if len(scored) >= MIN_SCORED_NAMES:
            teams.update(scored)
    return teams


def _scored_names(doc, start: int, end: int) -> list[tuple[int, int]]:
    """The runs of capitalised words directly followed by a score, within [start, end)."""
    found, i = [], start
    while i < end:
        if not _name_word(doc[i]):
            i += 1
            continue
        first = i
        while i < end and (_name_word(doc[i]) or (
                doc[i].lower_ in NAME_JOINERS and i + 1 < end and _name_word(doc[i + 1]))):
            i += 1
            if i < end and doc[i].lower_ in DATE_WORDS:
                break  # "Durham May 20": a name, then a date
        if i < end and SCORE.match(doc[i].text) and doc[first].lower_ not in CALENDAR_WORDS:
            found.append((first, i))
    return found


def _name_word(token) -> bool:
    word = token.text[:-1] if token.text.endswith(".") else token.text  # "St."
    return word.isalpha() and (word.istitle() or word.isupper())


def split_at_scores(span, teams: set[tuple[int, int]]) -> list:
    """The NER runs a results line together ("Harlow 2 Stevenage"): the names between its scores."""
    scores = {end for start, end in teams if span.start <= start and end < span.end}
    if not scores:
        return [span]
    parts, first = [], span.start
    for i in sorted(scores):
        parts.append(span.doc[first:i])
        first = i + 1
    parts.append(span.doc[first:span.end])
    return [Span(span.doc, part.start, part.end, label=span.label_) for part in parts if len(part)]


def team_of(span, teams: set[tuple[int, int]]) -> bool:
    """Is the entity span (a name inside a scored run) one of the teams?"""
    return any(start <= span.start and span.end == end for start, end in teams)
