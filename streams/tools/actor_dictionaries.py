"""Build streams/data/actors_people_phoenix.tsv, actors_orgs_phoenix.tsv and
actors_roles_phoenix.tsv from the PETRARCH2 / Phoenix actor and agent dictionaries (MIT,
Copyright (c) 2014 Open Event Data), and events_verbs_cameo.tsv from the CAMEO 2.0 verb
dictionary beside them (streams.tools.verb_dictionary).

Usage: make actors, or python -m streams.tools.actor_dictionaries [--reference DIR] [--out DIR]
(defaults: $STREAMS_PETRARCH_DIR, else ../shared/reference/petrarch2 beside the repository;
streams/data). Nothing here runs at extraction time: the extractor reads the generated tables.

The dictionaries' formats are read by streams.tools.phoenix_format.

Phoenix codes are chunks of three letters, country first (AFGGOVAGR, IGOUNOKID, MNCUSA). They
become the project's codes (see streams/extraction/actors.py): the country and the first of the
project's roles (GOV followed by MIL is MIL: defence ministers), or the bare country when no
role is one of ours (ELI, PTY, ...); IGO*, IMG*, NGO* and MED keep the project's stateless
codes; a multinational (MNC + country) is that country's BUS. Regional and unknown codes are
dropped, and so is a record left with no code.

People (every record of the Countries file, and records with dates elsewhere) keep their date
ranges; organisations and armed groups (International and MilNonState files) one code. A name
that two records code differently keeps the dates of both when they agree on the country, goes
to the record the dictionary lists far more often when they do not, and is dropped otherwise.
Country names, their aliases and towns (records whose only code is a bare country) are left to
actors_countries.tsv and the gazetteer.

Agents (role words: "autocrat", "coup plotter", "death squad") become the project's roles
(religions REL, GOV followed by MIL MIL); agents with a role the project does not code (ELI, AGR,
PTY, ...) are dropped, and so are phrases with a function word (see `build_roles`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from streams.extraction.actor_data import normalize
from streams.tools import verb_dictionary
from streams.tools.phoenix_format import Record, Restriction, read_agents, read_records

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REFERENCE = REPO_ROOT.parent / "shared" / "reference" / "petrarch2"
REFERENCE_ENV = "STREAMS_PETRARCH_DIR"
PEOPLE_FILES = ("Phoenix.Countries.actors.txt",)
ORG_FILES = ("Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt")
AGENTS_FILE = "Phoenix.agents.txt"
PEOPLE_TABLE = "actors_people_phoenix.tsv"
ORGS_TABLE = "actors_orgs_phoenix.tsv"
ROLES_TABLE = "actors_roles_phoenix.tsv"

PROJECT_ROLES = (
    "GOV", "MIL", "REB", "OPP", "COP", "JUD", "LEG", "MED", "CVL", "REF", "BUS", "EDU", "HLH",
    "LAB", "CRM", "SPY", "REL", "UAF",
)  # fmt: skip
STATELESS_PREFIXES = ("IGO", "IMG")
# Roles that stand without a country (actors.py BARE_ROLES): "INTREB" is a transnational rebel.
BARE_ROLES = frozenset({"REB", "UAF"})
RELIGIONS = frozenset({"REL", "CHR", "MUS", "JEW", "BUD", "HIN", "CTH"})
# CAMEO's codes for states that no longer exist -> the successor the project codes them as.
HISTORICAL = {"USR": "RUS", "SUN": "RUS", "DDR": "DEU", "YUG": "SRB", "SCG": "SRB", "KSV": "XKX"}
NULL_CODE = "---"
# Ordinary words that the dictionaries list as a whole name (a firm "Corp", a band of "Tigers").
ORDINARY_WORDS = frozenset(
    {"corp", "falcon", "mavericks", "olive", "senate", "tigers", "yahweh", "youth", "zero"}
)

# Last words that are not surnames: generational suffixes, numerals, titles used after a name.
NOT_SURNAMES = frozenset({"JR", "SR", "II", "III", "IV", "ADMINISTRATION", "GOVERNMENT"})

# A name two records give different countries goes to the one with this many names and twice
# the names of the others together (see `merge`).
PROMINENT = 4
# Surnames alone are added for people whose record lists at least this many names: the
# dictionary's editors list many forms for people often in the news, one for a cabinet roster.
SURNAME_MIN_NAMES = 3
# Longer names (a full title, the office and the person's three names) never recur verbatim in
# news copy and would make every lookup try longer windows.
MAX_WORDS = 6
FUNCTION_WORDS = frozenset(
    {"a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
)

def project_code(code: str, countries: frozenset[str]) -> str | None:
    """A Phoenix code as the project codes it, or None (see the module docstring)."""
    code = code.strip().upper()
    if not code or code == NULL_CODE or len(code) % 3:
        return None
    chunks = [code[i : i + 3] for i in range(0, len(code), 3)]
    head, rest = chunks[0], chunks[1:]
    if head in STATELESS_PREFIXES:
        return head
    if head == "NGO":
        country = HISTORICAL.get(rest[0], rest[0]) if rest else None
        return f"{country}NGO" if country in countries else "NGO"
    if head == "MED" and not rest:
        return "MED"
    if head == "MNC":
        country = HISTORICAL.get(rest[0], rest[0]) if rest else None
        return f"{country}BUS" if country in countries else None
    if head == "INT":
        role = next((c for c in rest if c in PROJECT_ROLES), None)
        return role if role in BARE_ROLES else None
    country = HISTORICAL.get(head, head)
    if country not in countries:
        return None
    roles = [chunk for chunk in rest if chunk in PROJECT_ROLES]
    if not roles:
        return country
    if roles[0] == "GOV" and len(roles) > 1 and roles[1] == "MIL":
        return country + "MIL"
    return country + roles[0]


def project_restrictions(
    restrictions: Iterable[Restriction], countries: frozenset[str]
) -> list[Restriction]:
    """Each restriction with its code mapped; those left without a code dropped; repeats once."""
    mapped: list[Restriction] = []
    for restriction in restrictions:
        code = project_code(restriction.code, countries)
        if code is None:
            continue
        candidate = Restriction(code, restriction.start, restriction.end)
        if candidate not in mapped:
            mapped.append(candidate)
    return mapped


def simplify(restrictions: list[Restriction]) -> tuple[Restriction, ...]:
    """One undated code when every restriction gives the same code and one is undated (it holds
    at any date); else as they are: dates alone say when a code holds, and not outside them."""
    codes = {r.code for r in restrictions}
    if len(codes) == 1 and any(not r.dated for r in restrictions):
        return (Restriction(codes.pop()),)
    return tuple(dict.fromkeys(restrictions))


def country_of(code: str) -> str:
    return code if code in STATELESS_PREFIXES or code in ("NGO", "MED") else code[:3]


Codes = tuple[Restriction, ...]


def merge(variants: list[tuple[Codes, int]]) -> Codes | None:
    """The codes of a name that several records give, each with its record's weight (how many
    names the dictionary lists for it: its editors list many forms for people often in the
    news). Kept when they agree; merged when they share a country (every record's dates, one
    default: the shared code or the country); else the record that outweighs all the others
    twice over, with at least PROMINENT names; else None (ambiguous)."""
    weights: dict[Codes, int] = {}
    for codes, weight in variants:
        weights[codes] = weights.get(codes, 0) + weight
    if len(weights) == 1:
        return next(iter(weights))
    countries = {country_of(r.code) for codes in weights for r in codes}
    if len(countries) == 1:
        country = countries.pop()
        dated = [r for codes in weights for r in codes if r.dated]
        defaults = {r.code for codes in weights for r in codes if not r.dated}
        default = defaults.pop() if len(defaults) == 1 else country
        return simplify(list(dict.fromkeys(dated)) + [Restriction(default)])
    return dominant(weights)


def dominant(weights: dict[Codes, int]) -> Codes | None:
    top = max(weights, key=weights.__getitem__)
    rest = sum(weights.values()) - weights[top]
    return top if weights[top] >= max(PROMINENT, 2 * rest) else None


def build_table(records: Iterable[Record], countries: frozenset[str], people: bool,
                key=str.casefold) -> dict[Codes, list[str]]:
    """codes -> the names coded by them, ambiguous names dropped; `key` folds a name to its
    lookup key (the extractor's `normalize`), so names that the extractor cannot tell apart are
    resolved here. For `people`, records coded only as a bare country (a country's names and
    towns) are skipped, and the surname (`record_surname`) of each person with SURNAME_MIN_NAMES
    names is added where no record lists it alone: news copy calls a person by surname ("Karzai
    said"). Names of more than MAX_WORDS words are left out."""
    by_name: dict[str, list[tuple[Codes, int]]] = defaultdict(list)
    by_surname: dict[str, list[tuple[Codes, int]]] = defaultdict(list)
    spelling: dict[str, str] = {}
    for record in records:
        restrictions = project_restrictions(record.restrictions, countries)
        if not restrictions:
            continue
        if people and all(r.code in countries for r in restrictions):
            continue  # a country's own names and towns
        codes, weight = simplify(restrictions), len(record.names)
        surname = record_surname(record) if people and weight >= SURNAME_MIN_NAMES else None
        for name in (name for name in record.names if len(name.split()) <= MAX_WORDS):
            spelling.setdefault(key(name), name)
            by_name[key(name)].append((codes, weight))
        if surname:
            spelling.setdefault(key(surname), surname)
            by_surname[key(surname)].append((codes, weight))
    for name, variants in by_surname.items():
        if name not in by_name:
            by_name[name] = variants
    merged = {name: m for name, variants in by_name.items() if (m := merge(variants)) is not None}
    given = given_names(by_name, merged) if people else set()
    table: dict[Codes, list[str]] = defaultdict(list)
    for name, codes in merged.items():
        if name not in given and name not in ORDINARY_WORDS and sum(map(str.isalpha, name)) >= 2:
            table[codes].append(spelling[name])
    return dict(table)


def record_surname(record: Record) -> str | None:
    """The surname of the record's first name, when the record is dated (a person's offices;
    an institution's codes are not) and another of its names ends with it too ("JOHN EXEMPLE",
    "SENATOR EXEMPLE"): a group's names ("... COUNCIL", "... NETWORK") do not share a last word
    the way a person's do."""
    if not record.names or not any(r.dated for r in record.restrictions):
        return None
    surname = surname_of(record.names[0])
    if surname is None or sum(name.split()[-1] == surname for name in record.names) < 2:
        return None
    return surname


def surname_of(name: str) -> str | None:
    """The last word of a person's name of two or more words, when it is a word of letters
    ('JEAN K. EXEMPLE' -> 'EXEMPLE'; not 'JR.', 'III' or an initial)."""
    words = name.split()
    last = words[-1] if len(words) > 1 else ""
    letters = last.replace("-", "").replace("'", "")
    if len(letters) < 3 or not letters.isalpha() or last.upper() in NOT_SURNAMES:
        return None
    return last


def given_names(by_name: dict[str, list[tuple[Codes, int]]], merged: dict[str, Codes]) -> set[str]:
    """One-word names that also begin the names of people of other countries: a given name
    names many people, a surname begins only its own bearer's names ("Karzai administration").
    Kept when its own records outweigh those people twice over (see `merge`)."""
    firsts: dict[str, dict[Codes, int]] = defaultdict(dict)
    for name, variants in by_name.items():
        first, _, rest = name.partition(" ")
        if rest:
            for codes, weight in variants:
                firsts[first][codes] = max(weight, firsts[first].get(codes, 0))
    given = set()
    for name, codes in merged.items():
        country = countries_of(codes)
        others = {c: w for c, w in firsts.get(name, {}).items() if countries_of(c) != country}
        if " " in name or not others:
            continue
        own = sum(w for _, w in by_name[name])
        if dominant({codes: own, **others}) != codes:
            given.add(name)
    return given


def countries_of(codes: Codes) -> frozenset[str]:
    return frozenset(country_of(r.code) for r in codes)


def agent_role(code: str) -> str | None:
    """'~GOVMIL' -> 'MIL', '~CHRCPT' -> 'REL', 'NGO~' -> 'NGO', '~ELI' -> None."""
    code = code.strip().upper()
    prefix = code.endswith("~")
    chunks = [code.strip("~")[i : i + 3] for i in range(0, len(code.strip("~")), 3)]
    if not chunks or len(chunks[-1]) != 3:
        return None
    if prefix:
        return chunks[0] if chunks[0] in ("NGO", "IGO") else "NGO" if chunks[0] == "NGM" else None
    first = chunks[0]
    if first == "GOV" and chunks[1:2] == ["MIL"]:
        return "MIL"
    if first in PROJECT_ROLES:
        return first
    return "REL" if first in RELIGIONS else None


def build_roles(agents: Iterable[tuple[str, str]], key=str.casefold) -> dict[str, list[str]]:
    """role -> agent phrases; a phrase that two agents give different roles is dropped, and so
    is one with a function word ("minister of the interior"): the coder matches consecutive
    words, and every word of a role phrase makes a sentence worth parsing (parse_filter)."""
    roles: dict[str, set[str | None]] = defaultdict(set)
    spelling: dict[str, str] = {}
    for phrase, code in agents:
        words = phrase.casefold().split()
        if words and len(words) <= MAX_WORDS and not FUNCTION_WORDS.intersection(words):
            spelling.setdefault(key(phrase), phrase)
            roles[key(phrase)].add(agent_role(code))
    table: dict[str, list[str]] = defaultdict(list)
    for name, found in roles.items():
        role = found.pop() if len(found) == 1 else None
        if role:
            table[role].append(spelling[name])
    return dict(table)


def read_dictionary(path: Path) -> list[Record]:
    with path.open(encoding="utf-8", errors="replace") as lines:
        return list(read_records(lines))


def project_countries(data_dir: Path) -> frozenset[str]:
    """The alpha-3 codes of streams/data/actors_countries.tsv (the codes the project knows)."""
    rows = (line.split("\t", 1)[0] for line in
            (data_dir / "actors_countries.tsv").read_text(encoding="utf-8").splitlines())
    return frozenset(code for code in rows if len(code) == 3 and code.isupper())


def render(table: dict[tuple[Restriction, ...], list[str]], sources: Iterable[str],
           licence: str, what: str) -> str:
    header = [
        f"# {what}",
        "# GENERATED by `make actors` (python -m streams.tools.actor_dictionaries): do not edit.",
        "# Derived from the PETRARCH2 / Phoenix actor dictionaries (openeventdata/petrarch2,",
        f"# petrarch2/data/dictionaries/): {', '.join(sources)}.",
        "# Codes mapped to the project's (streams/tools/actor_dictionaries.py says how). Columns:",
        "# codes: '|'-separated 'CODE', 'CODE >YYYYMMDD', 'CODE <YYYYMMDD' or",
        "# 'CODE YYYYMMDD-YYYYMMDD' (inclusive; the first range holding the article's date wins,",
        "# else the undated code); names: '|'-separated phrases.",
        "#",
        *[f"# {line}".rstrip() for line in licence.strip().splitlines()],
        "codes\tnames",
    ]
    rows = sorted(
        ("|".join(r.as_text() for r in restrictions), "|".join(sorted(set(names))))
        for restrictions, names in table.items()
    )
    return "\n".join(header + [f"{codes}\t{names}" for codes, names in rows]) + "\n"


def render_roles(table: dict[str, list[str]], licence: str) -> str:
    header = [
        "# Agents (role words) -> the project's role code, as in actors_roles.tsv (which wins).",
        "# GENERATED by `make actors` (python -m streams.tools.actor_dictionaries): do not edit.",
        "# Derived from the PETRARCH2 / Phoenix agents dictionary (openeventdata/petrarch2,",
        f"# petrarch2/data/dictionaries/{AGENTS_FILE}), plurals spelled out. Columns: phrases",
        "# ('|'-separated), role, kind (always 'actor').",
        "#",
        *[f"# {line}".rstrip() for line in licence.strip().splitlines()],
        "phrases\trole\tkind",
    ]
    rows = [f"{'|'.join(sorted(set(names)))}\t{role}\tactor" for role, names in sorted(table.items())]
    return "\n".join(header + rows) + "\n"


def build(reference: Path, out_dir: Path) -> dict[str, int]:
    """Write the three tables; returns the number of names in each."""
    countries = project_countries(out_dir)
    licence = (reference / "LICENSE").read_text(encoding="utf-8")
    people_records = [r for name in PEOPLE_FILES for r in read_dictionary(reference / name)]
    org_records = [r for name in ORG_FILES for r in read_dictionary(reference / name)]
    # A dated record in the organisation files is a person (a UN secretary-general).
    people_records += [r for r in org_records if any(x.dated for x in r.restrictions)]
    org_records = [r for r in org_records if not any(x.dated for x in r.restrictions)]
    people = build_table(people_records, countries, people=True, key=normalize)
    orgs = build_table(org_records, countries, people=False, key=normalize)
    (out_dir / PEOPLE_TABLE).write_text(
        render(people, PEOPLE_FILES + ORG_FILES, licence,
               "People (and national institutions) -> actor code by date."), encoding="utf-8")
    (out_dir / ORGS_TABLE).write_text(
        render(orgs, ORG_FILES, licence,
               "International organisations, NGOs, firms and armed non-state groups -> actor code."),
        encoding="utf-8")
    with (reference / AGENTS_FILE).open(encoding="utf-8", errors="replace") as lines:
        roles = build_roles(read_agents(lines), key=normalize)
    (out_dir / ROLES_TABLE).write_text(render_roles(roles, licence), encoding="utf-8")
    return {PEOPLE_TABLE: sum(map(len, people.values())), ORGS_TABLE: sum(map(len, orgs.values())),
            ROLES_TABLE: sum(map(len, roles.values()))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path,
                        default=Path(os.environ.get(REFERENCE_ENV, DEFAULT_REFERENCE)),
                        help=f"the dictionaries' folder (default: ${REFERENCE_ENV}, else "
                             "../shared/reference/petrarch2 beside the repository)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "streams" / "data",
                        help="where the tables go (default: streams/data)")
    args = parser.parse_args(argv)
    if not (args.reference / PEOPLE_FILES[0]).is_file():
        print(f"no {PEOPLE_FILES[0]} in {args.reference}; give --reference", file=sys.stderr)
        return 2
    for table, count in build(args.reference, args.out).items():
        print(f"{table}: {count} names")
    if (args.reference / verb_dictionary.VERBS_FILE).is_file():
        count = verb_dictionary.build(args.reference, args.out)
        print(f"{verb_dictionary.VERBS_TABLE}: {count} entries")
    else:
        print(f"no {verb_dictionary.VERBS_FILE} in {args.reference}: verb table left as it is",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
