"""Datelines: the all-caps place that opens a news story ("SPRINGFIELD, Ill. (AP) —").

The small model rarely tags a lone word in capitals, so the dateline is found by its shape near
the start of the body: a run of capitalised words at the start of a line or after a sentence or
a date, an optional qualifier after a comma (a state abbreviation, a division or a country), an
optional wire credit in parentheses, then a dash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# how far into the body a dateline may start (a headline, byline and date may come first)
DATELINE_REACH = 400

_WORD = r"[A-Z][A-Z'.\-]*[A-Z.]"
_DATELINE = re.compile(
    r"(?:^|(?<=\n)|(?<=[.!?:\"'”’]\s)|(?<=\d\s))"
    rf"(?P<name>{_WORD}(?: {_WORD}){{0,3}})"
    r"(?:, (?P<qualifier>[A-Z][A-Za-z.]*(?: ?[A-Z][A-Za-z.]*){0,2}))?"
    r"(?: \([A-Za-z][A-Za-z .]{0,15}\))?"
    r" ?(?:--?|—|–|_) "
)


@dataclass(frozen=True, slots=True)
class Dateline:
    name: str  # as written: "SPRINGFIELD"
    start: int
    end: int
    qualifier: str | None = None  # "Ill."
    qualifier_start: int = 0
    qualifier_end: int = 0

    @property
    def lookup_name(self) -> str:
        """The name in title case, as the gazetteer reads it: "ROCKY HILL" -> "Rocky Hill"."""
        return " ".join(word.capitalize() for word in self.name.split())


def find_dateline(text: str) -> Dateline | None:
    """The first dateline in the opening DATELINE_REACH characters of a body, if any."""
    for match in _DATELINE.finditer(text, 0, min(len(text), DATELINE_REACH + 80)):
        if match.start() > DATELINE_REACH:
            return None
        if sum(c.isalpha() for c in match.group("name")) < 3:
            continue
        qualifier = match.group("qualifier")
        if qualifier:
            return Dateline(match.group("name"), match.start("name"), match.end("name"),
                            qualifier, match.start("qualifier"), match.end("qualifier"))
        return Dateline(match.group("name"), match.start("name"), match.end("name"))
    return None
