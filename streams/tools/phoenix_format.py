"""Readers for the PETRARCH2 / Phoenix dictionary formats (the coder's dictionaries.rst).

Actor dictionaries: a record is a primary phrase line, then `+` synonym lines, then restriction
lines `[CODE]`, `[CODE >YYMMDD]`, `[CODE <YYMMDD]`, `[CODE YYMMDD-YYMMDD]` or `[CODE YYMMDD]` (a
start; bounds inclusive; YYMMDD years 00-30 are 20YY, others 19YY; YYYYMMDD also allowed).
Restrictions may also follow the phrase on its line. `#` starts a comment; words are joined by
`_` or blanks.

Agents dictionary: lines `PHRASE {PLURAL} [~CODE]` (or `[CODE~]` for a code that comes first,
NGO~); the plural is regular (+S, Y -> IES, S -> +ES) unless given in braces, `{}` meaning none;
`!PERSON!`-style markers defined as `!PERSON! = MAN, MEN, ...` stand for each of their words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

_BRACKET = re.compile(r"\[([^\]]*)\]")
_PARENTHESES = re.compile(r"\([^)]*(\)|$)")


@dataclass(frozen=True, slots=True)
class Restriction:
    """A code and the dates it holds for (inclusive); None bounds are open."""

    code: str
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    def as_text(self) -> str:
        """The table's form: 'USAGOV', 'USAGOV >20090120', 'USAGOV <20090120', 'X 2001-2003'."""
        if self.start and self.end:
            return f"{self.code} {self.start:%Y%m%d}-{self.end:%Y%m%d}"
        if self.start:
            return f"{self.code} >{self.start:%Y%m%d}"
        if self.end:
            return f"{self.code} <{self.end:%Y%m%d}"
        return self.code


@dataclass(slots=True)
class Record:
    """One dictionary entry: its phrases (primary first) and restrictions in file order."""

    names: list[str] = field(default_factory=list)
    restrictions: list[Restriction] = field(default_factory=list)


def parse_date(text: str) -> dt.date | None:
    """YYYYMMDD or YYMMDD (00-30 -> 20YY, else 19YY); None when it is not a valid date."""
    if not text.isdigit() or len(text) not in (6, 8):
        return None
    if len(text) == 6:
        year = int(text[:2])
        text = str(year + (2000 if year <= 30 else 1900)) + text[2:]
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def parse_restriction(body: str) -> Restriction | None:
    """The inside of '[...]': 'AFGGOV 011222-050101', 'RUSGOV >080508', 'USAELI'. None when the
    dates are malformed (a restriction with a bad date would otherwise hold at any date)."""
    parts = body.split()
    if not parts:
        return None
    code, dates = parts[0], "".join(parts[1:])
    if not dates:
        return Restriction(code)
    if dates[0] in "<>":
        date = parse_date(dates[1:])
        if date is None:
            return None
        return Restriction(code, start=date) if dates[0] == ">" else Restriction(code, end=date)
    start, sep, end = dates.partition("-")
    if not sep:  # a lone date is a start ("[USAGOV 19820101] # entered Foreign Service")
        date = parse_date(start)
        return Restriction(code, start=date) if date else None
    first, last = parse_date(start), parse_date(end)
    if first is None or last is None:
        return None
    return Restriction(code, first, last)


def clean_phrase(text: str) -> str:
    """'ADEN_ABYAN_ISLAMIC_ARMY_(AAIA)_' -> 'ADEN ABYAN ISLAMIC ARMY'."""
    text = _PARENTHESES.sub(" ", text.replace("_", " "))
    return " ".join(text.split())


def read_records(lines: Iterable[str]) -> Iterator[Record]:
    """Records of an actor dictionary, in file order (see the module docstring for the format)."""
    record: Record | None = None
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        phrase, restrictions = _split_line(line)
        if line.startswith("["):
            if record is not None:
                record.restrictions.extend(restrictions)
            continue
        if line.startswith("+"):
            if record is not None:
                record.names.extend(name for name in [clean_phrase(phrase[1:])] if name)
                record.restrictions.extend(restrictions)
            continue
        if record is not None:
            yield record
        record = Record([name for name in [clean_phrase(phrase)] if name], list(restrictions))
    if record is not None:
        yield record


def _split_line(line: str) -> tuple[str, list[Restriction]]:
    """A line's phrase (before the first '[') and its parsed restrictions."""
    phrase = line.split("[", 1)[0]
    found = (parse_restriction(body) for body in _BRACKET.findall(line))
    return phrase, [r for r in found if r is not None]


def regular_plural(phrase: str) -> str:
    """The agents dictionary's regular plural: +S, Y -> IES, S -> +ES."""
    if phrase.endswith("Y"):
        return phrase[:-1] + "IES"
    return phrase + ("ES" if phrase.endswith("S") else "S")


def read_agents(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(phrase, Phoenix code) of every agent form: plurals and marker substitutions included."""
    markers: dict[str, list[str]] = {}
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("<!"):
            continue
        if "!" in line and "=" in line:
            name, _, words = line.partition("=")
            markers[name.strip().strip("!")] = [w.strip() for w in words.split(",") if w.strip()]
            continue
        if "[" not in line:
            continue
        phrase, _, rest = line.partition("[")
        code = rest.partition("]")[0].strip()
        phrase, brace, plural = phrase.partition("{")
        phrase = phrase.strip()
        if "!" in phrase:
            before, _, after = phrase.partition("!")
            marker, _, after = after.partition("!")
            for word in markers.get(marker, []):
                yield clean_phrase(before + word + after), code
            continue
        yield clean_phrase(phrase), code
        plural = plural.partition("}")[0].strip() if brace else regular_plural(phrase)
        if plural:
            yield clean_phrase(plural), code
