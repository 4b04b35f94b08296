"""Headline casing: runs of ALL-CAPS words read in the case the article writes them in.

Wire copy has upper-case headlines and datelines ("COUNCIL BACKS NEW BRIDGE PLAN",
"PARIS 2009-05-14"); spaCy's small model finds few names in them. Title Case for every word
("Council Backs New Bridge Plan") makes the model join the words into one long name, so each
word takes the case the rest of the text gives it: lower case when the text writes it so more
often than capitalised within a sentence ("backs", "plan"), capitals kept when the text uses it
as an acronym ("NATO"), else Title Case, or lower case for a function word ("at", "the"). The
text keeps its length, so every offset into the re-cased text is an offset into the original.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

# A word in capitals (letters, with inner apostrophes, dots or hyphens), at least two letters.
_CAPS_WORD = re.compile(r"\b[A-Z][A-Z'.\-]*[A-Z]\b")
_DATE = re.compile(r"\s*\d{4}-\d{2}-\d{2}")
MIN_RUN = 2  # one capitalised word alone is an acronym ("NATO"), not a headline
_ANY_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\"(])[\s\"'(]*$")  # what precedes a sentence's first word


@dataclass
class WordUsage:
    """How a text writes its words outside the headline runs (keys in lower case)."""

    lower: Counter = field(default_factory=Counter)  # "plan"
    titled: Counter = field(default_factory=Counter)  # "Plan" within a sentence, not first
    acronyms: set = field(default_factory=set)  # "NATO" alone

    def read(self, text: str, skip: set[int]) -> None:
        for match in _ANY_WORD.finditer(text):
            word = match.group()
            if match.start() in skip:
                continue
            key = word.lower()
            if word.islower():
                self.lower[key] += 1
            elif word.isupper():
                self.acronyms.add(key)
            elif word[0].isupper() and word[1:].islower() and not _SENTENCE_START.search(
                    text, max(0, match.start() - 4), match.start()):
                self.titled[key] += 1

    def cased(self, word: str) -> str:
        """The caps word as the text writes it elsewhere (same length)."""
        key = word.lower()
        if key in self.acronyms:
            return word
        if self.lower[key] > self.titled[key] or (not self.titled[key] and key in STOP_WORDS):
            return key
        return word.capitalize()


def recase_headlines(text: str, context: Iterable[str] = ()) -> str:
    """Re-case runs of >= 2 consecutive ALL-CAPS words, and a caps word before a date, as the
    text (and the `context` texts, e.g. the article's body for its title) writes them elsewhere."""
    runs = _headline_runs(text)
    if not runs:
        return text
    usage = WordUsage()
    usage.read(text, _starts(runs))
    for other in context:  # its own headlines are no evidence either ("LONDON" of a dateline)
        usage.read(other, _starts(_headline_runs(other)))
    chars = list(text)
    for run in runs:
        for match in run:
            _recase(chars, match, usage)
    return "".join(chars)


def _headline_runs(text: str) -> list[list[re.Match]]:
    """Runs of >= MIN_RUN caps words, and a caps word before a date."""
    words = list(_CAPS_WORD.finditer(text))
    if not words:
        return []
    return [run for run in _runs(text, words)
            if len(run) >= MIN_RUN or _DATE.match(text, run[-1].end())]


def _starts(runs: list[list[re.Match]]) -> set[int]:
    return {match.start() for run in runs for match in run}


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


def _recase(chars: list[str], match: re.Match, usage: WordUsage) -> None:
    word = match.group()
    if "." in word:  # "U.S." stays an abbreviation
        return
    cased = usage.cased(word)
    if len(cased) == len(word):  # never change the length: offsets must stay valid
        chars[match.start() : match.end()] = cased
