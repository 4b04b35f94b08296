"""Build streams/data/events_verbs_cameo.tsv from the PETRARCH2 CAMEO 2.0 verb dictionary (MIT,
Copyright (c) 2015 Open Event Data Alliance). Called by `make actors`
(streams.tools.actor_dictionaries), which builds every table derived from those dictionaries.

A verb with a code (its own, else its block's) is a bare entry; a pattern the lexicon's matcher
can check becomes an entry with a complement (streams/extraction/verb_lexicon.py): after the
verb, objects and particles ("* AID", "* OFF TALK"), an object noun phrase ("* {MOCK ATTACK}":
the head and its modifier), a preposition alone or with one noun ("* (INTO ALLEGATION)");
synsets are spelled out; a pattern whose object is an event noun of events_verbs.tsv is left to
that noun (see `verb_rows`). Patterns that need a word before the verb (the source's kind), an
actor marker other than the source or target's, or a modifier inside a prepositional phrase are
not kept: the matcher cannot check them. A code 'A:B' keeps A; CAMEO 2.0 codes missing from the
project's table (cameo_codes.tsv) fall back to their three-digit parent; an appeal's code in the
block of demands is the matching demand (see `_as_demand`).

Precision: CAMEO lists common verbs under broad codes ("say", "tell", "go", "make"), which would
code an event in most news sentences. Kept are the bare verbs of specific codes (neither root 01
nor the broad x0 codes below) and the patterns with a content word; see BROAD_BARE_CODES,
COMMON_VERBS and FUNCTION_WORDS for what is left out and why.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

from streams.tools.cameo_verb_format import (
    NULL_CODE,
    Pattern,
    VerbBlock,
    read_blocks,
    read_synsets,
    source_code,
)

VERBS_FILE = "CAMEO.2.0.txt"
VERBS_TABLE = "events_verbs_cameo.tsv"
NOT_AN_EVENT = "-"  # as in verb_lexicon.NOT_AN_EVENT

# Bare verbs of root 01 (statements: "worry", "involve", "concern") describe more than they
# state, and bare verbs coded only by a root's "not specified" code are mostly ordinary verbs filed under
# the root the editors met them in ("express", "voice", "meet", "help"): as a bare entry they
# code an event whatever the verb is about. Their patterns stay.
BROAD_BARE_CODES = frozenset({"010", "020", "030", "040", "050", "060", "070", "080", "090",
                              "100", "110", "120", "130"})
# Complements made only of these say where or how, not what is done ("rush to", "come from",
# "get out"): as a pattern they would code any sentence with the verb and a preposition.
FUNCTION_WORDS = frozenset(
    "about across after against along around as at away back by down for from in into of off "
    "on onto out over through to toward towards under up upon with within without".split()
)
# The commonest English verbs, which CAMEO files under some code through one sense: as a bare
# entry they would make nearly every sentence an event.
COMMON_VERBS = frozenset(
    "be have do say go get make know think take see come want look use find give tell work call "
    "try ask need feel become leave put mean keep let begin seem show hear play run move live "
    "believe hold bring happen write provide sit stand lose pay meet include continue set learn "
    "change lead understand watch follow stop create speak read allow add spend grow open walk "
    "win offer remember love consider appear buy wait serve die send expect build stay fall cut "
    "reach kill remain suggest raise pass sell require report decide pull".split()
)
# Synsets spelled out into more than this many alternatives make a pattern too loose to keep.
MAX_ALTERNATIVES = 40
MAX_COMPLEMENT_WORDS = 3
_MARKERS = ("$", "+")  # the source, the target: the matcher finds actors itself
_UNREADABLE = ("%", "^")  # compound and skipped actors


def complements(pattern: Pattern, synsets: dict[str, list[str]]) -> list[str] | None:
    """The complement phrases a pattern stands for ('* (INTO ALLEGATION)' -> ['into allegation']);
    None when the matcher cannot check it."""
    if pattern.before or any(m in element for element in pattern.after for m in _UNREADABLE):
        return None
    options: list[list[str]] = []
    for element in pattern.after:
        if element in _MARKERS:
            continue
        words = _element_words(element)
        if words is None:
            return None
        for word in words:
            alternatives = synsets.get(word) if word.startswith("&") else [word]
            if not alternatives:
                return None
            options.append(alternatives)
    if not options:
        return None
    found = []
    for combination in itertools.islice(itertools.product(*options), MAX_ALTERNATIVES + 1):
        words = " ".join(combination).split()
        if len(words) > MAX_COMPLEMENT_WORDS or not all(w.isalpha() for w in words):
            continue
        found.append(" ".join(words))
    if len(found) > MAX_ALTERNATIVES:
        return None
    return found or None


def _element_words(element: str) -> list[str] | None:
    """The words of one element, upper-case synset names kept; None for a shape the matcher
    cannot check (a modifier inside a prepositional phrase)."""
    if element.startswith("("):
        inner = element.strip("()").split()
        if len(inner) > 2 or any(w.startswith("{") for w in inner):
            return None
        return [w.lower() if not w.startswith("&") else w.rstrip("_") for w in inner]
    if element.startswith("{"):
        inner = element.strip("{}").split()
    else:
        inner = [element]
    return [w.lower() if not w.startswith("&") else w.rstrip("_") for w in inner]


def project_code(code: str, known: frozenset[str]) -> str | None:
    """The project's code for a dictionary code; None when there is none."""
    first = source_code(code)
    if first is None:
        return None
    if first == NULL_CODE:
        return NOT_AN_EVENT
    if first in known:
        return first
    return first[:3] if first[:3] in known else None


def verb_rows(blocks: Iterable[VerbBlock], synsets: dict[str, list[str]], known: frozenset[str],
              event_nouns: frozenset[str] = frozenset()) -> Iterator[tuple[str, str, str]]:
    """(lemma, complement, code) of every entry, first-come for a repeated (lemma, complement).

    A pattern whose complement ends in one of `event_nouns` (the hand-written lexicon's) is left
    to the noun: "complete the withdrawal of French troops from Mali" is the withdrawal's event,
    whose own arguments (of the troops, from Mali) say who acts on whom."""
    seen: set[tuple[str, str]] = set()

    def new(lemma: str, complement: str) -> bool:
        key = (lemma, complement)
        if key in seen:
            return False
        seen.add(key)
        return True

    for block in blocks:
        for verb in block.verbs:
            code = project_code(verb.code or block.code, known)
            if code is None or code == NOT_AN_EVENT or not _bare_kept(verb.lemma, verb.particle, code):
                continue
            if new(verb.lemma, verb.particle):
                yield verb.lemma, verb.particle, code
        single = [verb.lemma for verb in block.verbs if not verb.particle]
        for pattern in block.patterns:
            code = _as_demand(project_code(pattern.code, known), block.code, known)
            phrases = complements(pattern, synsets) if code else None
            phrases = [p for p in phrases or () if not _singulars(p.split()[-1]) & event_nouns
                       and not set(p.split()) <= FUNCTION_WORDS]
            lemmas = [lemma for lemma in single if lemma in pattern.found_with] or single
            for lemma, phrase in itertools.product(lemmas, phrases or ()):
                if new(lemma, phrase):
                    yield lemma, phrase, code


def _singulars(word: str) -> set[str]:
    """The word and what it is the regular plural of ("talks", "rallies" -> "talk", "rally")."""
    forms = {word}
    if word.endswith("ies"):
        forms.add(word[:-3] + "y")
    elif word.endswith("es"):
        forms.update((word[:-1], word[:-2]))
    elif word.endswith("s"):
        forms.add(word[:-1])
    return forms


def _as_demand(code: str | None, block_code: str, known: frozenset[str]) -> str | None:
    """An appeal's code (02x) in a block of demands (10x) is the demand for the same thing: the
    dictionary files the appeal patterns of "urge" under "demand", and CAMEO's root 10 mirrors
    root 02 code for code (0231 appeal for economic aid, 1031 demand it)."""
    if code and code.startswith("02") and block_code.startswith("10") and "10" + code[2:] in known:
        return "10" + code[2:]
    return code


def _bare_kept(lemma: str, particle: str, code: str) -> bool:
    if particle:
        return True  # a phrasal verb ("ask for") is specific enough
    return code not in BROAD_BARE_CODES and not code.startswith("01") and lemma not in COMMON_VERBS


def render(rows: Iterable[tuple[str, str, str]], licence: str) -> str:
    header = [
        "# Event lexicon derived from the CAMEO 2.0 verb dictionary: verb lemma, complement, code.",
        "# GENERATED by `make actors` (python -m streams.tools.actor_dictionaries, which calls",
        "# streams/tools/verb_dictionary.py): do not edit. Derived from the PETRARCH2 CAMEO verb",
        f"# dictionary (openeventdata/petrarch2, petrarch2/data/dictionaries/{VERBS_FILE}):",
        "# bare verbs of specific codes and the patterns the lexicon's matcher can check, codes",
        "# mapped to cameo_codes.tsv (verb_dictionary.py says how). Columns as in events_verbs.tsv",
        "# (pos is always V); events_verbs.tsv wins where both name a (lemma, complement).",
        "#",
        *[f"# {line}".rstrip() for line in licence.strip().splitlines()],
        "pos\tlemma\tcomplement\tcode",
    ]
    body = [f"V\t{lemma}\t{complement}\t{code}" for lemma, complement, code in rows]
    return "\n".join(header + body) + "\n"


def dictionary_licence(text: str) -> str:
    """The MIT notice in the verb dictionary's own header (its copyright line included)."""
    lines = [line[1:].strip() if line.startswith("#") else "" for line in text.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("The MIT License"))
    end = next(i for i in range(start, len(lines)) if "DEALINGS IN THE SOFTWARE" in lines[i])
    return "\n".join(lines[start : end + 1])


def event_nouns(data_dir: Path) -> frozenset[str]:
    """The event nouns of the hand-written lexicon (events_verbs.tsv rows 'N', not '-')."""
    rows = (line.split("\t") for line in
            (data_dir / "events_verbs.tsv").read_text(encoding="utf-8").splitlines())
    return frozenset(row[1].lower() for row in rows if len(row) == 4 and row[0] == "N"
                     and row[3] != NOT_AN_EVENT)


def known_codes(data_dir: Path) -> frozenset[str]:
    rows = (data_dir / "cameo_codes.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return frozenset(row.split("\t", 1)[0] for row in rows if row)


def build(reference: Path, out_dir: Path) -> int:
    """Write the table; returns its number of entries."""
    text = (reference / VERBS_FILE).read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    rows = list(verb_rows(read_blocks(lines), read_synsets(lines), known_codes(out_dir),
                          event_nouns(out_dir)))
    (out_dir / VERBS_TABLE).write_text(render(rows, dictionary_licence(text)), encoding="utf-8")
    return len(rows)
