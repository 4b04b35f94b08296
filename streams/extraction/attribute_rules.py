"""The model's attribute ruler (tag -> part of speech, pronoun lemmas, ...), matched by lookup.

Why: spaCy's `Matcher` takes about 25 us a word to try the 179 patterns of en_core_web_sm's
attribute ruler, a seventh of extraction's CPU time. Every one of those patterns tests only a
word's tag, lower-case form, dependency label and whether it is whitespace (by equality, IN,
NOT_IN or REGEX), so the patterns a word can start are the same for every word that agrees on
what the patterns test: they are worked out once per such class of words and looked up after
that. The attributes are still set by the ruler's own `set_annotations`, from the same list of
matches its `match` returns, so the annotation is the same (tests/unit/test_attribute_rules.py
compares the two). A model whose ruler uses anything else keeps spaCy's own ruler
(`compile_attribute_ruler` returns it unchanged).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

KEYS = ("TAG", "LOWER", "DEP", "IS_SPACE")
ROWS_REMEMBERED = 100_000  # distinct (tag, word, label, space) rows looked up without work
OTHER = -1  # stands for every value no pattern names (0 is kept: it is the empty string)

# One key's test: ("IN" | "NOT_IN", string hashes or 0/1) or ("REGEX", number of the regex).
Test = tuple[str, frozenset[int] | int]
# A token pattern: its tests, by position of the key in KEYS.
Condition = tuple[tuple[int, Test], ...]
# What the patterns can see of a word: per key its value (or OTHER), then each regex's verdict.
WordClass = tuple


class CompiledAttributeRuler:
    """Same matches as `ruler.match(doc)`, found by a lookup per class of words."""

    def __init__(self, ruler, rules: list[tuple[int, int, list[Condition]]],
                 regexes: list[tuple[int, re.Pattern]]):
        self.ruler = ruler
        self.rules = rules  # (pattern number, match id, one condition per token)
        self.regexes = regexes  # (position of the key in KEYS, pattern)
        self.named = [set() for _ in KEYS]
        for _, _, conditions in rules:
            for condition in conditions:
                for key, (operator, values) in condition:
                    if operator != "REGEX":
                        self.named[key].update(values)
        self._by_class: dict[WordClass, tuple[list, list]] = {}
        self._by_row: dict[tuple[int, ...], tuple[list, list]] = {}
        self._searched = functools.lru_cache(maxsize=ROWS_REMEMBERED)(self._search)

    def __call__(self, doc):
        self.ruler.set_annotations(doc, self.match(doc))
        return doc

    def pipe(self, docs: Iterable, batch_size: int = 0) -> Iterator:
        for doc in docs:
            yield self(doc)

    def match(self, doc) -> list[tuple[int, int, int, int]]:
        """[(pattern number, match id, start, end)], sorted, as `AttributeRuler.match` gives."""
        rows = [tuple(row) for row in doc.to_array(KEYS).tolist()]
        words = None  # word classes, needed only when a pattern spans words
        found, spans = [], set()  # two alternatives of one pattern may match the same span
        for start, row in enumerate(rows):
            single, spanning = self._rules_starting(row)
            for number, match_id in single:
                found.append((number, match_id, start, start + 1))
            for number, match_id, conditions in spanning:
                words = words or [self._word_class(row) for row in rows]
                end = start + len(conditions)
                if end <= len(words) and all(
                    _holds(condition, words[i])
                    for i, condition in zip(range(start + 1, end), conditions[1:], strict=True)
                ):
                    spans.add((number, match_id, start, end))
        found.extend(spans)
        found.sort()
        return found

    def _word_class(self, row: list[int]) -> WordClass:
        values = tuple(value if value in named or value == 0 else OTHER
                       for value, named in zip(row, self.named, strict=True))
        if not self.regexes:
            return values
        return values + tuple(self._searched(number, row[key])
                              for number, (key, _) in enumerate(self.regexes))

    def _search(self, number: int, value: int) -> bool:
        return self.regexes[number][1].search(self.ruler.vocab.strings[value]) is not None

    def _rules_starting(self, row: tuple[int, ...]):
        """(one-word matches, patterns spanning words) a word with these values can start."""
        rules = self._by_row.get(row)
        if rules is None:
            word = self._word_class(row)
            rules = self._by_class.get(word)
            if rules is None:  # bounded: a tag, a few dozen named words and labels, a few regexes
                starting = [rule for rule in self.rules if _holds(rule[2][0], word)]
                rules = (sorted({(number, match_id) for number, match_id, c in starting
                                 if len(c) == 1}),
                         [rule for rule in starting if len(rule[2]) > 1])
                self._by_class[word] = rules
            if len(self._by_row) >= ROWS_REMEMBERED:  # the vocabulary of a stream has no end
                self._by_row.clear()
            self._by_row[row] = rules
        return rules


def _holds(condition: Condition, word: WordClass) -> bool:
    for key, (operator, values) in condition:
        if operator == "REGEX":
            if not word[len(KEYS) + values]:
                return False
        elif (word[key] in values) != (operator == "IN"):
            return False
    return True


def compile_attribute_ruler(ruler):
    """A `CompiledAttributeRuler` for `ruler`, or `ruler` itself if a pattern needs the Matcher."""
    strings = ruler.vocab.strings
    rules, regexes = [], []
    for number, entry in enumerate(ruler.patterns):
        for sequence in entry["patterns"]:
            conditions = [_condition(token, strings, regexes) for token in sequence]
            if not conditions or None in conditions:
                return ruler
            rules.append((number, strings[str(number)], conditions))
    return CompiledAttributeRuler(ruler, rules, regexes)


def _condition(token: dict, strings, regexes: list) -> Condition | None:
    """The token pattern as a Condition; None if it needs more than KEYS and these operators."""
    if set(token) - set(KEYS):
        return None
    tests = []
    for key, value in token.items():
        position = KEYS.index(key)
        operator, values = next(iter(value.items())) if isinstance(value, dict) else ("IN", [value])
        if isinstance(value, dict) and len(value) != 1:
            return None
        if operator == "REGEX" and key != "IS_SPACE" and isinstance(values, str):
            regexes.append((position, re.compile(values)))
            tests.append((position, ("REGEX", len(regexes) - 1)))
        elif operator in ("IN", "NOT_IN") and key == "IS_SPACE":
            if not all(isinstance(v, bool) for v in values):
                return None
            tests.append((position, (operator, frozenset(int(v) for v in values))))
        elif operator in ("IN", "NOT_IN") and all(isinstance(v, str) for v in values):
            tests.append((position, (operator, frozenset(strings.add(v) for v in values))))
        else:
            return None
    return tuple(tests)
