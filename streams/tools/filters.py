"""A tiny, safe filter language for JSON messages (`streams tail --filter`): no eval.

An expression is conditions joined by commas, all of which must hold (AND):

    location.name=Aleppo,quad_class=4        equal (numbers compare as numbers)
    source.code!=SYRGOV                      not equal
    title~ceasefire                          contains, ignoring case
    goldstein<-5   goldstein>=7              compare numbers
    location.country=null                    the field is null

A path is field names joined by dots; a number picks a list item (`evidence.event_ids.0`), and
a name applied to a list looks into each item, so a condition holds when any value it reaches
matches. A missing field matches nothing (and so `!=` holds). In a value, `\\,` is a comma and
`\\\\` a backslash. Spaces around paths and values are ignored.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from streams.failures import USAGE, Failure

OPERATORS = ("!=", ">=", "<=", "=", "~", ">", "<")
NUMERIC = {">", ">=", "<", "<="}
PATH = re.compile(r"[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*")
MISSING = object()


class FilterError(Failure, ValueError):
    """The expression cannot be parsed; the message says where and why (a usage error)."""

    kind = USAGE


@dataclass(frozen=True)
class Condition:
    path: tuple[str, ...]
    op: str
    value: str

    def matches(self, message: Any) -> bool:
        op = "=" if self.op == "!=" else self.op
        found = any(_compare(op, actual, self.value) for actual in _resolve(message, self.path))
        return not found if self.op == "!=" else found

    def __str__(self) -> str:
        return f"{'.'.join(self.path)}{self.op}{self.value}"


@dataclass(frozen=True)
class Filter:
    conditions: tuple[Condition, ...] = ()

    def matches(self, message: Any) -> bool:
        return all(condition.matches(message) for condition in self.conditions)

    def __str__(self) -> str:
        return ",".join(str(c).replace("\\", "\\\\").replace(",", "\\,") for c in self.conditions)


def parse_filter(text: str | None) -> Filter:
    """Parse an expression; an empty or missing one matches every message."""
    if text is None or not text.strip():
        return Filter()
    return Filter(tuple(_parse_condition(part) for part in _split(text)))


def _split(text: str) -> list[str]:
    parts, current, chars = [], [], iter(text)
    for char in chars:
        if char == "\\":
            escaped = next(chars, None)
            if escaped not in (",", "\\"):
                raise FilterError(f"in {text!r}: a backslash must come before ',' or '\\'")
            current.append("\0" if escaped == "," else "\1")
        elif char == ",":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _parse_condition(part: str) -> Condition:
    shown = part.replace("\0", ",").replace("\1", "\\").strip()
    at = next((i for i, char in enumerate(part) if char in "=!~<>"), None)
    if not shown:
        raise FilterError("empty condition (two commas in a row, or one at an end?)")
    if at is None:
        raise FilterError(f"{shown!r} has no operator; use one of {' '.join(OPERATORS)}")
    op = next((o for o in OPERATORS if part.startswith(o, at)), None)
    if op is None:
        raise FilterError(f"{shown!r}: '!' must be followed by '='")
    path, value = (piece.replace("\0", ",").replace("\1", "\\").strip()
                   for piece in (part[:at], part[at + len(op):]))
    if not PATH.fullmatch(path):
        raise FilterError(f"{shown!r}: {path!r} is not a field path like location.name")
    if op in NUMERIC and _number(value) is None:
        raise FilterError(f"{shown!r}: {op} needs a number, not {value!r}")
    return Condition(tuple(path.split(".")), op, value)


def _resolve(value: Any, path: tuple[str, ...]) -> Iterator[Any]:
    """Every value the path reaches (lists fan out); nothing when it reaches nothing."""
    if not path:
        if isinstance(value, list):
            yield from value
        else:
            yield value
        return
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        if head in value:
            yield from _resolve(value[head], rest)
    elif isinstance(value, list):
        if head.isdigit():
            if int(head) < len(value):
                yield from _resolve(value[int(head)], rest)
        else:
            for item in value:
                yield from _resolve(item, path)


def _compare(op: str, actual: Any, expected: str) -> bool:
    if op == "=":
        return _equal(actual, expected)
    if op == "~":
        text = actual if isinstance(actual, str) else _text(actual)
        return expected.casefold() in text.casefold()
    if isinstance(actual, bool) or not isinstance(actual, int | float):
        return False
    number = _number(expected)
    return {">": actual > number, ">=": actual >= number,
            "<": actual < number, "<=": actual <= number}[op]


def _equal(actual: Any, expected: str) -> bool:
    if actual is None:
        return expected == "null"
    if isinstance(actual, bool):
        return expected == ("true" if actual else "false")
    if isinstance(actual, int | float):
        number = _number(expected)
        return number is not None and actual == number
    return isinstance(actual, str) and actual == expected


def _text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
