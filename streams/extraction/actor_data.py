"""Tables for CAMEO-style actor coding, read from streams/data/actors_*.tsv.

Nothing is read at import: `load_actor_tables()` builds the lookups on first call. Every key is a
`normalize()`d phrase, so the tables and the text they are matched against agree on case, accents,
dots, hyphens, possessives and Arabic articles.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources

DATA_PACKAGE = "streams"
DATA_DIR = "data"

# "al-Assad" == "Assad", "Al Qaeda" == "Qaeda": news copy drops the Arabic article at will.
ARABIC_ARTICLES = frozenset({"al", "el"})
# Demonyms with no regular "+s" plural ("British", "Swiss", "Chinese"); "Czechs" is listed as data.
NO_PLURAL_ENDINGS = ("s", "sh", "ch", "x", "z", "ese")

_DASHES_AND_SLASHES = re.compile(r"[-\u2010-\u2015/]")
_OTHER_PUNCTUATION = re.compile(r"[^\w'&+ ]")


def normalize(text: str) -> str:
    """Fold a phrase to its lookup key: 'the U.S.' -> 'us', "Bashar al-Assad's" -> 'bashar assad'.

    Accents, case, dots, hyphens, possessives, a leading "the" and Arabic articles are dropped.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = _DASHES_AND_SLASHES.sub(" ", text.replace(".", ""))
    words = [_strip_possessive(word) for word in _OTHER_PUNCTUATION.sub(" ", text).split()]
    words = [word for word in words if word]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    if len(words) > 1:
        words = [word for word in words if word not in ARABIC_ARTICLES] or words
    return " ".join(words)


@functools.lru_cache(maxsize=1 << 16)
def normalize_word(text: str) -> str:
    """`normalize` for one word's text, remembered: every word of every sentence is looked up."""
    return normalize(text)


def _strip_possessive(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    return word.strip("'")


@dataclass(frozen=True, slots=True)
class Role:
    """A generic actor noun's role; `is_head` nouns take the role of a role word before them."""

    code: str
    is_head: bool


@dataclass(frozen=True, slots=True)
class ActorTables:
    """Normalized phrase -> code lookups, plus the longest key (in words) of each for scanning."""

    countries: dict[str, str]  # country names, aliases and demonyms -> ISO alpha-3
    capitals: dict[str, str]  # capital (and seat-of-government) cities -> ISO alpha-3
    orgs: dict[str, str]  # named organisations -> actor code
    people: dict[str, str]  # political figures -> actor code (ambiguous short forms removed)
    roles: dict[str, Role]  # generic nouns -> role
    max_words: dict[str, int]  # table name -> longest key in words
    first_words: dict[str, frozenset[str]]  # table name -> the words its keys start with


def data_rows(filename: str) -> Iterator[list[str]]:
    """Tab-separated rows of a data file, without comments, blank lines and the header row."""
    path = resources.files(DATA_PACKAGE) / DATA_DIR / filename
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = (line.split("\t") for line in lines if line.strip() and not line.startswith("#"))
    next(rows, None)  # header
    yield from rows


def split_values(cell: str) -> list[str]:
    return [value.strip() for value in cell.split("|") if value.strip()]


def demonym_forms(demonym: str) -> list[str]:
    """The demonym and its regular plural ('Syrian' -> 'Syrians'); irregular plurals are data."""
    if demonym.casefold().endswith(NO_PLURAL_ENDINGS) or "." in demonym:
        return [demonym]
    return [demonym, demonym + "s"]


def add_unique(table: dict[str, str], phrase: str, code: str, source: str) -> None:
    """Add a key; a phrase that two rows give different codes is a data error."""
    key = normalize(phrase)
    if table.setdefault(key, code) != code:
        raise ValueError(f"{source}: {phrase!r} is both {table[key]} and {code}")


def load_countries() -> tuple[dict[str, str], dict[str, str]]:
    countries: dict[str, str] = {}
    capitals: dict[str, str] = {}
    for row in data_rows("actors_countries.tsv"):
        code, names, demonyms, capital_names = (row + ["", "", ""])[:4]
        for name in split_values(names):
            add_unique(countries, name, code, "actors_countries.tsv")
        for demonym in split_values(demonyms):
            for form in demonym_forms(demonym):
                add_unique(countries, form, code, "actors_countries.tsv")
        for capital in split_values(capital_names):
            add_unique(capitals, capital, code, "actors_countries.tsv capitals")
    return countries, capitals


def load_orgs() -> dict[str, str]:
    orgs: dict[str, str] = {}
    for code, names, *_ in data_rows("actors_orgs.tsv"):
        for name in split_values(names):
            add_unique(orgs, name, code.strip(), "actors_orgs.tsv")
    return orgs


def load_people() -> dict[str, str]:
    codes_by_name: dict[str, set[str]] = defaultdict(set)
    for code, names, *_ in data_rows("actors_people.tsv"):
        for name in split_values(names):
            codes_by_name[normalize(name)].add(code.strip())
    return {
        name: code for name, codes in codes_by_name.items() if (code := resolve_shared_name(codes))
    }


def resolve_shared_name(codes: set[str]) -> str | None:
    """One code: it. Several in one country ('Carter': GOV and MIL): the country. Else ambiguous."""
    if len(codes) == 1:
        return next(iter(codes))
    countries = {code[:3] for code in codes}
    if len(countries) == 1 and all(len(code) >= 3 for code in codes):
        return countries.pop()
    return None


def load_roles() -> dict[str, Role]:
    roles: dict[str, Role] = {}
    for phrases, code, kind in data_rows("actors_roles.tsv"):
        for phrase in split_values(phrases):
            key = normalize(phrase)
            if key in roles:
                raise ValueError(f"actors_roles.tsv: {phrase!r} is listed twice")
            roles[key] = Role(code.strip(), kind.strip() == "head")
    return roles


def longest_key(keys: Iterable[str]) -> int:
    return max((len(key.split()) for key in keys), default=0)


def first_words(keys: Iterable[str]) -> frozenset[str]:
    return frozenset(key.split()[0] for key in keys if key)


@functools.cache
def load_actor_tables() -> ActorTables:
    countries, capitals = load_countries()
    tables = {
        "countries": countries,
        "capitals": capitals,
        "orgs": load_orgs(),
        "people": load_people(),
        "roles": load_roles(),
    }
    return ActorTables(**tables, max_words={name: longest_key(t) for name, t in tables.items()},
                       first_words={name: first_words(t) for name, t in tables.items()})
