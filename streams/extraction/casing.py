"""Headline casing: runs of ALL-CAPS words read as Title Case, so the NER sees names.

Wire copy has upper-case headlines and datelines ("COUNCIL BACKS NEW BRIDGE PLAN",
"PARIS 2009-05-14"); spaCy's small model finds few names in them. The text keeps its length,
so every offset into the re-cased text is an offset into the original.
"""

from __future__ import annotations

import re

# A word in capitals (letters, with inner apostrophes, dots or hyphens), at least two letters.
_CAPS_WORD = re.compile(r"\b[A-Z][A-Z'.\-]*[A-Z]\b")
_DATE = re.compile(r"\s*\d{4}-\d{2}-\d{2}")
MIN_RUN = 2  # one capitalised word alone is an acronym ("NATO"), not a headline


def recase_headlines(text: str) -> str:
    """Title-case runs of >= 2 consecutive ALL-CAPS words, and a caps word before a date."""
    words = list(_CAPS_WORD.finditer(text))
    if not words:
        return text
    chars = list(text)
    for run in _runs(text, words):
        if len(run) >= MIN_RUN or _DATE.match(text, run[-1].end()):
            for match in run:
                _recase(chars, match)
    return "".join(chars)


def _runs(text: str, words: list[re.Match]) -> list[list[re.Match]]:
    """Group caps words separated only by spaces and punctuation that headlines use."""
    runs: list[list[re.Match]] = [[words[0]]]
    for previous, match in zip(words, words[1:], strict=False):
        gap = text[previous.end() : match.start()]
        if gap.strip(" -,:'") == "" and "\n" not in gap:
            runs[-1].append(match)
        else:
            runs.append([match])
    return runs


def _recase(chars: list[str], match: re.Match) -> None:
    word = match.group()
    if "." in word:  # "U.S." stays an abbreviation
        return
    titled = word.capitalize()
    if len(titled) == len(word):  # never change the length: offsets must stay valid
        chars[match.start() : match.end()] = titled
