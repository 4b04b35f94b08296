"""A politician's party and place after the name: "Sen. Jane Roe, D-Calif., said", "(R-Texas)".

US news writes a legislator's state, district or home town after a party letter; the NER
rarely tags it, or takes in the letter ("D-Iowa City"). The place is a mention like any other.
"""

from __future__ import annotations

import re

# after ", " or "(": a party letter, a hyphen and a capitalised word (abbreviations keep their
# dots: "N.D.", "Pa."); one or two more words unless a word ends with a dot ("D-Iowa City.")
_TAG = re.compile(r"(?:(?<=, )|(?<=\())[DRI]-(?P<place>[A-Z][\w'’]*(?:\.[\w'’]+)*\.?"
                  r"(?:(?<!\.) [A-Z][\w'’]*\.?){0,2})(?=[\s,;)]|$)")


def party_tags(text: str) -> list[tuple[int, int]]:
    """(start, end) of each party tag's place in the text; a final dot may end the sentence."""
    return [match.span("place") for match in _TAG.finditer(text)]
